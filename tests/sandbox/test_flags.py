"""Embed flags, per-program loyalty data, gaps to upgrade and renew, labels by language."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from membercare.sandbox.catalog import DEMO_BY_KEY
from membercare.sandbox.models import Customer, Membership, PointsExpiry
from tests.sandbox.conftest import SANDBOX_DB, Call, body, one

pytestmark = SANDBOX_DB
GOLD = DEMO_BY_KEY["gold"]

# flag -> the key it adds to a customer
FLAGS = {
    "next_slab": "next_slab",
    "slab_history": "slab_history",
    "ndnc_status": "ndnc_status",
    "optin_status": "optin_status",
    "expiry_schedule": "expiry_schedule",
    "expired_points": "expired_points",
    "points_summary": "points_summary",
    "promotion_points": "promotion_points",
    "membership_retention_criteria": "membership_retention_criteria",
    "tier_upgrade_criteria": "tier_update_criteria",  # the docs' name for the answer
    "mlp": "points_summaries",
    "user_group": "user_group",
    "customer_image": "customer_image",
    "transactions": "transactions",
    "subscriptions": "subscriptions",
    "segments": "segments",
    "card_details": "card_details",
    "delayed_accrual": "delayed_accrual",
    "program_summary": "programs_list",
    "user_id": "user_id",
}
DEFAULT_ON = ("registered_store", "registered_till", "fraud_details")


@pytest.mark.parametrize("flag", FLAGS)
def test_it_embeds_a_section_only_when_its_flag_is_on(call: Call, flag):
    assert FLAGS[flag] not in one(call(email=GOLD.email))
    assert FLAGS[flag] not in one(call(email=GOLD.email, **{flag: "false"}))
    assert FLAGS[flag] in one(call(email=GOLD.email, **{flag: "true"}))


@pytest.mark.parametrize("flag", DEFAULT_ON)
def test_it_embeds_store_till_and_fraud_details_unless_turned_off(call: Call, flag):
    assert flag in one(call(email=GOLD.email))
    assert flag in one(call(email=GOLD.email, **{flag: "true"}))
    assert flag not in one(call(email=GOLD.email, **{flag: "false"}))


def test_it_always_carries_coupons_custom_and_extended_fields(call: Call):
    item = one(call(email=GOLD.email))
    assert isinstance(item["coupons"], list)
    assert isinstance(item["custom_fields"]["field"], list)
    assert isinstance(item["extended_fields"]["field"], list)


def test_it_shows_the_default_programs_tier_and_points_at_the_top_level(call: Call):
    item = one(call(email=GOLD.email, next_slab="true"))
    membership = Membership.objects.get(customer_id=GOLD.user_id, program_id=1)
    assert (item["current_slab"], item["next_slab"], item["next_slab_serial_number"]) == (
        "Gold",
        "Platinum",
        "3",
    )
    assert item["loyalty_points"] == str(membership.loyalty_points)
    assert item["lifetime_purchases"] == str(membership.cumulative_purchases)


def test_it_shows_another_programs_numbers_for_its_program_id(call: Call):
    item = one(call(email=DEMO_BY_KEY["diamond"].email, program_id="2", mlp="true"))
    assert item["current_slab"] == "Elite"
    summaries = item["points_summaries"]["points_summary"]
    assert [s["programId"] for s in summaries] == ["2"]


def test_it_answers_400_to_a_program_id_that_is_not_a_number(call: Call):
    assert call(email=GOLD.email, program_id="rewards").status_code == 400


def test_it_summarises_every_program_with_mlp(call: Call):
    summaries = one(call(email=GOLD.email, mlp="true"))["points_summaries"]["points_summary"]
    assert [
        (s["programId"], s["program_title"], s["currentSlab"], s["slabSNo"]) for s in summaries
    ] == [
        ("1", "Aurora Rewards", "Gold", "2"),
        ("2", "Aurora Dining", "Insider", "2"),
    ]
    rewards = summaries[0]
    for key in (
        "program_description",
        "program_points_to_currency_ratio",
        "redeemed",
        "expired",
        "returned",
        "adjusted",
        "lifetimePoints",
        "loyaltyPoints",
        "cumulativePurchases",
        "currentSlabDescription",
        "slabExpiryDate",
        "nextSlab",
        "nextSlabSerialNumber",
        "nextSlabDescription",
        "delayed_points",
        "total_available_points",
    ):
        assert isinstance(rewards[key], str), key
    assert "gap_to_upgrade" not in rewards
    assert "gap_to_renew" not in rewards


def gaps(call: Call, key: str, **params: Any) -> list[dict[str, Any]]:
    item = one(call(email=DEMO_BY_KEY[key].email, mlp="true", **params))
    return item["points_summaries"]["points_summary"]


def test_it_shows_the_near_upgrade_member_96_percent_of_the_way_to_platinum(call: Call):
    rewards = gaps(call, "near-upgrade", gap_to_upgrade_for="0")[0]
    (strategy,) = rewards["gap_to_upgrade"]["upgrade_strategy"]
    values = strategy["customer_upgrade_entity_values"]
    assert (strategy["upgrade_based_on"], strategy["upgrade_threshold"]) == (
        "CUMULATIVE_PURCHASES",
        "75000",
    )
    assert (values["current_value"], values["gap_to_upgrade"]) == ("72000", "3000")
    assert int(values["current_value"]) / int(strategy["upgrade_threshold"]) == 0.96
    date.fromisoformat(values["value_valid_upto"])


def test_it_gives_the_top_tier_no_upgrade_data(call: Call):
    for summary in gaps(call, "diamond", gap_to_upgrade_for="0"):
        assert summary["gap_to_upgrade"] == {"upgrade_strategy": []}
        assert summary["nextSlab"] == ""


def test_it_shows_trackers_and_the_custom_expression_on_the_way_to_diamond(call: Call):
    rewards = gaps(call, "platinum", gap_to_upgrade_for="30")[0]
    gap = rewards["gap_to_upgrade"]
    assert gap["custom_expression"] == "((A AND B) OR C)"
    assert gap["expression_relation"] == [[1, 2], [3]]
    based_on = [s["upgrade_based_on"] for s in gap["upgrade_strategy"]]
    assert based_on == ["CUMULATIVE_PURCHASES", "CURRENT_POINTS", "TRACKER_VALUE_BASED"]
    tracker = gap["upgrade_strategy"][2]["upgrade_entity_identifers"]  # Capillary's spelling
    assert tracker == {
        "tracker_name": "2 Years Upgrade Tracker",
        "tracker_type": "BILL_AMOUNT",
        "tracker_mode": "MOVING_WINDOW",
        "tracker_case_name": "730Days_Case",
        "tracker_case_period_type": "DAYS",
        "tracker_case_period_value": "730",
    }


def test_it_counts_only_the_points_that_will_still_be_there_on_the_day_asked(call: Call):
    """CURRENT_POINTS on day N: loyalty points minus the lots expiring before that day."""
    member = Customer.objects.filter(
        memberships__program_id=2, memberships__tier__serial=1, pii_deleted=False, fault=""
    ).first()
    assert member is not None
    membership = Membership.objects.get(customer=member, program_id=2)
    in_a_year = timezone.localdate() + timedelta(days=400)
    item = one(call(id=str(member.user_id), mlp="true", gap_to_upgrade_for="400"))
    dining = next(s for s in item["points_summaries"]["points_summary"] if s["programId"] == "2")
    (strategy,) = dining["gap_to_upgrade"]["upgrade_strategy"]
    assert strategy["upgrade_based_on"] == "CURRENT_POINTS"
    expiring = sum(
        lot.points
        for lot in PointsExpiry.objects.filter(customer=member, program_id=2)
        if lot.expiry_date < in_a_year
    )
    assert strategy["customer_upgrade_entity_values"]["current_value"] == str(
        membership.loyalty_points - expiring
    )


def test_it_shows_the_gap_to_renew_like_capillarys_sample(call: Call):
    rewards = gaps(call, "gold", gap_to_renew_for="0")[0]
    renew = rewards["gap_to_renew"]
    assert set(renew) == {"tier_expiry_date", "renew_confirmed", "renew_strategy"}
    assert renew["renew_confirmed"] in {"true", "false"}
    assert [s["renew_based_on"] for s in renew["renew_strategy"]] == [
        "VISITS",
        "PURCHASE",
        "POINTS",
    ]
    for strategy in renew["renew_strategy"]:
        gap = int(strategy["renew_threshold"]) - int(strategy["customer_renew_entity_value"])
        assert strategy["customer_gap_to_renew_value"] == str(max(gap, 0))
        assert strategy["renew_entity_identifiers"] == {}


@pytest.mark.parametrize("value", ["-1", "soon", "1.5"])
def test_it_answers_400_to_a_gap_day_that_is_not_a_non_negative_integer(call: Call, value):
    assert call(email=GOLD.email, mlp="true", gap_to_upgrade_for=value).status_code == 400
    assert call(email=GOLD.email, mlp="true", gap_to_renew_for=value).status_code == 400


def test_it_ignores_gap_days_without_mlp(call: Call):
    response = call(email=GOLD.email, gap_to_upgrade_for="0")
    assert response.status_code == 200
    assert "points_summaries" not in one(response)


def test_it_lists_the_slab_history_per_program_newest_first_with_mlp(call: Call):
    history = one(call(email=DEMO_BY_KEY["platinum"].email, mlp="true", slab_history="true"))[
        "slab_history"
    ]["history"]
    assert {change["program_id"] for change in history} == {"1", "2"}
    moments = [change["changed_on"] for change in history]
    assert moments == sorted(moments, reverse=True)
    assert {"from", "to", "type", "store", "notes"} <= set(history[0])


def test_it_lists_the_default_programs_slab_history_as_a_list_without_mlp(call: Call):
    history = one(call(email=DEMO_BY_KEY["platinum"].email, slab_history="true"))["slab_history"]
    assert isinstance(history, list)
    assert {change["program_id"] for change in history} == {"1"}


def test_it_lists_points_expiring_over_the_next_12_months(call: Call):
    schedule = one(call(email=GOLD.email, expiry_schedule="true"))["expiry_schedule"]
    today = timezone.localdate()
    assert schedule
    for lot in schedule:
        assert today < date.fromisoformat(lot["expiry_date"]) <= today + timedelta(days=366)
        assert lot["program_id"] in {"1", "2"}


EXTENDED_LABELS = {
    "en": "Preferred store",
    "zh": "首选门店",
    "id": "Toko pilihan",
    "ar": "المتجر المفضل",
    "zh-CN": "首选门店",
    "fr": "Preferred store",
}


@pytest.mark.parametrize("language", EXTENDED_LABELS)
def test_it_labels_extended_fields_in_the_language_asked(call: Call, language):
    fields = one(call(email=GOLD.email, headers={"language": language}))["extended_fields"]["field"]
    store = next(f for f in fields if f["name"] == "preferred_store")
    assert store["label"] == EXTENDED_LABELS[language]


def test_it_labels_extended_fields_in_english_without_a_language(call: Call):
    fields = one(call(email=GOLD.email))["extended_fields"]["field"]
    assert {"name", "value", "label"} == set(fields[0])


def test_it_shows_cards_and_subscriptions_in_the_shapes_of_the_notes(call: Call):
    item = one(call(email=GOLD.email, card_details="true", subscriptions="true"))
    (card,) = [c for c in item["card_details"]["card"] if c["card_number"] == GOLD.card_number]
    assert set(card) == {
        "card_number",
        "card_external_id",
        "series_name",
        "status",
        "issued_on",
        "expiry_date",
    }
    for subscription in item["subscriptions"]["subscription"]:
        assert subscription["channel"] in {"SMS", "EMAIL", "WHATSAPP", "PUSH"}
        assert subscription["priority"] in {"TRANS", "BULK"}
        assert subscription["status"] in {"SUBSCRIBED", "UNSUBSCRIBED"}


def test_it_answers_a_full_flag_call(call: Call):
    params = {flag: "true" for flag in FLAGS} | {
        "gap_to_upgrade_for": "0",
        "gap_to_renew_for": "0",
        "type": "ALL",
    }
    response = call(id="100000001", **params)
    assert response.status_code == 200
    item = body(response)["response"]["customers"]["customer"][0]
    assert set(FLAGS.values()) <= set(item)
    assert len(item["coupons"]) == 300
