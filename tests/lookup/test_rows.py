"""The view's rows written in Python (membercare/lookup/rows.py): escaped, translated, complete."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from membercare.lookup import rows

HOSTILE = '<script>alert("x")</script>'


def coupon(**changes):
    fields = {
        "code": "SAVE10",
        "description": "Ten off",
        "issued_on": date(2026, 1, 5),
        "valid_till": None,
        "status": SimpleNamespace(value="ACTIVE", label="Active"),
    }
    return SimpleNamespace(**(fields | changes))


def transaction(**changes):
    fields = {
        "created_date": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "number": "B-1",
        "type": "REGULAR",
        "store": "",
        "store_code": "S1",
        "till_code": "",
        "amount": Decimal("1200.50"),
        "discount": Decimal("100"),
        "gross_amount": Decimal("1300.50"),
        "points_issued": 12,
        "points_redeemed": None,
        "no_points_reason": "",
        "tenders": [SimpleNamespace(mode="CASH", value=Decimal("1200.50"))],
        "credit_notes": [],
    }
    return SimpleNamespace(**(fields | changes))


def strategy(**changes):
    fields = {
        "based_on": "CUMULATIVE_PURCHASES",
        "tracker": None,
        "current_value": 3000,
        "threshold": 5000,
        "gap": 2000,
        "percent": 60,
        "valid_until": None,
    }
    return SimpleNamespace(**(fields | changes))


def test_values_from_capillary_are_escaped_in_every_row():
    html = "".join(
        [
            rows.coupon_rows([coupon(code=HOSTILE, description=HOSTILE)]),
            rows.transaction_rows(
                [transaction(number=HOSTILE, store=HOSTILE, no_points_reason=HOSTILE)],
                SimpleNamespace(tenders=True, credit_notes=True),
            ),
            rows.expiry_rows(
                [SimpleNamespace(lot=SimpleNamespace(expiry_date=None, points=5), program=HOSTILE)],
                None,
            ),
            rows.expired_rows([(SimpleNamespace(expired_on=None, points=5), HOSTILE)]),
            rows.upgrade_bar(
                strategy(tracker=SimpleNamespace(name=HOSTILE, mode="X", period_value=None)),
                None,
                tier=HOSTILE,
                days=None,
            ),
        ]
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_transaction_row_has_its_columns_and_only_the_asked_ones():
    plain = rows.transaction_rows(
        [transaction()], SimpleNamespace(tenders=False, credit_notes=False)
    )
    assert plain.count("<td") == 6
    assert "1,200.50" in plain
    assert "gross 1,300.50, discount 100" in plain
    assert "12 issued · 0 redeemed" in plain
    assert ">S1<" in plain  # no store name: its code
    wide = rows.transaction_rows([transaction()], SimpleNamespace(tenders=True, credit_notes=True))
    assert wide.count("<td") == 8
    assert "Cash 1,200.50" in wide
    assert wide.endswith("<td>–</td></tr>")  # no credit notes


def test_rows_speak_the_agents_language():
    with translation.override("id"):
        html = rows.transaction_rows(
            [transaction()], SimpleNamespace(tenders=False, credit_notes=False)
        )
        bar = rows.upgrade_bar(strategy(), None, tier="Gold", days=None)
    assert "12 diberikan · 0 ditukar" in html
    assert "1.200,50" in html  # Indonesian marks
    assert "menuju Gold" in bar


@pytest.mark.parametrize(("days", "words"), [(1, "In 1 day"), (30, "In 30 days")])
def test_the_what_if_bar_sits_beside_todays(days, words):
    later = SimpleNamespace(moves=True, current_value=4000, gap=1000, percent=80, reason="A bill")
    html = rows.upgrade_bar(strategy(), later, tier="Gold", days=days)
    assert f"<span>{words}</span>" in html
    assert 'value="80"' in html
    assert "A bill." in html
    same = rows.renewal_bar(strategy(), SimpleNamespace(moves=False, gap=2000), days=days)
    assert f"{words}: the same, 2,000 to go." in same


def test_the_chart_marks_this_month_and_labels_each_bar():
    bars = [
        SimpleNamespace(label="Jan 27", points=1500, x=4, y=16, height=120, center=20, value_y=13),
        SimpleNamespace(label="Feb 27", points=0, x=44, y=136, height=0, center=60, value_y=133),
    ]
    html = rows.chart_bars(bars)
    assert html.count("<g>") == 2
    assert "<title>Jan 27: 1,500 points</title>" in html
    assert 'class="now"' in html.split("</g>")[0]
    assert 'class="value"' not in html.split("</g>")[1]  # no value over an empty month


def program(**summary_changes):
    summary = {
        "title": "Club",
        "current_tier": "Gold",
        "loyalty_points": 1500,
        "balance_worth": None,
        "points_to_currency_ratio": None,
        "total_available_points": 1500,
        "available_worth": None,
        "delayed_points": 0,
        "reconciliation": None,
    }
    return SimpleNamespace(
        summary=SimpleNamespace(**(summary | summary_changes)),
        currency="INR",
        next_expiry=None,
        days_left=None,
    )


def test_a_tier_bar_is_named_for_assistive_tech():
    html = rows.upgrade_bar(strategy(), None, tier="Gold", days=None)
    assert 'aria-label="60% of the way to Gold"' in html  # the template's label came out empty


@pytest.mark.parametrize(("schedule", "says_nothing_due"), [(None, False), ((), True)])
def test_at_a_glance_says_nothing_is_due_only_when_capillary_sent_a_schedule(
    schedule, says_nothing_due
):
    html = rows.glance_programs([program()], tiers=True, points=True, schedule=schedule)
    assert ("Nothing due to expire" in html) is says_nothing_due
    assert '<bdi dir="ltr">1,500</bdi> points' in html
    hidden = rows.glance_programs([program()], tiers=False, points=False, schedule=())
    assert "Gold" not in hidden
    assert "points" not in hidden


def test_points_worth_escapes_and_reads_the_ratio():
    html = rows.points_worth(
        [program(title=HOSTILE, points_to_currency_ratio=Decimal("0.25"), delayed_points=40)]
    )
    assert "<script>" not in html
    assert "1 point = INR 0.25 · 1,500 available for redemption · 40 pending" in html


def test_a_bills_time_is_shown_in_the_agents_time_zone():
    with timezone.override("Asia/Kolkata"):  # 09:30 UTC is 15:00 there
        html = rows.transaction_rows(
            [transaction()], SimpleNamespace(tenders=False, credit_notes=False)
        )
    assert "3 p.m." in html or "15:00" in html
