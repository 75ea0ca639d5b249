"""The audit page and its CSV export: who may see them, filters, bad filters, and no PII out."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from membercare.audit.events import record
from membercare.audit.models import Action, AuditEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

AUDIT = reverse("audit")
EXPORT = reverse("audit-export")
EMAIL = "demo.gold@example.com"
REASON = "Caller asked to confirm the number on file"
TYPED_USERNAME = "mistyped.password.Secret123"
EXPECTED_HEADER = [
    "at",
    "actor",
    "action",
    "outcome",
    "member_id",
    "identifier_kind",
    "identifier_hash",
    "panel",
    "page",
    "field",
    "ip",
    "request_id",
    "trace_id",
]
# A user's name on the page: a link to only their events.
USER_LINK = f'<a href="{AUDIT}?user={{user}}" title="Only this user’s events">{{user}}</a>'


def _event(user: Any, *, at: datetime, **fields: Any) -> AuditEvent:
    fields.setdefault("action", Action.VIEW_CUSTOMER)
    return AuditEvent.objects.create(
        at=at, actor=user, actor_username=user.get_username(), **fields
    )


def _rows(response: Any) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


def _csv(response: StreamingHttpResponse) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def personal_events(agent: Any) -> None:
    """Events whose making involved personal data: an email looked up, a reason, a typed name."""
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.8.7")
    request.user = agent
    record(
        request,
        action=Action.SEARCH,
        member_id=50000002,
        identifier_kind="email",
        identifier_value=EMAIL,
        request_id="req-search-1",
    )
    record(request, action=Action.VIEW_PANEL, member_id=50000002, detail={"panel": "points"})
    record(request, action=Action.COUPON_PAGE, member_id=50000002, detail={"page": 3})
    record(
        request,
        action=Action.REVEAL,
        member_id=50000002,
        detail={"field": "mobile", "reason": REASON},
    )
    record(action=Action.SIGN_IN_FAILED, outcome="failed", detail={"username": TYPED_USERNAME})


# --- Who may look ----------------------------------------------------------------------------


def test_agent_without_the_audit_capability_is_refused_the_export(agent_client):
    assert agent_client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.AUDIT_EXPORT).exists()


def test_a_refused_visit_is_itself_in_the_trail(agent_client, agent):
    agent_client.get(AUDIT)
    denied = AuditEvent.objects.get(action=Action.DENIED)
    assert denied.actor == agent


def test_anonymous_visitor_is_sent_to_sign_in(anonymous_client):
    response = anonymous_client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_auditor_in_admins_sees_the_trail_newest_first(group_admin_client, agent):
    noon = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    older = _event(agent, at=noon, member_id=50000001)
    newer = _event(agent, at=noon + timedelta(hours=1), member_id=50000001)

    response = group_admin_client.get(AUDIT, {"member": "50000001"})

    assert _rows(response) == [newer, older]
    assertContains(response, '<h1 id="audit-title">Audit trail</h1>', html=True)
    assertContains(response, "css/audit.css")
    assertContains(response, "2025-03-01 13:00:00")


def test_auditor_sees_the_reveal_reason_on_the_page(group_admin_client, personal_events):
    response = group_admin_client.get(AUDIT, {"action": "reveal"})
    assertContains(response, REASON)


def test_htmx_request_gets_only_the_results(group_admin_client, agent):
    _event(agent, at=datetime(2025, 3, 1, tzinfo=UTC), member_id=50000001)

    response = group_admin_client.get(AUDIT, {"member": "50000001"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="audit-results"')
    assertNotContains(response, "<html")
    assertContains(response, USER_LINK.format(user="agent"), html=True)


def test_the_page_has_a_get_form_that_htmx_enhances(group_admin_client):
    response = group_admin_client.get(AUDIT)
    assertContains(response, 'method="get"')
    assertContains(response, f'hx-get="{AUDIT}"')
    assertContains(response, 'hx-target="#audit-results"')
    assertNotContains(response, "hx-on")
    assertNotContains(response, "style=")


# --- Filters ---------------------------------------------------------------------------------


def test_filter_by_user(group_admin_client, agent, manager):
    at = datetime(2025, 3, 1, tzinfo=UTC)
    mine = _event(agent, at=at, member_id=1)
    _event(manager, at=at, member_id=1)

    assert _rows(group_admin_client.get(AUDIT, {"user": "AGENT"})) == [mine]


def test_filter_by_member(group_admin_client, agent):
    at = datetime(2025, 3, 1, tzinfo=UTC)
    wanted = _event(agent, at=at, member_id=50000005)
    _event(agent, at=at, member_id=50000006)

    assert _rows(group_admin_client.get(AUDIT, {"member": "50000005"})) == [wanted]


def test_filter_by_action(group_admin_client, agent):
    at = datetime(2025, 3, 1, tzinfo=UTC)
    reveal = _event(agent, at=at, action=Action.REVEAL, member_id=1)
    _event(agent, at=at, action=Action.VIEW_PANEL, member_id=1)

    assert _rows(group_admin_client.get(AUDIT, {"action": "reveal"})) == [reveal]


def test_filter_by_date_range_takes_whole_utc_days_both_ends_included(group_admin_client, agent):
    _event(agent, at=datetime(2025, 2, 28, 23, 59, 59, tzinfo=UTC), member_id=1)
    first = _event(agent, at=datetime(2025, 3, 1, 0, 0, tzinfo=UTC), member_id=1)
    last = _event(agent, at=datetime(2025, 3, 2, 23, 59, 59, tzinfo=UTC), member_id=1)
    _event(agent, at=datetime(2025, 3, 3, 0, 0, tzinfo=UTC), member_id=1)

    response = group_admin_client.get(AUDIT, {"date_from": "2025-03-01", "date_to": "2025-03-02"})

    assert _rows(response) == [last, first]


def test_filters_combine(group_admin_client, agent, manager):
    at = datetime(2025, 3, 1, 10, tzinfo=UTC)
    wanted = _event(agent, at=at, action=Action.REVEAL, member_id=7)
    _event(manager, at=at, action=Action.REVEAL, member_id=7)
    _event(agent, at=at, action=Action.VIEW_PANEL, member_id=7)
    _event(agent, at=at, action=Action.REVEAL, member_id=8)

    params = {"user": "agent", "member": "7", "action": "reveal", "date_from": "2025-03-01"}
    assert _rows(group_admin_client.get(AUDIT, params)) == [wanted]


def test_the_page_shows_fifty_events_and_links_to_the_next_page(group_admin_client, agent):
    start = datetime(2025, 3, 1, tzinfo=UTC)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=start + timedelta(minutes=n),
            actor=agent,
            actor_username="agent",
            action=Action.VIEW_CUSTOMER,
            member_id=42,
        )
        for n in range(51)
    )

    first = group_admin_client.get(AUDIT, {"member": "42"})
    assert len(_rows(first)) == 50
    assert first.context["next_url"] == f"{AUDIT}?member=42&page=2"

    second = group_admin_client.get(AUDIT, {"member": "42", "page": "2"})
    assert [event.at for event in _rows(second)] == [start]
    assert second.context["next_url"] == ""

    assert len(_rows(group_admin_client.get(AUDIT, {"member": "42", "page": "nope"}))) == 50


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"member": "abc"}, "A member is a Capillary user id: digits only."),
        ({"member": "-4"}, "A member is a Capillary user id: a positive number."),
        ({"member": "99999999999999999999999"}, "No Capillary user id is that large."),
        ({"action": "drop_table"}, "Choose an action from the list."),
        ({"date_from": "2025-13-45"}, "Enter the start date as YYYY-MM-DD."),
        ({"date_to": "yesterday"}, "Enter the end date as YYYY-MM-DD."),
        ({"date_from": "2025-03-02", "date_to": "2025-03-01"}, "The end date is before"),
        ({"user": "u" * 151}, "A username has at most 150 characters."),
    ],
)
def test_a_bad_filter_gets_a_clear_message_not_an_error(group_admin_client, params, message):
    response = group_admin_client.get(AUDIT, params)
    assertContains(response, message, status_code=422)

    partial = group_admin_client.get(AUDIT, params, headers={"HX-Request": "true"})
    assertContains(partial, message, status_code=422)

    export = group_admin_client.get(EXPORT, params)
    assertContains(export, message, status_code=422)


def test_the_last_possible_day_is_a_valid_end_date(group_admin_client):
    response = group_admin_client.get(AUDIT, {"date_to": "9999-12-31"})
    assert response.status_code == 200


# --- Export ----------------------------------------------------------------------------------


def test_export_streams_a_csv_with_the_agreed_header(group_admin_client):
    response = group_admin_client.get(EXPORT)

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    assert _csv(response)[0] == EXPECTED_HEADER


def test_export_contains_no_personal_data(group_admin_client, personal_events):
    response = group_admin_client.get(EXPORT)

    text = "\n".join(",".join(row) for row in _csv(response))
    assert EMAIL not in text
    assert "demo.gold" not in text
    assert REASON not in text
    assert TYPED_USERNAME not in text


def test_export_keeps_the_codes_an_auditor_needs(group_admin_client, personal_events):
    rows = _csv(group_admin_client.get(EXPORT, {"member": "50000002"}))
    by_action = {row[2]: dict(zip(EXPECTED_HEADER, row, strict=True)) for row in rows[1:]}

    search = by_action["search"]
    assert search["actor"] == "agent"
    assert search["member_id"] == "50000002"
    assert search["identifier_kind"] == "email"
    assert len(search["identifier_hash"]) == 64
    assert search["ip"] == "10.9.8.7"
    assert search["request_id"] == "req-search-1"
    assert search["at"].endswith("Z")
    assert by_action["view_panel"]["panel"] == "points"
    assert by_action["coupon_page"]["page"] == "3"
    assert by_action["reveal"]["field"] == "mobile"


def test_export_applies_the_filters(group_admin_client, agent, manager):
    at = datetime(2025, 3, 1, tzinfo=UTC)
    _event(agent, at=at, member_id=11)
    _event(manager, at=at, member_id=12)

    rows = _csv(group_admin_client.get(EXPORT, {"member": "11"}))
    assert [row[1] for row in rows[1:]] == ["agent"]


def test_export_defuses_spreadsheet_formulas(group_admin_client):
    sly = make_user("=HYPERLINK(1)")
    _event(
        sly,
        at=datetime(2025, 3, 1, tzinfo=UTC),
        member_id=13,
        request_id="@SUM(A1:A9)",
        detail={"panel": "-points"},
    )

    row = dict(
        zip(EXPECTED_HEADER, _csv(group_admin_client.get(EXPORT, {"member": "13"}))[1], strict=True)
    )
    assert row["actor"] == "'=HYPERLINK(1)"
    assert row["request_id"] == "'@SUM(A1:A9)"
    assert row["panel"] == "'-points"


def test_export_carries_our_request_id_beside_capillarys(group_admin_client, agent):
    """trace_id joins an exported event to the dashboard's log line of its request."""
    _event(
        agent,
        at=datetime(2025, 3, 1, tzinfo=UTC),
        member_id=15,
        request_id="cap-5f1e",
        trace_id="3e8db79cd9b240259dd65832abf84b37",
    )

    row = dict(
        zip(EXPECTED_HEADER, _csv(group_admin_client.get(EXPORT, {"member": "15"}))[1], strict=True)
    )
    assert (row["request_id"], row["trace_id"]) == ("cap-5f1e", "3e8db79cd9b240259dd65832abf84b37")


