"""Every look at a member leaves exactly one audit event, and none holds a raw identifier."""

import pytest
from django.urls import reverse

from membercare.audit.events import identifier_hash
from membercare.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

GOLD = 50000002
HX = {"HX-Request": "true"}


def events_after(action_call) -> list[AuditEvent]:
    """The events one request writes (sign-in events of force_login are left out)."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    action_call()
    return list(AuditEvent.objects.exclude(pk__in=before).exclude(action="sign_in"))


def only(events: list[AuditEvent]) -> AuditEvent:
    assert len(events) == 1, [(e.action, e.outcome) for e in events]
    return events[0]


def test_a_search_writes_one_event_with_the_kind_and_a_keyed_hash(agent_client):
    event = only(
        events_after(lambda: agent_client.post(reverse("search"), {"q": "Demo.Gold@example.com"}))
    )
    assert (event.action, event.outcome, event.member_id) == ("search", "ok", GOLD)
    assert event.identifier_kind == "email"
    assert event.identifier_hash == identifier_hash("demo.gold@example.com")
    assert event.actor_username == "agent"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("nobody@example.com", "not_found"),
        ("demo.deleted@example.com", "deleted"),
        ("a,b", "invalid"),
    ],
)
def test_failed_searches_are_recorded_with_their_outcome(agent_client, text, outcome):
    event = only(events_after(lambda: agent_client.post(reverse("search"), {"q": text})))
    assert (event.action, event.outcome) == ("search", outcome)


def test_an_htmx_search_records_one_event_that_says_the_member_was_opened(agent_client):
    event = only(
        events_after(
            lambda: agent_client.post(
                reverse("search"), {"q": "DEMO-GOLD", "kind": "external_id"}, headers=HX
            )
        )
    )
    assert (event.action, event.outcome, event.member_id) == ("search", "ok", GOLD)
    assert event.detail == {"opened": True}


def test_a_plain_search_records_the_search_and_the_view_after_its_redirect(agent_client):
    events = events_after(
        lambda: agent_client.post(
            reverse("search"), {"q": "DEMO-GOLD", "kind": "external_id"}, follow=True
        )
    )
    ordered = sorted(events, key=lambda e: e.pk)
    assert [(e.action, e.detail) for e in ordered] == [("search", {}), ("view_customer", {})]


@pytest.mark.parametrize(
    ("call", "action", "detail"),
    [
        (lambda c: c.get(reverse("customer", args=[GOLD])), "view_customer", {}),
        (
            lambda c: c.get(reverse("customer-points", args=[GOLD]), headers=HX),
            "view_panel",
            {"panel": "points"},
        ),
        (
            lambda c: c.get(reverse("customer-coupons", args=[GOLD]) + "?page=2", headers=HX),
            "coupon_page",
            {"panel": "coupons", "page": 2},
        ),
        (
            lambda c: c.post(
                reverse("customer-reveal", args=[GOLD]),
                {"field": "mobile", "reason": "caller lost their card"},
            ),
            "reveal",
            {"field": "mobile", "reason": "caller lost their card"},
        ),
        (
            lambda c: c.post(
                reverse("customer-verify", args=[GOLD]),
                {"field": "email", "value": "x@example.com"},
            ),
            "verify",
            {"field": "email"},
        ),
    ],
)
def test_each_look_at_a_member_writes_exactly_one_event(agent_client, call, action, detail):
    event = only(events_after(lambda: call(agent_client)))
    assert event.action == action
    assert event.member_id == GOLD
    assert detail.items() <= event.detail.items()
    assert event.request_id  # Capillary's X-Cap-Requestid, to match with their logs


def test_denied_access_is_recorded(manager_client):
    event = only(events_after(lambda: manager_client.get(reverse("customer-coupons", args=[GOLD]))))
    assert (event.action, event.outcome, event.member_id) == ("denied", "denied", GOLD)
    assert event.detail["needs"] == ["view_coupons"]


def test_no_event_holds_a_raw_identifier(agent_client):
    for text in ("demo.gold@example.com", "+91 98000 00002", "DEMO-GOLD", "nobody@example.com"):
        agent_client.post(reverse("search"), {"q": text})
    agent_client.post(
        reverse("customer-verify", args=[GOLD]),
        {"field": "email", "value": "demo.gold@example.com"},
    )
    dumped = " ".join(str(values) for values in AuditEvent.objects.values())
    for raw in ("demo.gold", "919800000002", "9800000002", "DEMO-GOLD", "nobody@"):
        assert raw not in dumped
