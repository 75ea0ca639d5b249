"""Coupon controls across the 250-coupon member, and transaction filters."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from membercare.sandbox.catalog import DEMO_BY_KEY
from membercare.sandbox.generator import FIRST_GENERATED_USER_ID
from membercare.sandbox.models import Coupon, Transaction
from tests.sandbox.conftest import SANDBOX_DB, Call, one

pytestmark = SANDBOX_DB
COUPONS = DEMO_BY_KEY["coupons"]


def coupons(call: Call, **params: Any) -> list[dict[str, str]]:
    return one(call(email=COUPONS.email, **params))["coupons"]


def ids(rows: list[dict[str, str]]) -> list[str]:
    return [row["id"] for row in rows]


def test_it_returns_every_coupon_newest_first_without_a_limit(call: Call):
    rows = coupons(call)
    assert len(rows) == 250
    keys = [(row["created_date"], int(row["id"])) for row in rows]
    assert keys == sorted(keys, reverse=True)
    assert set(rows[0]) >= {
        "id",
        "series_id",
        "code",
        "description",
        "created_date",
        "valid_till",
        "redeemed",
        "same_user_multiple_redeem",
    }


def test_it_returns_no_coupon_for_a_limit_of_zero(call: Call):
    assert coupons(call, coupon_limit="0") == []


@pytest.mark.parametrize(
    ("order_by", "sort"),
    [
        ("created_date", "desc"),
        ("created_date", "asc"),
        ("valid_till", "desc"),
        ("created_by", "asc"),
    ],
)
def test_it_pages_through_all_250_coupons_without_overlap_or_gap(call: Call, order_by, sort):
    everything = coupons(call, coupon_order_by=order_by, coupon_sort_order=sort)
    pages = [
        coupons(
            call,
            coupon_limit="41",  # the client asks one more than its page size of 40
            coupon_offset=str(offset),
            coupon_order_by=order_by,
            coupon_sort_order=sort,
        )[:40]
        for offset in range(0, 250, 40)
    ]
    paged = [row for page in pages for row in page]
    assert ids(paged) == ids(everything)
    assert len(set(ids(paged))) == 250
    keys = [row[order_by] for row in everything]
    assert keys == sorted(keys, reverse=sort == "desc")


def test_it_tells_the_last_page_by_coming_back_short(call: Call):
    assert len(coupons(call, coupon_limit="41", coupon_offset="240")) == 10
    assert coupons(call, coupon_limit="41", coupon_offset="250") == []


def test_it_filters_coupons_by_status(call: Call):
    now = timezone.now()
    mine = Coupon.objects.filter(customer_id=COUPONS.user_id)
    expected = {
        "redeemed": mine.filter(redeemed=True),
        "unredeemed": mine.filter(redeemed=False),
        "expired": mine.filter(redeemed=False, valid_till__lt=now),
        "active": mine.filter(redeemed=False, valid_till__gte=now),
    }
    for status, queryset in expected.items():
        rows = coupons(call, coupon_status=status)
        assert sorted(ids(rows)) == sorted(str(pk) for pk in queryset.values_list("id", flat=True))
        assert rows, status
    assert sorted(ids(coupons(call, coupon_active="true"))) == sorted(
        ids(coupons(call, coupon_status="active"))
    )


def test_it_derives_coupon_status_from_redeemed_and_valid_till(call: Call):
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    for row in coupons(call, coupon_status="active"):
        assert row["redeemed"] == "false"
        assert row["valid_till"] >= now
    for row in coupons(call, coupon_status="expired"):
        assert row["redeemed"] == "false"
        assert row["valid_till"] < now


@pytest.mark.parametrize(
    "params",
    [
        {"coupon_limit": "-1"},
        {"coupon_offset": "-5"},
        {"coupon_limit": "ten"},
        {"coupon_order_by": "code"},
        {"coupon_sort_order": "up"},
        {"coupon_status": "lost"},
    ],
)
def test_it_answers_400_to_bad_coupon_controls(call: Call, params):
    assert call(email=COUPONS.email, **params).status_code == 400


# -- Transactions ---------------------------------------------------------------------------


def busiest_member() -> int:
    """A generated member (demo fault identities would misbehave) with varied transactions."""
    generated = Transaction.objects.filter(customer_id__gte=FIRST_GENERATED_USER_ID)
    for customer_id in generated.values_list("customer_id", flat=True).distinct():
        mine = Transaction.objects.filter(customer_id=customer_id)
        if mine.count() >= 12 and mine.values("type").distinct().count() >= 2:
            return customer_id
    raise AssertionError("the seed has no member with varied transactions")


def transactions(call: Call, customer_id: int, **params: Any) -> list[dict[str, Any]]:
    item = one(call(id=str(customer_id), transactions="true", **params))
    return item["transactions"]["transaction"]


def test_it_lists_about_the_10_most_recent_regular_transactions_by_default(call: Call):
    member = busiest_member()
    rows = transactions(call, member)
    regular = Transaction.objects.filter(customer_id=member, type="REGULAR").order_by(
        "-created_date", "-id"
    )
    assert [row["id"] for row in rows] == [str(t.id) for t in regular[:10]]
    assert {row["type"] for row in rows} == {"REGULAR"}
    assert set(rows[0]) >= {
        "id",
        "number",
        "type",
        "created_date",
        "store",
        "store_code",
        "amount",
        "gross_amount",
        "discount",
        "points",
        "notes",
    }


def test_it_lists_every_type_for_all_and_one_type_when_asked(call: Call):
    member = busiest_member()
    everything = Transaction.objects.filter(customer_id=member)
    assert len(transactions(call, member, type="ALL")) == min(everything.count(), 10)
    other = everything.exclude(type="REGULAR").values_list("type", flat=True).first()
    rows = transactions(call, member, type=other)
    assert rows
    assert {row["type"] for row in rows} == {other}


def test_it_filters_transactions_by_number_store_till_amount_and_date(call: Call):
    member = busiest_member()
    mine = Transaction.objects.filter(customer_id=member).select_related("store", "till")
    target = mine.order_by("-created_date", "-id").first()  # listed whatever the filter
    assert target is not None
    day = timezone.localtime(target.created_date).date().isoformat()
    for params in (
        {"number": target.number},
        {"store_code": target.store.code},
        {"till_code": target.till.code},
        {"amount": str(target.amount)},
        {"date": day},
    ):
        rows = transactions(call, member, type="ALL", **params)
        assert str(target.id) in [row["id"] for row in rows], params
    assert transactions(call, member, type="ALL", number="BILL-0") == []
    assert transactions(call, member, type="ALL", store_code="nowhere") == []
    other_amount = str(target.amount + Decimal("0.01"))
    assert str(target.id) not in [r["id"] for r in transactions(call, member, amount=other_amount)]


def test_it_matches_a_transaction_date_in_the_org_time_zone(call: Call):
    member = busiest_member()
    target = Transaction.objects.filter(customer_id=member).first()
    assert target is not None
    local = timezone.localtime(target.created_date)
    rows = transactions(call, member, type="ALL", date=local.date().isoformat())
    for row in rows:
        assert row["created_date"].startswith(local.date().isoformat())
    assert datetime.fromisoformat(rows[0]["created_date"])


def test_it_adds_tenders_and_credit_notes_only_when_asked(call: Call):
    member = busiest_member()
    plain = transactions(call, member, type="ALL")
    assert "tenders" not in plain[0]
    assert "credit_notes" not in plain[0]
    rich = transactions(call, member, type="ALL", tenders="true", credit_notes="true")
    assert rich[0]["tenders"]["tender"][0]["mode"]
    for row in rich:
        notes = row["credit_notes"]["credit_note"]
        assert bool(notes) == ("RETURN" in row["type"])


@pytest.mark.parametrize("params", [{"type": "GIFT"}, {"amount": "lots"}, {"date": "28/11/2026"}])
def test_it_answers_400_to_bad_transaction_filters(call: Call, params):
    assert call(email=COUPONS.email, transactions="true", **params).status_code == 400
