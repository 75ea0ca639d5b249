"""Which parts of a member are asked for, as query parameters (CONTRACT.md section 1)."""

import datetime as dt
from decimal import Decimal

import pytest

from membercare.capillary.query import (
    FULL_VIEW,
    CustomerQuery,
    coupons_page,
    points_detail,
    tier_what_if,
    transactions_only,
)


def test_full_view_asks_for_every_part_the_dashboard_shows():
    assert FULL_VIEW.params() == {
        "card_details": "true",
        "expired_points": "true",
        "expiry_schedule": "true",
        "fraud_details": "true",
        "mlp": "true",
        "ndnc_status": "true",
        "next_slab": "true",
        "optin_status": "true",
        "points_summary": "true",
        "program_summary": "true",
        "registered_store": "true",
        "registered_till": "true",
        "segments": "true",
        "slab_history": "true",
        "subscriptions": "true",
        "transactions": "true",
        "user_id": "true",
        "coupon_limit": "31",
        "type": "ALL",
        "gap_to_upgrade_for": "0",
        "gap_to_renew_for": "0",
    }


def test_a_narrow_query_turns_off_the_sections_capillary_sends_by_default():
    assert CustomerQuery(embed=frozenset({"user_id"})).params() == {
        "user_id": "true",
        "fraud_details": "false",
        "registered_store": "false",
        "registered_till": "false",
    }


def test_coupons_page_asks_for_the_user_id_and_one_page_of_coupons_only():
    query = coupons_page(
        limit=11, offset=20, order_by="valid_till", sort_order="asc", status="active"
    )
    assert query.params() == {
        "user_id": "true",
        "fraud_details": "false",
        "registered_store": "false",
        "registered_till": "false",
        "coupon_limit": "11",
        "coupon_offset": "20",
        "coupon_order_by": "valid_till",
        "coupon_sort_order": "asc",
        "coupon_status": "active",
    }


def test_transactions_only_asks_for_transactions_of_a_type_at_a_store_and_no_coupons():
    assert transactions_only(type="RETURN", store_code="aurora.flagship").params() == {
        "user_id": "true",
        "transactions": "true",
        "fraud_details": "false",
        "registered_store": "false",
        "registered_till": "false",
        "coupon_limit": "0",
        "type": "RETURN",
        "store_code": "aurora.flagship",
    }


def test_queries_are_hashable_so_they_can_key_a_cache():
    assert hash(coupons_page(11, 10)) == hash(coupons_page(11, 10))
    assert CustomerQuery(embed={"user_id", "mlp"}) == CustomerQuery(  # type: ignore[arg-type]
        embed=frozenset({"mlp", "user_id"})
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (CustomerQuery(embed=frozenset({"coupons"})), "Unknown embed flags: coupons"),
        (CustomerQuery(coupon_limit=-1), "coupon_limit"),
        (CustomerQuery(coupon_offset=-10), "coupon_offset"),
        (CustomerQuery(coupon_order_by="price"), "coupon_order_by"),
        (CustomerQuery(coupon_sort_order="up"), "coupon_sort_order"),
        (CustomerQuery(coupon_status="used"), "coupon_status"),
        (CustomerQuery(transaction_type="regular"), "type"),
        (CustomerQuery(store_code="a,b"), "store_code"),
        (CustomerQuery(gap_to_upgrade_for=0), "needs 'mlp'"),
        (CustomerQuery(embed=frozenset({"mlp"}), gap_to_renew_for=-1), "gap_to_renew_for"),
        (CustomerQuery(program_id=0), "program_id"),
    ],
)
def test_values_outside_the_contract_are_refused(query, message):
    with pytest.raises(ValueError, match=message):
        query.params()


def test_embed_must_be_a_collection_of_names_not_one_string():
    with pytest.raises(ValueError, match="not a string"):
        CustomerQuery(embed="user_id")  # type: ignore[arg-type]


# --- Finding a bill, the tier what-if and the points detail (issue 11) ---------------------------


def test_a_bill_search_sends_every_transaction_filter_the_contract_lists():
    query = transactions_only(
        "NI_MIXED",
        "blr.indiranagar",
        number=" BILL-33000007 ",
        date=dt.date(2026, 11, 28),
        amount=Decimal("2450.50"),
        till_code="blr.indiranagar.till01",
        tenders=True,
        credit_notes=True,
    )
    assert query.params() == {
        "user_id": "true",
        "transactions": "true",
        "fraud_details": "false",
        "registered_store": "false",
        "registered_till": "false",
        "coupon_limit": "0",
        "type": "NI_MIXED",
        "store_code": "blr.indiranagar",
        "till_code": "blr.indiranagar.till01",
        "number": "BILL-33000007",
        "date": "2026-11-28",
        "amount": "2450.50",
        "tenders": "true",
        "credit_notes": "true",
    }
    assert "tenders" not in transactions_only().params()


@pytest.mark.parametrize(
    "bad",
    [
        {"transaction_number": ""},
        {"transaction_number": "A,B"},
        {"till_code": ""},
        {"till_code": "a,b"},
        {"transaction_date": "2026-11-28"},
        {"transaction_amount": "12"},
        {"transaction_amount": Decimal("NaN")},
    ],
)
def test_a_bad_transaction_filter_is_a_loud_error(bad):
    with pytest.raises(ValueError, match=r"transaction_|till_code"):
        CustomerQuery(embed=frozenset({"transactions"}), **bad).params()
    with pytest.raises(ValueError, match="a date"):
        CustomerQuery(transaction_date=dt.datetime(2026, 1, 1)).params()


def test_the_tier_what_if_asks_only_for_tier_data_n_days_ahead():
    assert tier_what_if(30).params() == {
        "membership_retention_criteria": "true",
        "mlp": "true",
        "tier_upgrade_criteria": "true",
        "user_id": "true",
        "fraud_details": "false",
        "registered_store": "false",
        "registered_till": "false",
        "coupon_limit": "0",
        "gap_to_upgrade_for": "30",
        "gap_to_renew_for": "30",
    }
    for days in (-1, 366, True):
        with pytest.raises(ValueError, match="0 to 365"):
            tier_what_if(days)


def test_the_points_detail_asks_for_history_promotions_and_pending_points():
    params = points_detail().params()
    assert {"points_summary", "promotion_points", "delayed_accrual", "mlp"} <= set(params)
    assert params["coupon_limit"] == "0"
    assert "transactions" not in params
