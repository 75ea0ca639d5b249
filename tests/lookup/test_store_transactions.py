"""A store manager sees their store's transactions only, whatever Capillary answers.

Capillary is replayed at the HTTP boundary by an upstream that ignores `store_code`: the member's
answer always carries transactions of three stores. The manager's store is STORE.
"""

from typing import Any

import pytest
import responses
from django.test import Client
from django.urls import reverse

from tests.capillary.conftest import envelope, full_view_item
from tests.conftest import STORE
from tests.lookup.conftest import ENDPOINT, GOLD

pytestmark = pytest.mark.django_db


def transaction(number: str, store_code: str | None, amount: str, type: str = "REGULAR") -> dict:
    return {
        "id": number,
        "number": number,
        "type": type,
        "created_date": "2026-09-20 10:00:00",
        "store": f"Store {store_code}",
        "store_code": store_code,
        "amount": amount,
        "points": {"issued": 10, "redeemed": 0},
    }


# The manager's store, once in Capillary's spelling and once in another case: both are theirs.
THEIRS = [
    transaction("INV-OWN-0001", STORE, "1357.10"),
    transaction("INV-OWN-0002", STORE.upper(), "2468.20", type="RETURN"),
]
# Two other stores', and one that says no store at all: none may reach the manager's screen.
OTHERS = [
    transaction("INV-FLAG-7001", "aurora.flagship", "7654.30"),
    transaction("RET-MALL-8001", "aurora.mallroad", "-8765.40", type="RETURN"),
    transaction("INV-NONE-9001", None, "9876.50"),
]
SHOWN = {"INV-OWN-0001": "1,357.10", "INV-OWN-0002": "2,468.20"}
HIDDEN = {
    "INV-FLAG-7001": "7,654.30",
    "RET-MALL-8001": "-8,765.40",
    "INV-NONE-9001": "9,876.50",
}


@pytest.fixture
def careless_upstream(capillary: responses.RequestsMock) -> responses.RequestsMock:
    """Answers every call with transactions of every store, whatever store_code it was sent."""
    item = full_view_item() | {"transactions": {"transaction": THEIRS + OTHERS}}
    capillary.get(ENDPOINT, json=envelope(item), headers={"X-Cap-Requestid": "req-careless"})
    return capillary


VIEWS = [
    ("page", "customer", {}, {}),
    ("partial", "customer-transactions", {}, {"HX-Request": "true"}),
    ("filter", "customer-transactions", {"type": "RETURN"}, {"HX-Request": "true"}),
    ("filter page", "customer-transactions", {"type": "REGULAR"}, {}),
]


@pytest.mark.parametrize(("view", "name", "query", "headers"), VIEWS, ids=[v[0] for v in VIEWS])
def test_a_store_manager_sees_only_their_stores_transactions_in_every_view(
    careless_upstream: responses.RequestsMock,
    manager_client: Client,
    view: str,
    name: str,
    query: dict[str, str],
    headers: dict[str, str],
) -> None:
    response = manager_client.get(reverse(name, args=[GOLD]), query, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recent transactions at your store" in html
    for number, amount in HIDDEN.items():
        assert number not in html, view
        assert amount not in html, view
    # Both of theirs are in the page and the unfiltered partial; a filter keeps its own type.
    wanted = {"RETURN": ["INV-OWN-0002"], "REGULAR": ["INV-OWN-0001"]}.get(
        query.get("type", ""), list(SHOWN)
    )
    for number in wanted:
        assert number in html, view
        assert SHOWN[number] in html, view
    assert careless_upstream.calls, "the upstream was asked"
    assert all(
        f"store_code={STORE}" in (call.request.url or "") for call in careless_upstream.calls
    )


def test_an_agent_sees_every_stores_transactions_from_the_same_answer(
    careless_upstream: responses.RequestsMock, agent_client: Client
) -> None:
    html = agent_client.get(reverse("customer", args=[GOLD])).content.decode()
    for number in [*SHOWN, "INV-FLAG-7001", "RET-MALL-8001", "INV-NONE-9001"]:
        assert number in html


def test_a_store_manager_record_holds_no_other_stores_transaction(
    careless_upstream: responses.RequestsMock, manager_client: Client
) -> None:
    """The masked record itself (what every template gets), not only the panel."""
    response = manager_client.get(reverse("customer", args=[GOLD]))
    customer: Any = response.context["page"].customer
    assert {t.number for t in customer.transactions} == set(SHOWN)
