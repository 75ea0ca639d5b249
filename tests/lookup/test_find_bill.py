"""Finding a bill in the transactions panel ("where are my points?"), against the sandbox over HTTP.

A search is one upstream call asking only for transactions; a store manager's stays in their
store whatever they type; bad input is a message in the panel and never reaches Capillary.
"""

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from membercare.audit.models import AuditEvent
from tests.conftest import STORE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

GOLD, COUPONS = 50000002, 50000005
HTMX = {"HX-Request": "true"}


def panel(html: str) -> str:
    match = re.search(r'<section id="transactions".*?</section>', html, re.S)
    assert match, "no #transactions panel"
    return match.group(0)


def rows(html: str) -> list[list[str]]:
    """The bills' rows, each as the text of its cells."""
    body = re.search(r"<tbody>(.*?)</tbody>", panel(html), re.S)
    if not body:
        return []
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.group(1).split("</tr>")]
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in row] for row in cells if row]


def numbers(html: str) -> list[str]:
    return [row[1] for row in rows(html)]


def search(client, user_id: int, **query: str):
    return client.get(reverse("customer-transactions", args=[user_id]), query, headers=HTMX)


def sent(upstream) -> dict[str, list[str]]:
    assert upstream.count == 1
    return parse_qs(urlsplit(upstream.requests[0].url).query)


def test_a_bill_found_by_its_number_is_one_call_asking_only_for_transactions(
    agent_client, upstream
):
    newest = numbers(agent_client.get(reverse("customer", args=[GOLD])).content.decode())
    upstream.reset()

    response = search(agent_client, GOLD, number=newest[-1])

    assert response.status_code == 200
    assert numbers(response.content.decode()) == [newest[-1]]
    assert "1 bill found" in panel(response.content.decode())
    params = sent(upstream)
    assert params["number"] == [newest[-1]]
    assert params["transactions"] == ["true"]
    assert params["coupon_limit"] == ["0"]
    assert "mlp" not in params
    assert "points_summary" not in params


def test_a_bill_older_than_the_newest_ten_is_found_by_its_number(agent_client, upstream):
    # The first view holds the newest ten: a return outside them is found by its type first.
    newest = numbers(agent_client.get(reverse("customer", args=[GOLD])).content.decode())
    returns = numbers(search(agent_client, GOLD, type="RETURN").content.decode())
    assert returns
    upstream.reset()
    html = search(agent_client, GOLD, number=returns[-1], type="ALL").content.decode()
    assert numbers(html) == [returns[-1]]
    assert upstream.count == 1
    assert len(newest) == 10


def test_date_amount_store_and_till_each_find_the_bill(agent_client, upstream):
    html = agent_client.get(reverse("customer", args=[COUPONS])).content.decode()
    bill = rows(html)[3]  # the date, number, type, "store till", amount and points cells
    number, till = bill[1], bill[3].split()[-1]
    day = re.search(r"\d{1,2} \w{3} \d{4}", bill[0])
    assert day
    on = datetime.strptime(day.group(0), "%d %b %Y").date().isoformat()
    amount = bill[4].split()[0].replace(",", "")
    for query in ({"date": on}, {"amount": amount}, {"till": till}, {"date": on, "till": till}):
        upstream.reset()
        found = numbers(search(agent_client, COUPONS, **query).content.decode())
        assert number in found, query
        assert upstream.count == 1
    store = till.rsplit(".", 1)[0]  # the sandbox's tills are <store>.tillNN
    upstream.reset()
    assert number in numbers(search(agent_client, COUPONS, store=store).content.decode())
    assert sent(upstream)["store_code"] == [store]


@pytest.mark.parametrize(
    "type", ["REGULAR", "RETURN", "NOT_INTERESTED", "MIXED", "NI_MIXED", "ALL"]
)
def test_every_transaction_type_is_one_call_of_that_type(agent_client, upstream, type):
    response = search(agent_client, GOLD, type=type)
    assert response.status_code == 200
    assert sent(upstream)["type"] == [type]
    shown = {row[2] for row in rows(response.content.decode())}
    if type not in ("ALL", "REGULAR"):
        bill_words = {"Not interested mixed", "Not interested"}
        assert shown <= {type.replace("_", " ").capitalize(), *bill_words}


