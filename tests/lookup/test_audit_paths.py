"""One audit event per look, true to what the agent saw: failures included.

Capillary is replayed at the HTTP boundary, so every failure can be had on demand.
"""

import pytest
from django.urls import reverse

from membercare.audit.models import AuditEvent
from tests.lookup.conftest import GOLD, answer_busy, answer_gone, answer_member

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
REASON = "caller asked to update their email"

LOOKS = {
    "view": lambda c: c.get(reverse("customer", args=[GOLD])),
    "refresh": lambda c: c.post(reverse("customer-refresh", args=[GOLD]), headers=HX),
    "panel": lambda c: c.get(reverse("customer-points", args=[GOLD]), headers=HX),
    "coupon page": lambda c: c.get(
        reverse("customer-coupons", args=[GOLD]) + "?page=2", headers=HX
    ),
    "transactions": lambda c: c.get(
        reverse("customer-transactions", args=[GOLD]) + "?type=RETURN", headers=HX
    ),
    "verify": lambda c: c.post(
        reverse("customer-verify", args=[GOLD]), {"field": "email", "value": "x@example.com"}
    ),
    "reveal": lambda c: c.post(
        reverse("customer-reveal", args=[GOLD]), {"field": "email", "reason": REASON}
    ),
}
ACTIONS = {
    "view": "view_customer",
    "refresh": "view_customer",
    "panel": "view_panel",
    "coupon page": "coupon_page",
    "transactions": "view_panel",
    "verify": "verify",
    "reveal": "reveal",
}


def the_event(look, client) -> AuditEvent:
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    look(client)
    events = list(AuditEvent.objects.exclude(pk__in=before).exclude(action="sign_in"))
    assert len(events) == 1, [(e.action, e.outcome) for e in events]
    return events[0]


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize(
    ("code", "outcome", "status"), [(1012, "not_found", 404), (8109, "deleted", 410)]
)
def test_a_look_at_a_member_who_is_gone_is_audited_as_gone(
    agent_client, capillary, look, code, outcome, status
):
    answer_gone(capillary, code=code)
    event = the_event(LOOKS[look], agent_client)
    assert (event.action, event.outcome, event.member_id) == (ACTIONS[look], outcome, GOLD)
    assert event.request_id == "req-gone"


@pytest.mark.parametrize("look", LOOKS)
def test_a_look_that_capillary_could_not_answer_is_an_upstream_error(agent_client, capillary, look):
    answer_busy(capillary)
    response = LOOKS[look](agent_client)
    event = AuditEvent.objects.exclude(action="sign_in").get()
    assert response.status_code == 503
    assert (event.action, event.outcome, event.request_id) == (
        ACTIONS[look],
        "upstream_error",
        "req-busy",
    )


@pytest.mark.parametrize(
    ("look", "action"),
    [
        (
            lambda c: c.get(reverse("customer-coupons", args=[GOLD]) + "?page=0", headers=HX),
            "coupon_page",
        ),
        (
            lambda c: c.get(reverse("customer-coupons", args=[GOLD]) + "?dir=sideways"),
            "coupon_page",
        ),
        (
            lambda c: c.get(reverse("customer-transactions", args=[GOLD]) + "?type=X", headers=HX),
            "view_panel",
        ),
        (lambda c: c.post(reverse("customer-verify", args=[GOLD]), {"field": "email"}), "verify"),
        (
            lambda c: c.post(
                reverse("customer-reveal", args=[GOLD]), {"field": "email", "reason": "so"}
            ),
            "reveal",
        ),
    ],
)
def test_input_refused_is_audited_as_invalid(agent_client, capillary, look, action):
    answer_member(capillary)
    response = look(agent_client)
    event = AuditEvent.objects.exclude(action="sign_in").get()
    assert response.status_code == 400
    assert (event.action, event.outcome, event.member_id) == (action, "invalid", GOLD)


def test_a_reveal_of_a_gone_member_shows_the_gone_state_not_a_problem(agent_client, capillary):
    answer_gone(capillary, code=8109)
    response = LOOKS["reveal"](agent_client)
    assert response.status_code == 410
    assert b"Member deleted" in response.content
    detail = AuditEvent.objects.get(action="reveal").detail
    assert {"field": "email", "reason": REASON}.items() <= detail.items()


def test_a_verify_that_answered_is_audited_with_its_answer(agent_client, capillary):
    answer_member(capillary, request_id="req-verify")
    said = {"field": "email", "value": "Demo.Gold@example.com"}
    agent_client.post(reverse("customer-verify", args=[GOLD]), said)
    event = AuditEvent.objects.get(action="verify")
    assert (event.outcome, event.request_id, event.detail["field"]) == (
        "match",
        "req-verify",
        "email",
    )
