"""The access-group pages: the matrix, one group's page, and the changes admins make there.

Personas (tests/conftest.py): an admin (in "Admins", which may manage access groups) and a
call-center agent (who may not). Every change must write exactly one `group_change` audit event,
and none when refused.
"""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from membercare.access import services
from membercare.access.capabilities import ADMINS, AGENTS, STORE_MANAGERS, Cap
from membercare.audit.models import AuditEvent
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/access/groups/"}


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def caps_of(name: str) -> set[str]:
    return set(group(name).permissions.values_list("codename", flat=True))


def group_changes() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="group_change").order_by("id"))


def the_one_group_change() -> AuditEvent:
    events = group_changes()
    assert len(events) == 1, [event.detail for event in events]
    return events[0]


def toggle(
    client: Client, group_name: str, cap: Cap, *, on: bool, headers: dict[str, str] | None = None
) -> HttpResponse:
    url = reverse("group-capability", args=[group(group_name).pk, cap.value])
    # As the browser sends it: the hidden "false", then the checkbox's "true" when ticked.
    values = ["false", "true"] if on else ["false"]
    return client.post(url, {"granted": values}, headers=headers)  # type: ignore[return-value]


# Who may see the pages


def every_group_url(group_id: int, user_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("groups")),
        ("post", reverse("group-create")),
        ("get", reverse("group", args=[group_id])),
        ("post", reverse("group-capability", args=[group_id, Cap.FRAUD.value])),
        ("post", reverse("group-rename", args=[group_id])),
        ("post", reverse("group-delete", args=[group_id])),
        ("post", reverse("group-member-add", args=[group_id])),
        ("post", reverse("group-member-remove", args=[group_id, user_id])),
    ]


def test_a_call_center_agent_gets_403_on_every_group_page_and_changes_nothing(
    agent_client: Client, agent: Any, group_admin: Any
) -> None:
    managers = group(STORE_MANAGERS)
    before = caps_of(STORE_MANAGERS)
    for method, url in every_group_url(managers.pk, group_admin.pk):
        data = {"name": "Hijack", "granted": "true", "username": agent.username, "confirm": "yes"}
        response = (
            getattr(agent_client, method)(url, data) if method == "post" else agent_client.get(url)
        )
        assert response.status_code == 403, url
    assert caps_of(STORE_MANAGERS) == before
    assert Group.objects.filter(pk=managers.pk).exists()
    assert not Group.objects.filter(name="Hijack").exists()
    assert group_changes() == []


