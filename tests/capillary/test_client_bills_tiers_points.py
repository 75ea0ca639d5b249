"""The client against the sandbox over real HTTP for issue 11's questions: find a bill by every
filter, the tier what-if N days ahead, and the points detail (history, promotions, pending
points, worth, reconciliation), programs with partner programs and the rest of the record.

`sandbox_url` (tests/fixtures/sandbox.py) is a real `sandbox_serve` process seeded with 60
members (seed 7) and the demo identities, whose data is the same for every seed.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from membercare.capillary.client import CapillaryClient
from membercare.capillary.query import (
    CustomerQuery,
    points_detail,
    tier_what_if,
    transactions_only,
)
from membercare.capillary.types import Customer, ProgramSummary, Transaction, WarningKind

from .test_client_against_sandbox import demo, sandbox_client

TYPES = ("REGULAR", "NOT_INTERESTED", "RETURN", "NOT_INTERESTED_RETURN", "MIXED", "NI_MIXED")


@pytest.fixture
def capillary(sandbox_url: str) -> Iterator[CapillaryClient]:
    client = sandbox_client(sandbox_url)
    yield client
    client.close()


def bills(client: CapillaryClient, key: str, **filters: Any) -> tuple[Transaction, ...]:
    member = client.get_customer(identifier=demo(key), query=transactions_only(**filters))
    assert member.coupons == ()  # one call, transactions only
    return member.transactions or ()


def program(customer: Customer, title: str) -> ProgramSummary:
    return next(p for p in customer.programs or () if p.title == title)


# --- Find a bill ---------------------------------------------------------------------------------


def test_a_bill_is_found_by_its_number_day_amount_store_and_till(capillary):
    recent = bills(capillary, "platinum")  # a points showcase demo: at least 14 bills
    assert len(recent) == 10  # "about 10 most recent"
    target = recent[-1]  # the oldest shown: found only because the filter finds it
    assert target.number
    assert target.created_date is not None
    assert target.store_code is not None
    assert target.till_code is not None
    assert target.amount is not None
    searches: dict[str, dict[str, Any]] = {
        "number": dict(number=target.number),
        "date": dict(date=target.created_date.date()),
        "amount": dict(amount=target.amount),
        "store": dict(store_code=target.store_code),
        "till": dict(till_code=target.till_code),
    }
    for name, search in searches.items():
        found = bills(capillary, "platinum", **search)
        assert target.id in {b.id for b in found}, name
    assert [b.id for b in bills(capillary, "platinum", number=target.number)] == [target.id]
    on_day = bills(capillary, "platinum", date=target.created_date.date())
    assert {b.created_date.date() for b in on_day if b.created_date} == {target.created_date.date()}
    at_till = bills(capillary, "platinum", till_code=target.till_code)
    assert {b.till_code for b in at_till} == {target.till_code}
    at_store = bills(capillary, "platinum", store_code=target.store_code)
    assert {b.store_code for b in at_store} == {target.store_code}
    of_amount = bills(capillary, "platinum", amount=target.amount)
    assert {b.amount for b in of_amount} == {target.amount}
    assert bills(capillary, "platinum", number="BILL-0") == ()
    assert (
        bills(capillary, "platinum", amount=target.amount + Decimal("0.01"), number=target.number)
        == ()
    )


def test_every_transaction_type_filters_and_all_brings_every_type(capillary):
    everything = bills(capillary, "platinum", type="ALL")
    seen = set()
    for kind in TYPES:
        found = bills(capillary, "platinum", type=kind)
        assert {b.type for b in found} <= {kind}
        seen |= {b.type for b in found}
    assert {b.type for b in everything} <= seen
    assert {b.type for b in bills(capillary, "platinum", type="REGULAR")} == {"REGULAR"}


def test_tenders_and_credit_notes_come_only_when_asked(capillary):
    plain = bills(capillary, "platinum")
    assert all(b.tenders is None and b.credit_notes is None for b in plain)
    rich = bills(capillary, "platinum", tenders=True, credit_notes=True)
    assert all(b.tenders for b in rich)
    assert all(t.mode and t.value is not None for b in rich for t in b.tenders or ())
    for bill in rich:
        assert bool(bill.credit_notes) == ("RETURN" in (bill.type or "")), bill.type


def test_a_bill_without_points_says_why(capillary):
    for bill in bills(capillary, "platinum"):
        if bill.points_issued:
            assert bill.no_points_reason is None
        elif "RETURN" in (bill.type or ""):
            assert "return" in (bill.no_points_reason or "").lower()
        elif "NOT_INTERESTED" in (bill.type or "") or bill.type == "NI_MIXED":
            assert "not-interested" in (bill.no_points_reason or "")


# --- Tier what-if ------------------------------------------------------------------------------


def test_the_what_if_grows_a_moving_window_gap_and_resets_a_calendar_cycle(capillary):
    today = dt.date.today()
    now = capillary.get_customer(identifier=demo("platinum"), query=tier_what_if(0))
    later = capillary.get_customer(identifier=demo("platinum"), query=tier_what_if(30))
    assert now.coupons == ()
    assert now.transactions is None  # tier data only

    def tracker(customer: Customer, title: str):  # the program's tracker strategy
        return next(s for s in program(customer, title).upgrade if s.tracker)

    window_now, window_later = tracker(now, "Aurora Rewards"), tracker(later, "Aurora Rewards")
    assert window_now.tracker is not None
    assert window_now.tracker.mode == "MOVING_WINDOW"
    assert window_later.gap is not None
    assert window_now.gap is not None
    assert window_later.gap > window_now.gap  # purchases left the 730-day window
    assert window_now.valid_until is not None
    assert window_now.valid_until.date() < dt.date.today() + dt.timedelta(days=30)

    new_year = (dt.date(today.year + 1, 1, 1) - today).days
    if new_year <= 365:
        next_year = capillary.get_customer(
            identifier=demo("platinum"), query=tier_what_if(new_year)
        )
        cycle = tracker(next_year, "Aurora Dining")
        assert cycle.tracker is not None
        assert cycle.tracker.mode == "CALENDAR_BASED_CYCLIC_WINDOW"
        assert (cycle.current_value, cycle.gap) == (0, cycle.threshold)


def test_the_what_if_reads_the_upgrade_and_retention_criteria(capillary):
    gold = capillary.get_customer(identifier=demo("gold"), query=tier_what_if(30))
    assert gold.tier_update_criteria is not None
    (criteria,) = gold.tier_update_criteria
    assert (criteria.purchase_type, criteria.min_value_required) == ("CUMULATIVE_PURCHASES", 75000)
    assert criteria.next_tier == "Platinum"
    assert criteria.description == "Platinum: lifetime purchases of 75,000"
    assert [s.based_on for s in criteria.strategies] == ["CUMULATIVE_PURCHASES"]
    retention = gold.retention_criteria
    assert retention is not None
    assert retention.program_id == 1
    assert {s.based_on for s in retention.strategies} == {"VISITS", "PURCHASE", "POINTS"}
    diamond = capillary.get_customer(identifier=demo("diamond"), query=tier_what_if(30))
    assert diamond.tier_update_criteria is None  # the top tier has none
    top = [n for n in diamond.notices if n.kind is WarningKind.TOP_TIER]
    assert len(top) == 2  # one per program
    assert top[0].meaning.startswith("The member is already in the highest tier")


# --- Points --------------------------------------------------------------------------------------


def test_the_points_detail_reads_history_promotions_pending_points_and_worth(capillary):
    gold = capillary.get_customer(identifier=demo("gold"), query=points_detail())
    today = dt.datetime.now()

    summary = gold.points_summary
    assert summary is not None
    assert summary.program_id == 1
    assert summary.issuance_history
    assert summary.redemption_history
    assert {e.source for e in summary.issuance_history} == {"TRANSACTION", "PROMOTION"}
    history = summary.history
    dated = [e.date for e in history if e.date]
    assert dated == sorted(dated, reverse=True)

    promotions = gold.promotion_points or ()
    assert {p.program_id for p in promotions} == {1, 2}
    assert all(p.issued_at and p.issued_at.name and p.expiry_date for p in promotions)
    (on_a_bill,) = [p for p in promotions if p.level == "transaction"]
    assert on_a_bill.transaction_id
    assert {p.level for p in promotions} == {"customer", "transaction"}

    pending = {d.program_id: d for d in gold.delayed_accrual or ()}
    assert set(pending) == {1, 2}
    for accrual in pending.values():
        assert accrual.parts
        assert sum(p.points or 0 for p in accrual.parts) == accrual.delayed_points
        assert accrual.next_release is not None
        assert accrual.next_release > today

    rewards = program(gold, "Aurora Rewards")
    assert rewards.delayed_points == pending[1].delayed_points
    assert rewards.points_to_currency_ratio == Decimal("0.25")
    assert rewards.balance_worth == Decimal(rewards.loyalty_points or 0) * Decimal("0.25")
    assert rewards.available_worth == rewards.balance_worth  # available = current here
    assert [p.name for p in rewards.linked_partner_programs] == ["Aurora Plus", "SkyMiles Partners"]
    for each in gold.programs or ():
        reconciliation = each.reconciliation
        assert reconciliation is not None
        assert reconciliation.adds_up, reconciliation.words
    assert gold.points_reconciliation is not None
    assert gold.points_reconciliation.adds_up


def test_the_programs_list_and_the_rest_of_the_record(capillary):
    query = CustomerQuery(
        embed=frozenset(
            {
                "user_id",
                "program_summary",
                "segments",
                "user_group",
                "card_details",
                "customer_image",
            }
        ),
        coupon_limit=0,
    )
    gold = capillary.get_customer(identifier=demo("gold"), query=query)

    assert gold.programs_list is not None
    rewards, dining = gold.programs_list
    assert (rewards.id, rewards.name, rewards.is_default) == (1, "Aurora Rewards", True)
    assert (dining.id, dining.is_default, dining.points_to_currency_ratio) == (
        2,
        False,
        Decimal("0.1"),
    )
    sky = rewards.partner_programs[1]
    assert (sky.name, sky.type, sky.tiers) == (
        "SkyMiles Partners",
        "EXTERNAL",
        ("Blue", "Silver", "Gold"),
    )
    assert rewards.partner_programs[0].membership_period_value == 365
    assert {s.name for s in gold.segments or ()} == {"Spend band", "Home city"}
    assert gold.user_groups == ()
    assert gold.image_url is None  # the sandbox's members have no image
    card = next(c for c in gold.cards or () if c.card_number == "7100000000000002")
    assert card.expiry_date is not None
    assert not card.is_expired_on(dt.datetime.now())
    assert gold.gender in {"Male", "Female"}  # the extended field


def test_item_warnings_and_partial_answers_say_what_they_mean(capillary):
    fraud = capillary.get_customer(identifier=demo("fraud-confirmed"), query=tier_what_if(0))
    assert [n.kind for n in fraud.notices] == [WarningKind.FRAUD]
    assert fraud.notices[0].meaning == "Capillary has this member marked as fraud."
    partial = capillary.get_customer(identifier=demo("partial"), query=tier_what_if(0))
    (notice,) = partial.notices
    assert (notice.code, notice.kind) == (91001, WarningKind.POINTS_FAILED)
    assert "missing from this answer, not zero" in notice.meaning


def test_the_what_if_moves_a_tracker_renewal_too(capillary):
    today = dt.date.today()
    new_year = (dt.date(today.year + 1, 1, 1) - today).days
    now = capillary.get_customer(identifier=demo("diamond"), query=tier_what_if(0))
    dining = program(now, "Aurora Dining").renewal
    assert dining is not None
    tracked = next(s for s in dining.strategies if s.based_on == "TRACKER")
    assert tracked.tracker is not None
    assert (tracked.tracker.name, tracked.tracker.mode) == (
        "Dining Spend This Year",
        "CALENDAR_BASED_CYCLIC_WINDOW",
    )
    assert tracked.gap == 0
    if new_year <= 365:
        then = capillary.get_customer(identifier=demo("diamond"), query=tier_what_if(new_year))
        renewal = program(then, "Aurora Dining").renewal
        assert renewal is not None
        moved = next(s for s in renewal.strategies if s.based_on == "TRACKER")
        assert (moved.current_value, moved.gap, moved.percent) == (0, 30000, 0)