def test_export_leaves_free_text_out_of_the_detail_columns(group_admin_client, agent):
    _event(
        agent,
        at=datetime(2025, 3, 1, tzinfo=UTC),
        member_id=14,
        action=Action.VIEW_PANEL,
        detail={"panel": "Mrs Smith called about her points", "page": "2 or 3?", "field": ["x"]},
    )

    row = _csv(group_admin_client.get(EXPORT, {"member": "14"}))[1]
    assert row[7:10] == ["", "", ""]


def test_exporting_is_recorded(group_admin_client, group_admin):
    group_admin_client.get(EXPORT, {"action": "reveal", "member": "50000002"})

    export = AuditEvent.objects.get(action=Action.AUDIT_EXPORT)
    assert export.actor == group_admin
    assert export.detail == {"filters": {"member": "50000002", "action": "reveal"}}


def test_the_page_links_to_the_export_with_the_same_filters(group_admin_client):
    response = group_admin_client.get(AUDIT, {"member": "50000002", "action": "reveal"})
    assert response.context["export_url"] == f"{EXPORT}?member=50000002&action=reveal"
    assertContains(response, f'href="{EXPORT}?member=50000002&amp;action=reveal"')


def test_filters_that_match_nothing_say_so(group_admin_client):
    response = group_admin_client.get(AUDIT, {"member": "123"})
    assertContains(response, "No events matching these filters.")