def test_a_signed_out_visitor_is_sent_to_sign_in(anonymous_client: Client) -> None:
    response = anonymous_client.get(reverse("groups"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_access_url_requires_manage_access_groups() -> None:
    from membercare.access.urls import urlpatterns

    for pattern in urlpatterns:
        assert getattr(pattern.callback, "access_policy", None) == (Cap.GROUPS,), pattern.name


def test_an_admin_sees_every_group_and_capability_in_the_matrix(
    group_admin_client: Client, agent: Any
) -> None:
    response = group_admin_client.get(reverse("groups"))
    assert response.status_code == 200
    for name in (ADMINS, AGENTS, STORE_MANAGERS):
        assertContains(response, name)
    for cap in Cap:
        assertContains(response, escape(cap.label))
    agents = group(AGENTS)
    row = response.context["rows"]
    assert {r.name: r.member_count for r in row}[AGENTS] == 1
    assert {r.name: r.capabilities for r in row}[STORE_MANAGERS] == frozenset(
        {Cap.LOOKUP, Cap.TIERS, Cap.POINTS, Cap.STORE_TRANSACTIONS}
    )
    assertContains(response, f'href="{reverse("group", args=[agents.pk])}"')
    assertContains(response, 'aria-label="Store managers: See points" checked')


def test_the_matrix_never_shows_or_touches_other_django_permissions(
    group_admin_client: Client,
) -> None:
    view_user = Permission.objects.get(content_type__app_label="auth", codename="view_user")
    group(STORE_MANAGERS).permissions.add(view_user)

    response = group_admin_client.get(reverse("groups"))
    assertNotContains(response, view_user.name)
    toggle(group_admin_client, STORE_MANAGERS, Cap.POINTS, on=False)

    assert "view_user" in caps_of(STORE_MANAGERS)
    assert response.context["caps"] == list(Cap)


# Toggling a capability


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_ticking_a_cell_grants_exactly_that_capability_and_audits_one_event(
    group_admin_client: Client, group_admin: Any, headers: dict[str, str]
) -> None:
    before = caps_of(STORE_MANAGERS)

    response = toggle(group_admin_client, STORE_MANAGERS, Cap.FRAUD, on=True, headers=headers)

    assert caps_of(STORE_MANAGERS) == before | {Cap.FRAUD.value}
    event = the_one_group_change()
    assert event.actor == group_admin
    assert event.detail["group"] == STORE_MANAGERS
    assert event.detail["change"] == f"granted “{Cap.FRAUD.label}”"
    assert event.detail["capability"] == Cap.FRAUD.value
    if headers:
        assert response.status_code == 200
        assertNotContains(response, "<html")
        assertContains(response, f'id="cap-{group(STORE_MANAGERS).pk}-view_fraud"')
        assertContains(response, 'aria-label="Store managers: See fraud status" checked')
        assertContains(
            response,
            '<div id="matrix-feedback" class="access-feedback" role="status" hx-swap-oob="true">',
        )
        assertContains(response, "Granted “See fraud status” to Store managers.")
    else:
        assert response.status_code == 303
        assert response["Location"] == f"{reverse('groups')}#group-{group(STORE_MANAGERS).pk}"
        page = group_admin_client.get(response["Location"])
        assertContains(page, "Granted “See fraud status” to Store managers.")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_unticking_a_cell_revokes_exactly_that_capability_and_audits_one_event(
    group_admin_client: Client, headers: dict[str, str]
) -> None:
    before = caps_of(AGENTS)

    response = toggle(group_admin_client, AGENTS, Cap.COUPONS, on=False, headers=headers)

    assert response.status_code == (200 if headers else 303)
    assert caps_of(AGENTS) == before - {Cap.COUPONS.value}
    assert the_one_group_change().detail["change"] == f"revoked “{Cap.COUPONS.label}”"
    if headers:
        assertContains(response, 'aria-label="Call-center agents: See coupons">')


def test_a_toggle_to_the_state_a_group_already_has_changes_and_audits_nothing(
    group_admin_client: Client,
) -> None:
    before = caps_of(AGENTS)
    response = toggle(group_admin_client, AGENTS, Cap.LOOKUP, on=True, headers=HTMX)
    assert response.status_code == 200
    assertContains(response, "already has")
    assert caps_of(AGENTS) == before
    assert group_changes() == []


@pytest.mark.parametrize("data", [{}, {"granted": ""}, {"granted": "maybe"}])
def test_a_toggle_without_a_clear_value_is_a_400_that_changes_nothing(
    group_admin_client: Client, data: dict[str, str]
) -> None:
    url = reverse("group-capability", args=[group(AGENTS).pk, Cap.LOOKUP.value])
    before = caps_of(AGENTS)
    for headers in ({}, HTMX):
        response = group_admin_client.post(url, data, headers=headers)
        assertContains(response, "nothing was changed", status_code=400)
    assert caps_of(AGENTS) == before
    assert group_changes() == []


@pytest.mark.parametrize(("value", "granted"), [("on", True), ("1", True), ("0", False)])
def test_a_checkbox_sending_on_or_a_digit_is_understood(
    group_admin_client: Client, value: str, granted: bool
) -> None:
    url = reverse("group-capability", args=[group(STORE_MANAGERS).pk, Cap.COUPONS.value])
    toggle(group_admin_client, STORE_MANAGERS, Cap.COUPONS, on=not granted)
    group_admin_client.post(url, {"granted": value})
    assert (Cap.COUPONS.value in caps_of(STORE_MANAGERS)) is granted


def test_an_unknown_capability_or_group_is_a_404(group_admin_client: Client) -> None:
    agents = group(AGENTS)
    assert (
        group_admin_client.post(f"/access/groups/{agents.pk}/capabilities/view_user/").status_code
        == 404
    )
    missing = reverse("group-capability", args=[987654, Cap.LOOKUP.value])
    assert group_admin_client.post(missing, {"granted": "true"}).status_code == 404
    assert group_changes() == []


def test_a_get_on_a_change_url_is_refused(group_admin_client: Client) -> None:
    agents = group(AGENTS).pk
    for url in (
        reverse("group-capability", args=[agents, Cap.LOOKUP.value]),
        reverse("group-create"),
        reverse("group-rename", args=[agents]),
        reverse("group-delete", args=[agents]),
        reverse("group-member-add", args=[agents]),
    ):
        assert group_admin_client.get(url).status_code == 405, url
    assert Group.objects.filter(pk=agents).exists()


# Changes take effect on the very next request


def test_a_member_gains_a_capability_on_their_very_next_request(
    group_admin_client: Client, agent_client: Client
) -> None:
    assert agent_client.get(reverse("groups")).status_code == 403
    toggle(group_admin_client, AGENTS, Cap.GROUPS, on=True)
    assert agent_client.get(reverse("groups")).status_code == 200


def test_a_member_loses_a_capability_on_their_very_next_request(group_admin_client: Client) -> None:
    leads = Group.objects.create(name="Team leads")
    leads.permissions.add(Permission.objects.get(codename=Cap.GROUPS.value))
    lead = make_user("lee.lead", "Team leads")
    as_lead = signed_in(lead)
    assert as_lead.get(reverse("groups")).status_code == 200

    toggle(group_admin_client, "Team leads", Cap.GROUPS, on=False)

    assert as_lead.get(reverse("groups")).status_code == 403


def test_a_member_removed_from_a_group_loses_its_capabilities_at_once(
    group_admin_client: Client, agent: Any, agent_client: Client
) -> None:
    toggle(group_admin_client, AGENTS, Cap.GROUPS, on=True)
    assert agent_client.get(reverse("groups")).status_code == 200

    group_admin_client.post(reverse("group-member-remove", args=[group(AGENTS).pk, agent.pk]))

    # Their last group gone, they hold nothing: their session ends at once (sent to sign in).
    response = agent_client.get(reverse("groups"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_who_keeps_another_group_stays_signed_in_with_what_it_gives(
    group_admin_client: Client, agent: Any, agent_client: Client
) -> None:
    toggle(group_admin_client, AGENTS, Cap.GROUPS, on=True)
    readers = Group.objects.create(name="Readers")
    readers.permissions.add(Permission.objects.get(codename=Cap.POINTS.value))
    readers.user_set.add(agent)
    group_admin_client.post(reverse("group-member-remove", args=[group(AGENTS).pk, agent.pk]))

    assert agent_client.get(reverse("groups")).status_code == 403


# Creating a group


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_admin_creates_a_group_with_a_trimmed_name_and_one_audit_event(
    group_admin_client: Client, headers: dict[str, str]
) -> None:
    response = group_admin_client.post(
        reverse("group-create"), {"name": "  Team   leads \n"}, headers=headers
    )

    created = group("Team leads")
    assert caps_of("Team leads") == set()
    event = the_one_group_change()
    assert event.detail == {"group": "Team leads", "change": "created"}
    if headers:
        assert response.status_code == 200
        assertNotContains(response, "<html")
        assertContains(response, 'id="access-groups"')
        assertContains(response, f'<tr id="group-{created.pk}" class="created">')
        assertContains(response, "Created “Team leads”")
    else:
        assert response.status_code == 303
        assert response["Location"] == f"{reverse('groups')}#group-{created.pk}"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A group needs a name."),
        ("   ", "A group needs a name."),
        ("Admins", "There is already a group called “Admins”."),
        ("  call-center AGENTS ", "There is already a group called “call-center AGENTS”."),
        ("x" * 151, "at most 150 characters"),
    ],
    ids=["blank", "spaces", "duplicate", "duplicate-ignoring-case", "too-long"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_creating_a_group_with_a_bad_name_says_why_and_changes_nothing(
    group_admin_client: Client, name: str, message: str, headers: dict[str, str]
) -> None:
    count = Group.objects.count()

    response = group_admin_client.post(reverse("group-create"), {"name": name}, headers=headers)

    assertContains(response, message, status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    if headers:
        assertNotContains(response, "<html", status_code=422)  # the partial
    else:
        assertContains(response, "<html", status_code=422)  # the page
    assert Group.objects.count() == count
    assert group_changes() == []


def test_creating_a_group_without_a_name_field_is_not_a_500(group_admin_client: Client) -> None:
    assert group_admin_client.post(reverse("group-create"), {}).status_code == 422


# One group's page


def test_the_group_page_lists_members_capabilities_and_the_forms(
    group_admin_client: Client, agent: Any
) -> None:
    inactive = make_user("ina.inactive", AGENTS, active=False)
    agents = group(AGENTS)

    response = group_admin_client.get(reverse("group", args=[agents.pk]))

    assert response.status_code == 200
    assert [m.username for m in response.context["members"]] == [agent.username, inactive.username]
    assertContains(response, "Inactive")
    assertContains(response, Cap.FRAUD.label)
    assertNotContains(response, Cap.CONTACT.label)  # agents do not have it
    assertContains(response, reverse("group-rename", args=[agents.pk]))
    assertContains(response, reverse("group-member-add", args=[agents.pk]))
    assertContains(response, reverse("group-member-remove", args=[agents.pk, agent.pk]))
    assertContains(response, reverse("group-delete", args=[agents.pk]))


def test_a_group_that_does_not_exist_is_a_404_on_every_page(
    group_admin_client: Client, agent: Any
) -> None:
    for method, url in every_group_url(987654, agent.pk)[2:]:
        data = {"name": "X", "granted": "true", "username": agent.username, "confirm": "yes"}
        response = (
            getattr(group_admin_client, method)(url, data)
            if method == "post"
            else group_admin_client.get(url)
        )
        assert response.status_code == 404, url
    assert group_changes() == []


# Renaming


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_admin_renames_a_group_and_the_audit_says_old_and_new(
    group_admin_client: Client, headers: dict[str, str]
) -> None:
    managers = group(STORE_MANAGERS)

    response = group_admin_client.post(
        reverse("group-rename", args=[managers.pk]),
        {"name": " Store leads "},
        headers=headers,
    )

    managers.refresh_from_db()
    assert managers.name == "Store leads"
    event = the_one_group_change()
    assert event.detail["group"] == "Store leads"
    assert event.detail["change"] == "renamed “Store managers” → “Store leads”"
    if headers:
        assert response.status_code == 200
        assertContains(response, 'id="group-page"')
        assertNotContains(response, "<html")
        assertContains(response, "Renamed “Store managers” to “Store leads”.")
    else:
        assert response.status_code == 303
        page = group_admin_client.get(response["Location"])
        assertContains(page, "Renamed “Store managers” to “Store leads”.")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A group needs a name."),
        ("Admins", "There is already a group called “Admins”."),
        ("admins", "There is already a group called “admins”."),
    ],
    ids=["blank", "duplicate", "duplicate-ignoring-case"],
)
def test_renaming_to_a_bad_name_says_why_and_changes_nothing(
    group_admin_client: Client, name: str, message: str
) -> None:
    managers = group(STORE_MANAGERS)
    for headers in ({}, HTMX):
        response = group_admin_client.post(
            reverse("group-rename", args=[managers.pk]),
            {"name": name},
            headers=headers,
        )
        assertContains(response, message, status_code=422)
    managers.refresh_from_db()
    assert managers.name == STORE_MANAGERS
    assert group_changes() == []


def test_renaming_a_group_to_its_own_name_or_another_case_of_it(group_admin_client: Client) -> None:
    managers = group(STORE_MANAGERS)
    url = reverse("group-rename", args=[managers.pk])

    group_admin_client.post(url, {"name": STORE_MANAGERS})
    assert group_changes() == []

    group_admin_client.post(url, {"name": "Store Managers"})
    managers.refresh_from_db()
    assert managers.name == "Store Managers"
    assert len(group_changes()) == 1


# Deleting


def test_deleting_asks_for_confirmation_first_saying_how_many_members_lose_access(
    group_admin_client: Client, agent: Any
) -> None:
    make_user("dee.agent", AGENTS)
    agents = group(AGENTS)

    url = reverse("group-delete", args=[agents.pk])

    page = group_admin_client.post(url)
    partial = group_admin_client.post(url, headers=HTMX)

    assert page.status_code == partial.status_code == 200
    assertContains(page, "<html")
    assertNotContains(partial, "<html")
    for response in (page, partial):
        assertContains(response, "2 members will lose access")
        assertContains(response, 'id="delete-group"')
        assertContains(response, "Delete “Call-center agents”")
        assertContains(response, 'name="confirm" value="yes"')
    assert Group.objects.filter(pk=agents.pk).exists()
    assert group_changes() == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_admin_deletes_a_group_with_members_and_one_event_is_audited(
    group_admin_client: Client, agent: Any, headers: dict[str, str]
) -> None:
    agents = group(AGENTS)

    response = group_admin_client.post(
        reverse("group-delete", args=[agents.pk]), {"confirm": "yes"}, headers=headers
    )

    assert not Group.objects.filter(pk=agents.pk).exists()
    assert not agent.groups.exists()
    event = the_one_group_change()
    assert event.detail["group"] == AGENTS
    assert event.detail["members"] == 1
    assert event.detail["change"] == "deleted (it had 1 member)"
    if headers:
        assert response.status_code == 200
        assert response["HX-Redirect"] == reverse("groups")
    else:
        assert response.status_code == 303
        assert response["Location"] == reverse("groups")
    page = group_admin_client.get(reverse("groups"))
    assertContains(page, "Deleted “Call-center agents”. Its 1 member lost what it gave them.")
    assert AGENTS not in page.text.replace("Deleted “Call-center agents”", "")


# Members


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_admin_adds_a_member_by_username_and_one_event_is_audited(
    group_admin_client: Client, no_group: Any, headers: dict[str, str]
) -> None:
    managers = group(STORE_MANAGERS)

    response = group_admin_client.post(
        reverse("group-member-add", args=[managers.pk]),
        {"username": " nogroup "},
        headers=headers,
    )

    assert no_group.groups.filter(pk=managers.pk).exists()
    event = the_one_group_change()
    assert event.detail == {
        "group": STORE_MANAGERS,
        "change": "added member nogroup",
        "user": "nogroup",
    }
    if headers:
        assert response.status_code == 200
        assertNotContains(response, "<html")
        assertContains(response, 'id="members"')
        assertContains(response, "nogroup")
        assertContains(
            response, 'id="group-feedback" class="access-feedback" role="status" hx-swap-oob="true"'
        )
        assertContains(response, "Added nogroup to Store managers.")
    else:
        assert response.status_code == 303
        assert response["Location"] == reverse("group", args=[managers.pk]) + "#members"
        page = group_admin_client.get(response["Location"])
        assertContains(page, "Added nogroup to Store managers.")


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody.here", "No user has the username “nobody.here”."),
        ("", "Type the username of the person to add."),
    ],
    ids=["unknown", "blank"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_a_member_that_does_not_exist_says_so_and_changes_nothing(
    group_admin_client: Client, username: str, message: str, headers: dict[str, str]
) -> None:
    managers = group(STORE_MANAGERS)

    response = group_admin_client.post(
        reverse("group-member-add", args=[managers.pk]),
        {"username": username},
        headers=headers,
    )

    assertContains(response, message, status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    if headers:
        assertNotContains(response, "<html", status_code=422)  # the partial
    else:
        assertContains(response, "<html", status_code=422)  # the page
    assert not managers.user_set.exists()
    assert group_changes() == []


def test_adding_someone_who_already_is_a_member_changes_and_audits_nothing(
    group_admin_client: Client, agent: Any
) -> None:
    response = group_admin_client.post(
        reverse("group-member-add", args=[group(AGENTS).pk]),
        {"username": agent.username},
        headers=HTMX,
    )
    assert response.status_code == 200
    assertContains(response, "agent already is a member of Call-center agents.")
    assert group_changes() == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_admin_removes_a_member_and_one_event_is_audited(
    group_admin_client: Client, agent: Any, headers: dict[str, str]
) -> None:
    agents = group(AGENTS)

    response = group_admin_client.post(
        reverse("group-member-remove", args=[agents.pk, agent.pk]),
        headers=headers,
    )

    assert not agent.groups.filter(pk=agents.pk).exists()
    assert the_one_group_change().detail == {
        "group": AGENTS,
        "change": "removed member agent",
        "user": "agent",
    }
    if headers:
        assert response.status_code == 200
        assertContains(response, "Removed agent from Call-center agents.")
        assertContains(response, "Nobody is in this group yet.")
    else:
        assert response.status_code == 303


def test_removing_someone_who_is_not_a_member_changes_and_audits_nothing(
    group_admin_client: Client, agent: Any
) -> None:
    managers = group(STORE_MANAGERS)
    response = group_admin_client.post(
        reverse("group-member-remove", args=[managers.pk, agent.pk]),
        headers=HTMX,
    )
    assert response.status_code == 200
    assertContains(response, "agent is not a member of Store managers.")
    unknown = reverse("group-member-remove", args=[managers.pk, 987654])
    assert group_admin_client.post(unknown).status_code == 404
    assert group_changes() == []


# Nobody can lock everyone out


def test_manage_access_groups_cannot_be_taken_from_the_last_group_with_members_that_has_it(
    group_admin_client: Client,
) -> None:
    for headers in ({}, HTMX):
        response = toggle(group_admin_client, ADMINS, Cap.GROUPS, on=False, headers=headers)
        if headers:
            assertContains(
                response, 'aria-label="Admins: Manage access groups" checked', status_code=409
            )
            assertContains(response, "would lock everyone out", status_code=409)
        else:
            assert response.status_code == 303
            page = group_admin_client.get(response["Location"])
            assertContains(page, "would lock everyone out")
    assert Cap.GROUPS.value in caps_of(ADMINS)
    assert group_changes() == []


def test_manage_access_groups_can_be_taken_away_once_another_group_with_members_has_it(
    group_admin_client: Client, agent: Any
) -> None:
    toggle(group_admin_client, AGENTS, Cap.GROUPS, on=True)
    response = toggle(group_admin_client, ADMINS, Cap.GROUPS, on=False, headers=HTMX)
    assert response.status_code == 200
    assert Cap.GROUPS.value not in caps_of(ADMINS)
    assert len(group_changes()) == 2


def test_a_group_with_manage_access_groups_but_no_active_member_does_not_count(
    group_admin_client: Client,
) -> None:
    toggle(group_admin_client, STORE_MANAGERS, Cap.GROUPS, on=True)  # nobody is a store manager
    make_user("old.manager", STORE_MANAGERS, active=False)
    response = toggle(group_admin_client, ADMINS, Cap.GROUPS, on=False, headers=HTMX)
    assert response.status_code == 409
    assert Cap.GROUPS.value in caps_of(ADMINS)
    # Taking it from the group nobody active is in is fine.
    assert (
        toggle(group_admin_client, STORE_MANAGERS, Cap.GROUPS, on=False, headers=HTMX).status_code
        == 200
    )


def test_the_last_group_with_members_that_manages_groups_cannot_be_deleted(
    group_admin_client: Client,
) -> None:
    admins = group(ADMINS)
    url = reverse("group-delete", args=[admins.pk])

    confirm = group_admin_client.post(url)
    assert confirm.status_code == 200
    assertContains(confirm, "would lock everyone out")
    assertNotContains(confirm, "Delete “Admins”</button>")

    for headers in ({}, HTMX):
        response = group_admin_client.post(url, {"confirm": "yes"}, headers=headers)
        assertContains(response, "would lock everyone out", status_code=409)
    assert Group.objects.filter(pk=admins.pk).exists()
    assert group_changes() == []


def test_the_last_member_of_the_last_group_that_manages_groups_cannot_be_removed(
    group_admin_client: Client, group_admin: Any
) -> None:
    admins = group(ADMINS)
    url = reverse("group-member-remove", args=[admins.pk, group_admin.pk])

    response = group_admin_client.post(url, headers=HTMX)

    assertContains(response, "would lock everyone out", status_code=409)
    assert group_admin.groups.filter(pk=admins.pk).exists()
    assert group_changes() == []

    second = make_user("bo.admin", ADMINS)
    assert group_admin_client.post(url, headers=HTMX).status_code == 200
    assert not group_admin.groups.filter(pk=admins.pk).exists()
    assert second.groups.filter(pk=admins.pk).exists()


def test_the_lock_out_guard_holds_in_the_services_too(group_admin: Any) -> None:
    with pytest.raises(services.WouldLockOut):
        services.set_capability(
            group=group(ADMINS), cap=Cap.GROUPS, granted=False, actor=group_admin
        )
    with pytest.raises(services.WouldLockOut):
        services.delete_group(group=group(ADMINS), actor=group_admin)
    with pytest.raises(services.WouldLockOut):
        services.remove_member(group=group(ADMINS), user=group_admin, actor=group_admin)
    assert group_changes() == []


# "View as this group" preview


def test_the_group_page_offers_a_preview_as_this_group(group_admin_client: Client) -> None:
    agents = group(AGENTS)
    response = group_admin_client.get(reverse("group", args=[agents.pk]))
    assert response.status_code == 200
    assertContains(response, f'action="{reverse("group-preview", args=[agents.pk])}"')
    assertContains(response, 'method="get"')
    assertContains(response, 'name="user_id"')
    assertContains(response, "Preview a member as this group")
