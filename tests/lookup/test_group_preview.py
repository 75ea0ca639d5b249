"""The "preview a member as this group" page never shows more than the previewer may see.

A red team read the full record of any user id through "preview as Admins" with nothing but
"manage access groups". Capillary is replayed at the HTTP boundary: every user id asked for is a
member with their own name, mobile and email, so a leak would show in the HTML.
"""

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from membercare.access.capabilities import ADMINS, AGENTS, Cap
from membercare.audit.models import AuditEvent
from tests.capillary.conftest import envelope, full_view_item
from tests.conftest import make_user, signed_in
from tests.lookup.conftest import ENDPOINT

pytestmark = pytest.mark.django_db

USER_IDS = [60000000 + n for n in range(20)]


def contact_of(user_id: int) -> dict[str, str]:
    """The member's own contact details: what a preview must not show unmasked."""
    n = user_id % 100
    return {
        "firstname": f"Sentinelfirst{n:02d}",
        "lastname": f"Sentinellast{n:02d}",
        "mobile": f"9198765{n:05d}",
        "email": f"sentinel.member{n:02d}@example.com",
    }


def answer_any_member(mock: responses.RequestsMock) -> None:
    """Capillary answers every user id with that member's record."""

    def member(request: Any) -> tuple[int, dict[str, str], str]:
        user_id = int(parse_qs(urlsplit(request.url).query)["id"][0])
        item = full_view_item() | {"user_id": user_id} | contact_of(user_id)
        return 200, {"X-Cap-Requestid": f"req-{user_id}"}, json.dumps(envelope(item))

    mock.add_callback(responses.GET, ENDPOINT, callback=member)


def group_with(name: str, *caps: Cap) -> Group:
    group = Group.objects.create(name=name)
    codenames = [cap.value for cap in caps]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="access", codename__in=codenames)
    )
    return group


def previewer(username: str, *caps: Cap) -> Client:
    """A signed-in user whose only group grants exactly `caps`."""
    user = make_user(username)
    user.groups.add(group_with(f"Only {username}", *caps))
    return signed_in(user)


def preview(client: Client, group_name: str, user_id: int) -> Any:
    url = reverse("group-preview", args=[Group.objects.get(name=group_name).pk])
    return client.get(url, {"user_id": user_id})


def test_a_groups_only_admin_previewing_as_admins_sees_no_contact_detail_of_anyone(capillary):
    answer_any_member(capillary)
    client = previewer("keeper", Cap.GROUPS)
    for user_id in USER_IDS:
        response = preview(client, ADMINS, user_id)
        html = response.content.decode().casefold()
        for value in contact_of(user_id).values():
            assert value.casefold() not in html, (user_id, value)
        assert response.status_code == 403, user_id
    assert len(capillary.calls) == 0  # Capillary was never asked
    denied = AuditEvent.objects.filter(action="denied", actor__username="keeper")
    assert denied.count() == len(USER_IDS)


def test_a_groups_only_admin_is_not_offered_the_preview_on_the_group_page(capillary):
    client = previewer("keeper", Cap.GROUPS)
    response = client.get(reverse("group", args=[Group.objects.get(name=ADMINS).pk]))
    assertNotContains(response, 'name="user_id"')
    assertContains(response, "it needs “Look up members”")


def test_an_agent_like_previewer_sees_admins_view_masked_and_told_what_was_held_back(capillary):
    answer_any_member(capillary)
    agent_caps = [
        Cap(cap)
        for cap in Group.objects.get(name=AGENTS).permissions.values_list("codename", flat=True)
    ]
    client = previewer("lead", Cap.GROUPS, *agent_caps)
    for user_id in USER_IDS:
        response = preview(client, ADMINS, user_id)
        assert response.status_code == 200, user_id
        html = response.content.decode()
        for value in contact_of(user_id).values():
            assert value.casefold() not in html.casefold(), (user_id, value)
        # Masked as the previewer sees them on their own: what still helps verify a caller.
        assert "s•••@example.com" in html
        assert f"••••••••{user_id % 100:04d}" in html
    assertContains(response, "this is what the group <strong>Admins</strong> sees")
    assertContains(response, "limited to what you may see yourself")
    assertContains(response, "“See contact details unmasked”")
    assertContains(response, "“Read the audit trail”")
    assertNotContains(response, 'id="viewed-by"')  # the audit capability was held back too
    assertNotContains(response, "“See coupons”")  # the previewer has that one: nothing held


def test_a_lookup_only_previewer_gets_no_verify_reveal_or_panels_beyond_their_own(capillary):
    answer_any_member(capillary)
    client = previewer("viewer", Cap.GROUPS, Cap.LOOKUP)
    response = preview(client, ADMINS, USER_IDS[0])
    assert response.status_code == 200
    for absent in ('id="tiers"', 'id="points"', 'id="coupons"', 'id="transactions"'):
        assertNotContains(response, absent)
    assertNotContains(response, reverse("customer-verify", args=[USER_IDS[0]]))
    assertNotContains(response, reverse("customer-reveal", args=[USER_IDS[0]]))
    # The forms' endpoints answer to the previewer's own rights, whatever the preview showed.
    verify = client.post(
        reverse("customer-verify", args=[USER_IDS[0]]), {"field": "email", "value": "x@y.z"}
    )
    reveal = client.post(
        reverse("customer-reveal", args=[USER_IDS[0]]),
        {"field": "email", "reason": "caller asked to update it"},
    )
    assert (verify.status_code, reveal.status_code) == (403, 403)
    assertNotContains(reveal, contact_of(USER_IDS[0])["email"], status_code=403)


def test_an_admin_previewing_as_agents_sees_what_agents_see_and_nothing_held_back(
    capillary, group_admin_client
):
    answer_any_member(capillary)
    response = preview(group_admin_client, AGENTS, USER_IDS[0])
    assert response.status_code == 200
    assertContains(response, "this is what the group <strong>Call-center agents</strong> sees")
    assertNotContains(response, "limited to what you may see yourself")
    assertNotContains(response, contact_of(USER_IDS[0])["email"])
    assertContains(response, 'id="coupons"')


def test_each_preview_is_one_audited_look_with_the_group_named(capillary, group_admin_client):
    answer_any_member(capillary)
    preview(group_admin_client, AGENTS, USER_IDS[0])
    event = AuditEvent.objects.get(action="view_customer")
    assert event.member_id == USER_IDS[0]
    assert event.detail["preview_group"] == AGENTS
