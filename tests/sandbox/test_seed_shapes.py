"""The sections issue 11 brought in line with Capillary's documentation and samples: the programs
list, tier_update_criteria, the points history, gender as an extended field, delayed accrual, and
gaps N days ahead that move with moving-window and calendar-cycle trackers."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from membercare.sandbox.catalog import DEMO_BY_KEY, PARTNER_PROGRAMS
from membercare.sandbox.models import (
    DelayedPoints,
    Membership,
    PromotionPoints,
    TrackerPurchase,
    Transaction,
)
from tests.sandbox.conftest import SANDBOX_DB, Call, one

pytestmark = SANDBOX_DB
GOLD = DEMO_BY_KEY["gold"]
PLATINUM = DEMO_BY_KEY["platinum"]
DIAMOND = DEMO_BY_KEY["diamond"]
REWARDS_TRACKER = "2 Years Upgrade Tracker"
DINING_TRACKER = "Dining Spend This Year"


def summary(item: dict[str, Any], title: str) -> dict[str, Any]:
    return next(
        s for s in item["points_summaries"]["points_summary"] if s["program_title"] == title
    )


def tracker_strategy(gap: dict[str, Any]) -> dict[str, Any]:
    return next(
        s for s in gap["upgrade_strategy"] if s["upgrade_based_on"] == "TRACKER_VALUE_BASED"
    )


def gap_in(call: Call, email: str, title: str, days: int) -> dict[str, Any]:
    item = one(call(email=email, mlp="true", gap_to_upgrade_for=str(days)))
    return tracker_strategy(summary(item, title)["gap_to_upgrade"])


# --- program_summary: programs_list.program[], as Capillary's sample -----------------------------


def test_program_summary_answers_the_programs_list_with_partner_programs(call: Call):
    item = one(call(email=GOLD.email, program_summary="true"))
    assert "program_summary" not in item
    programs = item["programs_list"]["program"]
    assert [(p["programId"], p["programName"], p["isDefault"]) for p in programs] == [
        ("1", "Aurora Rewards", "true"),
        ("2", "Aurora Dining", "false"),
    ]
    assert programs[0]["pointsToCurrencyRatio"] == "0.25"
    partners = programs[0]["PartnerPrograms"]["PartnerProgram"]
    assert [p["partnerProgramName"] for p in partners] == ["Aurora Plus", "SkyMiles Partners"]
    sky = partners[1]
    assert (sky["partnerProgramType"], sky["isTierBased"]) == ("EXTERNAL", "true")
    assert [t["tierName"] for t in sky["partnerProgramTiers"]] == ["Blue", "Silver", "Gold"]
    assert partners[0]["partnerProgramTiers"] == []  # as in the sample: [] when not tier based
    assert partners[0]["membershipPeriodValue"] == "365"
    assert len(PARTNER_PROGRAMS) == sum(
        len(p["PartnerPrograms"]["PartnerProgram"]) for p in programs
    )


def test_points_summaries_link_their_partner_programs(call: Call):
    item = one(call(email=GOLD.email, mlp="true"))
    linked = summary(item, "Aurora Dining")["linked_partner_programs"]["linked_partner_program"]
    assert [p["partner_program_name"] for p in linked] == ["Aurora Dining Club"]


# --- tier_upgrade_criteria=true answers tier_update_criteria -------------------------------------


def test_tier_update_criteria_gives_the_next_tiers_purchase_threshold(call: Call):
    item = one(call(email=GOLD.email, tier_upgrade_criteria="true"))
    assert "tier_upgrade_criteria" not in item
    criteria = item["tier_update_criteria"]
    assert criteria["purchase_type"] == "CUMULATIVE_PURCHASES"
    assert criteria["min_purchase_value_required"] == "75000"
    assert criteria["description"] == "Platinum: lifetime purchases of 75,000"
    (strategy,) = criteria["upgrade_strategy"]
    gold = Membership.objects.get(customer_id=GOLD.user_id, program_id=1)
    assert strategy["customer_upgrade_entity_values"]["current_value"] == str(
        gold.cumulative_purchases
    )


def test_tier_update_criteria_leaves_out_tracker_strategies_and_the_top_tier(call: Call):
    criteria = one(call(email=PLATINUM.email, tier_upgrade_criteria="true"))["tier_update_criteria"]
    assert [s["upgrade_based_on"] for s in criteria["upgrade_strategy"]] == [
        "CUMULATIVE_PURCHASES",
        "CURRENT_POINTS",
    ]
    assert "tier_update_criteria" not in one(
        call(email=DIAMOND.email, tier_upgrade_criteria="true")
    )


# --- points_summary: the issuance and redemption history -----------------------------------------


def test_points_summary_lists_what_was_issued_and_redeemed_newest_first(call: Call):
    history = one(call(email=GOLD.email, points_summary="true"))["points_summary"]
    gold = Membership.objects.get(customer_id=GOLD.user_id, program_id=1)
    assert (history["redeemed"], history["expired"]) == (
        str(gold.redeemed_points),
        str(gold.expired_points),
    )
    issued = history["issuance_history"]["issued"]
    redeemed = history["redemption_history"]["redeemed"]
    bills = Transaction.objects.filter(customer_id=GOLD.user_id)
    promotions = PromotionPoints.objects.filter(customer_id=GOLD.user_id, program_id=1)
    assert len(issued) == bills.filter(points_issued__gt=0).count() + promotions.count()
    assert len(redeemed) == bills.filter(points_redeemed__gt=0).count()
    assert redeemed, "the showcase demo has bills that spent points"
    dates = [entry["issued_on"] for entry in issued]
    assert dates == sorted(dates, reverse=True)
    by_bill = {e["bill_number"]: e for e in issued if e["source"] == "TRANSACTION"}
    bill = bills.filter(points_issued__gt=0).select_related("store").first()
    assert bill is not None
    assert by_bill[bill.number]["points"] == str(bill.points_issued)
    assert by_bill[bill.number]["store"]["code"] == bill.store.code
    promotion = next(e for e in issued if e["source"] == "PROMOTION")
    assert promotion["expiry_date"]
    assert promotion["store"]["name"]


# --- gender --------------------------------------------------------------------------------------


def test_gender_is_an_extended_field_not_a_top_level_key(call: Call):
    item = one(call(email=GOLD.email, headers={"language": "id"}))
    assert "gender" not in item
    fields = {f["name"]: f for f in item["extended_fields"]["field"]}
    assert fields["gender"]["value"] in {"Male", "Female"}
    assert fields["gender"]["label"] == "Jenis kelamin"


# --- delayed accrual and promotion points --------------------------------------------------------


def test_delayed_accrual_says_when_each_part_of_the_pending_points_is_released(call: Call):
    item = one(call(email=GOLD.email, delayed_accrual="true"))
    today = timezone.localdate()
    for program in item["delayed_accrual"]:
        details = program["delayed_points_details"]
        assert details, "the showcase demo has delayed points in both programs"
        assert sum(int(d["points"]) for d in details) == int(program["delayed_points"])
        for detail in details:
            release = date.fromisoformat(detail["release_date"])
            assert today < release <= today + timedelta(days=30)
    assert DelayedPoints.objects.filter(customer_id=GOLD.user_id).count() == sum(
        len(p["delayed_points_details"]) for p in item["delayed_accrual"]
    )


@pytest.mark.parametrize("key", ["gold", "platinum"])
def test_the_points_showcase_demos_have_promotion_and_delayed_points(call: Call, key):
    demo = DEMO_BY_KEY[key]
    item = one(call(email=demo.email, promotion_points="true", mlp="true"))
    promotions = item["promotion_points"]["customer"]
    assert len(promotions) >= 4  # 2-3 in each program
    assert all(p["issued_at"]["code"] and p["expiry_date"] for p in promotions)
    (on_a_bill,) = item["promotion_points"]["transactions"]  # one bill-level promotion
    bill = Transaction.objects.get(id=int(on_a_bill["transaction_id"]))
    assert bill.customer_id == demo.user_id
    assert bill.points_issued > 0
    assert on_a_bill["issued_on"] == timezone.localtime(bill.created_date).date().isoformat()
    assert all(int(s["delayed_points"]) > 0 for s in item["points_summaries"]["points_summary"])


# --- gaps N days ahead ---------------------------------------------------------------------------


def test_a_moving_window_gap_grows_as_old_purchases_leave_the_window(call: Call):
    today = timezone.localdate()
    now = gap_in(call, PLATINUM.email, "Aurora Rewards", 0)
    later = gap_in(call, PLATINUM.email, "Aurora Rewards", 30)
    values = now["customer_upgrade_entity_values"]
    leaving = date.fromisoformat(values["value_valid_upto"])
    assert today <= leaving < today + timedelta(days=30)  # the oldest leaves within 30 days
    purchases = TrackerPurchase.objects.filter(
        customer_id=PLATINUM.user_id, tracker_name=REWARDS_TRACKER
    )
    window = timedelta(days=730)
    for as_of, gap in ((today, now), (today + timedelta(days=30), later)):
        expected = sum(p.amount for p in purchases if p.purchased_on + window > as_of)
        assert gap["customer_upgrade_entity_values"]["current_value"] == str(expected)
        assert int(gap["customer_upgrade_entity_values"]["gap_to_upgrade"]) == 250_000 - expected
    assert int(later["customer_upgrade_entity_values"]["gap_to_upgrade"]) > int(
        values["gap_to_upgrade"]
    )
    # The day before the oldest purchase leaves, the value still holds; the day after it is less.
    holding = gap_in(call, PLATINUM.email, "Aurora Rewards", (leaving - today).days)
    gone = gap_in(call, PLATINUM.email, "Aurora Rewards", (leaving - today).days + 1)
    held = holding["customer_upgrade_entity_values"]["current_value"]
    assert held == values["current_value"]
    assert int(gone["customer_upgrade_entity_values"]["current_value"]) < int(held)


def test_a_calendar_cycle_gap_starts_again_on_the_first_of_january(call: Call):
    today = timezone.localdate()
    new_year = (date(today.year + 1, 1, 1) - today).days
    now = gap_in(call, GOLD.email, "Aurora Dining", 0)
    last_day = gap_in(call, GOLD.email, "Aurora Dining", new_year - 1)
    next_year = gap_in(call, GOLD.email, "Aurora Dining", new_year)
    assert now["upgrade_entity_identifers"]["tracker_mode"] == "CALENDAR_BASED_CYCLIC_WINDOW"
    assert now["customer_upgrade_entity_values"]["value_valid_upto"] == f"{today.year}-12-31"
    spent = sum(
        p.amount
        for p in TrackerPurchase.objects.filter(
            customer_id=GOLD.user_id, tracker_name=DINING_TRACKER
        )
        if p.purchased_on.year == today.year
    )
    assert now["customer_upgrade_entity_values"]["current_value"] == str(spent)
    assert last_day["customer_upgrade_entity_values"] == now["customer_upgrade_entity_values"]
    assert next_year["customer_upgrade_entity_values"]["current_value"] == "0"
    assert next_year["customer_upgrade_entity_values"]["gap_to_upgrade"] == "50000"


def test_tracker_purchases_add_up_to_the_trackers_value_on_the_seeding_day():
    anchor = timezone.localdate()  # the session's database was seeded today
    checked = 0
    for membership in Membership.objects.exclude(tracker_values={}):
        for name, value in membership.tracker_values.items():
            purchases = TrackerPurchase.objects.filter(
                customer_id=membership.customer_id, program_id=membership.program_id,
                tracker_name=name,
            )  # fmt: skip
            assert sum(p.amount for p in purchases) == value, (membership.customer_id, name)
            assert all(p.purchased_on < anchor for p in purchases)
            checked += 1
    assert checked > 50


def renew_tracker(call: Call, email: str, title: str, days: int) -> dict[str, Any]:
    item = one(call(email=email, mlp="true", gap_to_renew_for=str(days)))
    gap = summary(item, title)["gap_to_renew"]
    return next(s for s in gap["renew_strategy"] if s["renew_based_on"] == "TRACKER")


def test_a_tracker_renewal_counts_the_same_purchases_and_moves_with_the_day(call: Call):
    today = timezone.localdate()
    diamond = DEMO_BY_KEY["diamond"]  # Diamond in Rewards, Elite in Dining
    now = renew_tracker(call, diamond.email, "Aurora Rewards", 0)
    assert now["renew_entity_identifiers"]["tracker_mode"] == "MOVING_WINDOW"
    assert now["renew_threshold"] == "150000"
    purchases = TrackerPurchase.objects.filter(
        customer_id=diamond.user_id, tracker_name=REWARDS_TRACKER
    )
    window = timedelta(days=730)
    oldest = min(p.purchased_on for p in purchases)
    gone = (oldest + window - today).days  # the first day the oldest purchase no longer counts
    later = renew_tracker(call, diamond.email, "Aurora Rewards", gone)
    for days, strategy in ((0, now), (gone, later)):
        as_of = today + timedelta(days=days)
        value = sum(p.amount for p in purchases if p.purchased_on + window > as_of)
        assert strategy["customer_renew_entity_value"] == str(value)
        assert strategy["customer_gap_to_renew_value"] == str(max(150_000 - value, 0))
    assert int(later["customer_renew_entity_value"]) < int(now["customer_renew_entity_value"])

    new_year = (date(today.year + 1, 1, 1) - today).days
    elite = renew_tracker(call, diamond.email, "Aurora Dining", 0)
    assert int(elite["customer_renew_entity_value"]) >= 50_000  # Elite: this year's spend
    assert elite["customer_gap_to_renew_value"] == "0"
    next_year = renew_tracker(call, diamond.email, "Aurora Dining", new_year)
    assert (next_year["customer_renew_entity_value"], next_year["customer_gap_to_renew_value"]) == (
        "0",
        "30000",
    )


def test_not_interested_bills_and_returns_earn_no_points():
    kinds = ("NOT_INTERESTED", "NOT_INTERESTED_RETURN", "NI_MIXED", "RETURN")
    assert not Transaction.objects.filter(type__in=kinds, points_issued__gt=0).exists()
    assert Transaction.objects.filter(type__in=kinds).exists()
    assert Transaction.objects.filter(type="MIXED", points_issued__gt=0).exists()