def test_tenders_and_credit_notes_come_on_demand(agent_client, upstream):
    plain = search(agent_client, GOLD, type="RETURN").content.decode()
    assert "Tenders" not in panel(plain)
    upstream.reset()
    html = search(agent_client, GOLD, type="RETURN", tenders="on", credit_notes="on").content
    params = sent(upstream)
    assert (params["tenders"], params["credit_notes"]) == (["true"], ["true"])
    text = panel(html.decode())
    assert '<th scope="col">Tenders</th>' in text
    assert '<th scope="col">Credit notes</th>' in text
    assert re.search(r"CN-\d+", text)  # a return's credit note


def test_each_bill_shows_points_issued_and_redeemed_and_why_none(agent_client):
    html = search(agent_client, GOLD, type="NOT_INTERESTED").content.decode()
    bills = rows(html)
    assert bills
    for bill in bills:
        assert "0 issued · 0 redeemed" in bill[5]
        assert "not-interested bill" in bill[5]
    returns = rows(search(agent_client, GOLD, type="RETURN").content.decode())
    assert any("A return: points are taken back" in bill[5] for bill in returns)


def test_a_search_that_finds_nothing_says_so(agent_client):
    html = search(agent_client, GOLD, number="NO-SUCH-BILL").content.decode()
    assert "No bill matches this search." in panel(html)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"amount": "lots"}, "An amount is a number"),
        ({"amount": "12.345"}, "at most two decimals"),
        ({"date": "31/31/2026"}, "Enter a valid date."),
        ({"number": "BILL-1,BILL-2"}, "One bill number at a time"),
        ({"store": "blr indiranagar"}, "letters, digits, dots and hyphens only"),
        ({"till": "x" * 65}, "at most 64 characters"),
        ({"type": "REFUND"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_message_in_the_panel_and_never_reaches_capillary(
    agent_client, upstream, query, message
):
    response = search(agent_client, GOLD, **query)
    assert response.status_code == 400
    assert message in panel(response.content.decode())
    assert 'role="alert"' in panel(response.content.decode())
    assert upstream.count == 0


def test_a_bill_search_without_js_is_the_whole_page(agent_client):
    url = reverse("customer-transactions", args=[GOLD])
    response = agent_client.get(url, {"type": "RETURN"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert numbers(response.content.decode())


def test_the_filters_apply_on_submit_not_on_change(agent_client):
    html = agent_client.get(reverse("customer", args=[GOLD])).content.decode()
    form = re.search(r'<form[^>]*class="controls bill-search".*?</form>', html, re.S)
    assert form
    assert "hx-trigger" not in form.group(0)  # a form's hx-get fires on submit only
    assert '<button type="submit">Find bills</button>' in form.group(0)


def test_the_audit_trail_says_which_filters_never_their_values(agent_client):
    search(agent_client, GOLD, number="BILL-33000011", amount="7895.16")
    event = AuditEvent.objects.filter(action="view_panel").first()
    assert event is not None
    assert event.detail["filters"] == ["number", "amount"]
    assert event.detail["found"] == 1
    assert "BILL-33000011" not in str(event.detail)


def test_a_store_manager_searches_only_their_store_whatever_they_type(manager_client, upstream):
    theirs = search(manager_client, COUPONS, type="ALL", tenders="on")
    assert rows(theirs.content.decode())  # the member has bills at the manager's store
    assert all(row[3].split()[-1].startswith(STORE) for row in rows(theirs.content.decode()))
    assert sent(upstream)["store_code"] == [STORE]

    upstream.reset()
    # The same search naming another store is the same search (the cache answers it); another
    # filter with it is a new call, still for their store.
    response = search(manager_client, COUPONS, store="online", type="ALL", credit_notes="on")
    html = panel(response.content.decode())
    assert sent(upstream)["store_code"] == [STORE]
    assert "the store code you typed was not used" in html
    assert all(row[3].split()[-1].startswith(STORE) for row in rows(response.content.decode()))
    assert "online.till" not in html


def test_a_store_manager_cannot_find_another_stores_bill_by_its_number(
    agent_client, manager_client, upstream
):
    online = [
        row[1] for row in rows(search(agent_client, COUPONS, store="online").content.decode())
    ]
    assert online
    upstream.reset()
    html = search(manager_client, COUPONS, number=online[0], store="online").content.decode()
    assert numbers(html) == []
    assert "No bill matches this search." in panel(html)
    assert sent(upstream)["store_code"] == [STORE]
