"""What each persona's HTML holds of a member's contact details: exactly what their group allows.

Sentinels are the gold demo member's real values. Each page and partial is fetched as each persona
and searched for them.
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

GOLD = 50000002
SENTINELS = {
    "email": "demo.gold@example.com",
    "mobile": "919800000002",
    "external_id": "DEMO-GOLD",
    "card": "7100000000000002",
}
PAGES = [
    ("customer", {}),
    ("customer-profile", {"HX-Request": "true"}),
    ("customer-tiers", {"HX-Request": "true"}),
    ("customer-points", {"HX-Request": "true"}),
    ("customer-coupons", {"HX-Request": "true"}),
    ("customer-transactions", {"HX-Request": "true"}),
]


def everything_seen(client) -> str:
    """Every page and partial the persona may open for the member, and every error they get."""
    bodies = []
    for name, headers in PAGES:
        response = client.get(reverse(name, args=[GOLD]), headers=headers)
        bodies.append(response.content.decode())
    for name, data in [
        ("customer-verify", {"field": "email", "value": "wrong@example.com"}),
        ("customer-verify", {"field": "email", "value": ""}),
        ("customer-reveal", {"field": "email", "reason": "short"}),
    ]:
        bodies.append(client.post(reverse(name, args=[GOLD]), data).content.decode())
    bodies.append(
        client.post(
            reverse("search"), {"q": "DEMO-GOLD", "kind": "external_id"}, follow=True
        ).content.decode()
    )
    return "\n".join(bodies)


def test_store_manager_sees_no_contact_detail_anywhere(manager_client):
    seen = everything_seen(manager_client)
    for field, value in SENTINELS.items():
        assert seen.count(value) == 0, field


def test_agent_sees_masked_contact_details_that_still_help_verify(agent_client):
    seen = everything_seen(agent_client)
    for field in ("email", "mobile", "card"):
        assert seen.count(SENTINELS[field]) == 0, field
    assert "d•••@example.com" in seen
    assert "••••••••0002" in seen


def test_admin_with_the_contact_capability_sees_them_unmasked(group_admin_client):
    response = group_admin_client.get(reverse("customer", args=[GOLD]))
    assertContains(response, SENTINELS["email"])
    assertContains(response, SENTINELS["mobile"])


def test_a_reveal_shows_one_field_for_that_view_only(agent_client):
    reason = "caller asked to correct their email"
    revealed = agent_client.post(
        reverse("customer-reveal", args=[GOLD]),
        {"field": "email", "reason": reason},
        headers={"HX-Request": "true"},
    )
    assertContains(revealed, SENTINELS["email"], count=1)
    assertNotContains(revealed, SENTINELS["mobile"])
    again = agent_client.get(
        reverse("customer-profile", args=[GOLD]), headers={"HX-Request": "true"}
    )
    assertNotContains(again, SENTINELS["email"])


def test_a_reveal_without_a_reason_is_refused(agent_client):
    response = agent_client.post(
        reverse("customer-reveal", args=[GOLD]), {"field": "email", "reason": ""}
    )
    assertNotContains(response, SENTINELS["email"], status_code=400)
    assertContains(response, "Say why you need to see it.", status_code=400)


@pytest.mark.parametrize(
    ("field", "said", "answer"),
    [
        ("email", "Demo.Gold@Example.com", "✓ Match"),
        ("email", "someone.else@example.com", "✗ No match"),
        ("mobile", "+91 98000 00002", "✓ Match"),
        ("mobile", "98000 00002", "✓ Match"),
        ("mobile", "98000 00003", "✗ No match"),
    ],
)
def test_verify_answers_match_or_no_match_without_revealing(agent_client, field, said, answer):
    response = agent_client.post(
        reverse("customer-verify", args=[GOLD]), {"field": field, "value": said}
    )
    assertContains(response, answer)
    assertNotContains(response, SENTINELS[field])


def test_verify_stops_after_a_few_attempts(agent_client):
    url = reverse("customer-verify", args=[GOLD])
    for _ in range(5):
        agent_client.post(url, {"field": "mobile", "value": "98000 00009"})
    response = agent_client.post(url, {"field": "mobile", "value": "98000 00002"})
    assertContains(response, "Too many checks", status_code=400)
    assertNotContains(response, "✓ Match", status_code=400)


def test_audit_csv_holds_no_contact_detail(group_admin_client):
    group_admin_client.post(reverse("search"), {"q": SENTINELS["email"]})
    group_admin_client.get(reverse("customer", args=[GOLD]))
    csv = b"".join(group_admin_client.get(reverse("audit-export")).streaming_content).decode()
    assert str(GOLD) in csv
    for value in SENTINELS.values():
        assert value not in csv


def test_store_manager_transactions_are_asked_for_with_their_store_only(manager_client, upstream):
    response = manager_client.get(reverse("customer", args=[GOLD]))
    assertContains(response, "Recent transactions at your store")
    sent = [request.url or "" for request in upstream.requests]
    assert sent
    assert all("store_code=blr.indiranagar" in url for url in sent)
