"""The page value of a bill search, a coupon code search and a call's summary, from the data.

Capillary is replayed at the HTTP boundary; nothing here renders a template.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from membercare.access.capabilities import Cap
from membercare.access.policy import Viewer
from membercare.lookup import services
from membercare.lookup.calls import Call
from membercare.lookup.forms import CouponCodeForm, TransactionForm
from membercare.lookup.outcomes import Outcome
from membercare.lookup.pages import Panel, audit_detail, customer_page
from tests.capillary.conftest import envelope
from tests.lookup.conftest import ENDPOINT, GOLD, answer_member

pytestmark = pytest.mark.django_db

AGENT = Viewer(frozenset({Cap.LOOKUP, Cap.TIERS, Cap.POINTS, Cap.COUPONS, Cap.TRANSACTIONS}))
MANAGER = Viewer(
    frozenset({Cap.LOOKUP, Cap.TIERS, Cap.POINTS, Cap.STORE_TRANSACTIONS}),
    store_code="blr.indiranagar",
)


def bill(number: str, store_code: str, **fields) -> dict:
    return {
        "id": number,
        "number": number,
        "type": "REGULAR",
        "created_date": "2026-09-20 10:00:00",
        "store": store_code,
        "store_code": store_code,
        "till_code": f"{store_code}.till01",
        "amount": "1250.50",
        "points": {"issued": 125, "redeemed": 0},
        **fields,
    }


def answer_bills(mock: responses.RequestsMock, *bills: dict) -> None:
    item = {"user_id": str(GOLD), "transactions": {"transaction": list(bills)}, "coupons": []}
    mock.get(ENDPOINT, json=envelope(item), headers={"X-Cap-Requestid": "req-bills"})


def sent(mock: responses.RequestsMock) -> dict[str, list[str]]:
    assert len(mock.calls) == 1
    return parse_qs(urlsplit(str(mock.calls[0].request.url)).query)


def bills_page(viewer: Viewer, data: dict, *, scope: bool = True):
    form = TransactionForm(data, store_scope=viewer.transaction_scope if scope else None)
    return customer_page(
        user_id=GOLD, viewer=viewer, panel=Panel.TRANSACTIONS, partial=True, transaction_form=form
    )


def test_a_bill_search_is_one_call_asking_only_for_transactions_with_every_filter(capillary):
    answer_bills(capillary, bill("BILL-1", "online", tenders={"tender": [{"mode": "CARD"}]}))
    page = bills_page(
        AGENT,
        {
            "type": "NI_MIXED",
            "number": " BILL-1 ",
            "date": "2026-09-20",
            "amount": "1250.50",
            "store": "online",
            "till": "online.till01",
            "tenders": "on",
            "credit_notes": "on",
        },
    )
    params = sent(capillary)
    assert {name: values[0] for name, values in params.items()} | {"id": ""} == {
        "id": "",
        "format": "json",
        "user_id": "true",
        "transactions": "true",
        "registered_store": "false",
        "registered_till": "false",
        "fraud_details": "false",
        "coupon_limit": "0",
        "type": "NI_MIXED",
        "number": "BILL-1",
        "date": "2026-09-20",
        "amount": "1250.50",
        "store_code": "online",
        "till_code": "online.till01",
        "tenders": "true",
        "credit_notes": "true",
    }
    assert (page.status, page.outcome, page.request_id) == (200, Outcome.OK, "req-bills")
    assert page.transactions is not None
    assert page.transactions.searched
    assert page.transactions.result is not None
    assert page.transactions.result.found == 1
    assert page.transactions.search.amount == Decimal("1250.50")
    assert audit_detail(page) == {
        "panel": "transactions",
        "type": "NI_MIXED",
        "filters": ["type", "number", "date", "amount", "store", "till", "tenders", "credit_notes"],
        "found": 1,
    }


def test_a_store_managers_search_is_for_their_store_whatever_the_form_says(capillary):
    answer_bills(
        capillary, bill("BILL-OWN", "blr.indiranagar"), bill("BILL-FLAG", "aurora.flagship")
    )
    # Even a form built without the manager's scope cannot take the search out of their store.
    page = bills_page(MANAGER, {"store": "aurora.flagship", "number": "BILL-FLAG"}, scope=False)
    assert sent(capillary)["store_code"] == ["blr.indiranagar"]
    assert page.transactions is not None
    assert page.transactions.result is not None
    assert [t.number for t in page.transactions.result.transactions] == ["BILL-OWN"]


def test_a_store_managers_form_keeps_their_store_and_says_the_typed_one_was_not_used():
    form = TransactionForm({"store": "aurora.flagship"}, store_scope="blr.indiranagar")
    assert form.is_valid()
    assert form.bill_search().store_code == "blr.indiranagar"
    assert form.store_ignored
    assert not TransactionForm(
        {"store": "BLR.Indiranagar"}, store_scope="blr.indiranagar"
    ).store_ignored


def test_a_managers_unfiltered_panel_is_the_first_views_record(capillary):
    answer_member(capillary)
    page = bills_page(MANAGER, {"store": "anything"})
    params = sent(capillary)
    assert params["mlp"] == ["true"]  # the record's call, of their store
    assert params["store_code"] == ["blr.indiranagar"]
    assert page.transactions is not None
    assert not page.transactions.searched


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "1e400"},
        {"amount": "NaN"},
        {"date": "2026-02-30"},
        {"number": "A,B"},
        {"till": "a b"},
    ],
)
def test_bad_bill_search_input_is_invalid_and_reaches_nobody(capillary, data):
    page = bills_page(AGENT, data)
    assert len(capillary.calls) == 0
    assert (page.status, page.outcome, page.request_id) == (400, Outcome.INVALID, None)


def coupon(code: str, **fields) -> dict:
    return {
        "id": code,
        "series_id": "19",
        "code": code,
        "description": "Free coffee",
        "created_date": "2026-01-02 10:00:00",
        "valid_till": "2099-12-31 23:59:59",
        "redeemed": "false",
        "same_user_multiple_redeem": "false",
        **fields,
    }


def code_page(code: str):
    return customer_page(
        user_id=GOLD,
        viewer=AGENT,
        panel=Panel.COUPONS,
        partial=True,
        coupon_code_form=CouponCodeForm({"code": code}),
    )


def test_a_coupon_code_search_is_one_call_for_the_members_coupons(capillary):
    coupons = [
        coupon("AB12-CD34"),
        coupon("ZZ99", redeemed="true", same_user_multiple_redeem="true"),
        coupon("OLD1", valid_till="2020-01-01 23:59:59"),
    ]
    item = {"user_id": str(GOLD), "coupons": coupons}
    capillary.get(ENDPOINT, json=envelope(item), headers={"X-Cap-Requestid": "req-coupons"})

    page = code_page("ab12 cd34")  # as read out over the phone

    params = sent(capillary)
    assert params["coupon_limit"] == [str(services.COUPON_CODE_SEARCH_LIMIT + 1)]
    assert "transactions" not in params
    assert (page.status, page.request_id) == (200, "req-coupons")
    assert page.coupons is not None
    found = page.coupons.found
    assert found is not None
    assert [c.code for c in found.coupons] == ["AB12-CD34"]
    assert (found.exact, found.complete, found.searched) == (True, True, 3)
    assert [d.can_redeem for d in found.details] == [True]
    assert audit_detail(page) == {"panel": "coupons", "code_search": True, "found": 1}

    again = code_page("ZZ99").coupons  # from the cache: no second call
    assert len(capillary.calls) == 1
    assert again is not None
    assert again.found is not None
    assert [d.can_redeem for d in again.found.details] == [True]  # its series allows it
    old = code_page("OLD1").coupons
    assert old is not None
    assert old.found is not None
    assert [d.can_redeem for d in old.found.details] == [False]


def test_a_code_among_the_records_coupons_costs_no_call(capillary):
    answer_member(capillary)
    record = services.member_snapshot(user_id=GOLD)
    code = (record.customer.coupons or ())[0].code
    assert code
    page = code_page(code)
    assert len(capillary.calls) == 1  # the record's own, before
    assert page.coupons is not None
    assert page.coupons.found is not None
    assert [c.code for c in page.coupons.found.coupons] == [code]


def test_part_of_a_code_finds_the_codes_that_contain_it_when_none_is_exact(capillary):
    item = {"user_id": str(GOLD), "coupons": [coupon("XYZ-12345"), coupon("ABC-99999")]}
    capillary.get(ENDPOINT, json=envelope(item))
    found = code_page("12345").coupons
    assert found is not None
    assert found.found is not None
    assert ([c.code for c in found.found.coupons], found.found.exact) == (["XYZ-12345"], False)


@pytest.mark.parametrize("code", ["", "  ", "--", "x" * 65])
def test_a_bad_coupon_code_is_invalid_and_reaches_nobody(capillary, code):
    page = code_page(code)
    assert len(capillary.calls) == 0
    assert (page.status, page.outcome) == (400, Outcome.INVALID)


def test_a_calls_summary_is_member_tiers_and_what_was_found():
    began = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    call = Call(
        member_id=GOLD,
        started_at=began,
        tiers=("Aurora Rewards: Gold",),
        notes=("Bill search (number): 1 found: BILL-1",),
    )
    now = began + timedelta(minutes=3, seconds=7)
    assert call.seconds(now) == 187
    assert call.summary(now).splitlines() == [
        f"Member {GOLD}",
        "Call: 3 min 7 s, from 3 Dec 2026, 06:00",
        "Tiers: Aurora Rewards: Gold",
        "Looked at:",
        "- Bill search (number): 1 found: BILL-1",
    ]
