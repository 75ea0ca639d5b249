"""The generator: deterministic, fast enough, the demo identities exactly as the notes say."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from membercare.sandbox import catalog
from membercare.sandbox.generator import BENCH_COUPONS, FIRST_GENERATED_USER_ID, seed_sandbox
from membercare.sandbox.models import (
    Card,
    Coupon,
    Customer,
    FraudStatus,
    Membership,
    PointsExpiry,
    SeedRun,
    TierChange,
    Till,
    Transaction,
    TransactionType,
)
from tests.sandbox.conftest import SANDBOX_DB, SEED, SEED_CUSTOMERS

pytestmark = SANDBOX_DB
NOTES = Path(__file__).resolve().parents[2] / "docs" / "contract-notes.md"
DEMOS = len(catalog.DEMO_IDENTITIES)


def notes_demo_table() -> list[dict[str, str]]:
    """The rows of the "Demo identities" table of docs/contract-notes.md."""
    section = NOTES.read_text().split("## Demo identities", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return [
        dict(
            zip(
                header, (cell.strip().strip("`") for cell in row.strip("|").split("|")), strict=True
            )
        )
        for row in rows[1:]
        if not row.startswith("|---")
    ]


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Enough of the database to tell two seeds apart."""
    return {
        "customers": list(
            Customer.objects.order_by("user_id").values_list(
                "user_id",
                "firstname",
                "lastname",
                "mobile",
                "email",
                "fraud_status",
                "registered_on",
            )
        ),
        "memberships": list(
            Membership.objects.order_by("customer_id", "program_id").values_list(
                "customer_id",
                "tier_id",
                "loyalty_points",
                "cumulative_purchases",
                "tier_expiry_date",
            )
        ),
        "coupons": list(
            Coupon.objects.order_by("id").values_list(
                "id", "customer_id", "code", "valid_till", "redeemed"
            )
        ),
        "transactions": list(
            Transaction.objects.order_by("id").values_list("id", "customer_id", "type", "amount")
        ),
    }


def test_it_seeds_the_session_database_with_the_generated_members_and_the_demo_identities():
    assert Customer.objects.count() == SEED_CUSTOMERS + DEMOS
    run = SeedRun.objects.get()
    assert (run.customers, run.seed, run.members) == (SEED_CUSTOMERS, SEED, SEED_CUSTOMERS + DEMOS)


def test_it_is_deterministic_for_a_given_seed():
    seed_sandbox(customers=25, seed=3, reset=True)
    first = snapshot()
    seed_sandbox(customers=25, seed=3, reset=True)
    assert snapshot() == first
    assert len(first["coupons"]) > 25


def test_it_generates_other_members_for_another_seed():
    seed_sandbox(customers=25, seed=3, reset=True)
    first = snapshot()
    seed_sandbox(customers=25, seed=4, reset=True)
    assert snapshot()["customers"] != first["customers"]


def test_it_skips_when_the_same_customers_and_seed_are_already_there():
    result = seed_sandbox(customers=SEED_CUSTOMERS, seed=SEED)
    assert not result.seeded
    assert Customer.objects.count() == SEED_CUSTOMERS + DEMOS


def test_it_regenerates_for_other_parameters_or_when_reset():
    assert seed_sandbox(customers=10, seed=SEED).seeded
    assert Customer.objects.count() == 10 + DEMOS
    assert seed_sandbox(customers=10, seed=SEED, reset=True).seeded
    assert seed_sandbox(customers=10, seed=SEED + 1).seeded


def test_it_says_when_it_is_already_seeded(capsys):
    call_command("sandbox_seed", customers=SEED_CUSTOMERS, seed=SEED)
    assert "already seeded" in capsys.readouterr().out


def test_it_creates_every_demo_identity_of_the_notes_with_exactly_those_identifiers():
    table = notes_demo_table()
    assert len(table) == DEMOS
    for row in table:
        customer = Customer.objects.get(user_id=int(row["user id"]))
        assert customer.email == row["email"]
        assert customer.mobile == row["mobile"]
        assert customer.external_id == row["external id"]
        assert Card.objects.filter(customer=customer, card_number=row["card number"]).exists()


def test_it_enrols_every_demo_identity_in_both_programs():
    live = [d.user_id for d in catalog.DEMO_IDENTITIES if not d.pii_deleted and not d.merged_into]
    enrolments = Membership.objects.filter(customer_id__in=live).values("customer_id")
    counts = enrolments.annotate(n=Count("id")).values_list("n", flat=True)
    assert set(counts) == {2}
    assert len(counts) == len(live)


def test_it_puts_the_tier_demos_at_their_tiers():
    def tier_of(key: str, program: int) -> int:
        membership = Membership.objects.get(
            customer_id=catalog.DEMO_BY_KEY[key].user_id, program_id=program
        )
        return membership.tier.serial

    rewards = catalog.REWARDS_PROGRAM_ID
    assert [tier_of(k, rewards) for k in ("silver", "gold", "platinum", "diamond")] == [1, 2, 3, 4]
    assert tier_of("diamond", catalog.DINING_PROGRAM_ID) == 3  # top of both programs


def test_it_gives_the_coupons_demo_exactly_250_coupons_of_every_status():
    coupons = Coupon.objects.filter(customer_id=catalog.DEMO_BY_KEY["coupons"].user_id)
    now = timezone.now()
    assert coupons.count() == 250
    assert coupons.filter(redeemed=True).exists()
    assert coupons.filter(redeemed=False, valid_till__lt=now).exists()
    assert coupons.filter(redeemed=False, valid_till__gte=now).exists()


def test_it_puts_the_near_upgrade_demo_96_percent_of_the_way_to_platinum():
    membership = Membership.objects.get(
        customer_id=catalog.DEMO_BY_KEY["near-upgrade"].user_id,
        program_id=catalog.REWARDS_PROGRAM_ID,
    )
    assert membership.tier.name == "Gold"
    assert membership.cumulative_purchases / 75_000 == pytest.approx(0.96)


def test_it_merges_the_merged_demo_into_the_survivor():
    merged = Customer.objects.get(user_id=catalog.DEMO_BY_KEY["merged"].user_id)
    assert merged.merged_into_id == catalog.DEMO_BY_KEY["survivor"].user_id


def test_it_creates_the_tills_of_the_notes():
    assert Till.objects.get(code="sandbox.till").can_read_customers
    assert not Till.objects.get(code="noread.till").can_read_customers


def test_it_spreads_members_over_every_tier_fraud_status_and_script():
    generated = Customer.objects.filter(user_id__gte=FIRST_GENERATED_USER_ID)
    assert set(generated.values_list("fraud_status", flat=True)) == set(FraudStatus)
    tiers = set(
        Membership.objects.filter(customer__in=generated).values_list("program_id", "tier__serial")
    )
    assert tiers == {(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3)}
    names = "".join(generated.values_list("firstname", flat=True))
    assert re.search(r"[\u0600-\u06ff]", names)  # Arabic
    assert re.search(r"[\u4e00-\u9fff]", names)  # Chinese
    assert re.search(r"Budi|Agus|Eko|Siti|Dewi|Putri|Rizky|Ayu", names)  # Indonesian
    assert re.search(r"Aarav|Emma|Kabir|Saanvi|James|Sophia|Kavya|Anika|Ishaan|Olivia", names)
    assert generated.filter(pii_deleted=True).exists()
    assert generated.filter(merged_into__isnull=False).exists()


def test_it_gives_the_first_generated_member_300_coupons_for_the_benchmark():
    assert Coupon.objects.filter(customer_id=FIRST_GENERATED_USER_ID).count() == BENCH_COUPONS


def test_it_generates_transactions_of_several_types_across_several_stores():
    transactions = Transaction.objects.all()
    assert transactions.values("type").distinct().count() >= 3
    assert transactions.filter(type=TransactionType.REGULAR).exists()
    assert transactions.values("store").distinct().count() >= 3
    assert TierChange.objects.exists()


def test_it_never_gives_a_generated_member_a_demo_identifier():
    generated = Customer.objects.filter(user_id__gte=FIRST_GENERATED_USER_ID)
    assert not generated.filter(email__endswith="@example.com").exists()
    for demo in catalog.DEMO_IDENTITIES:
        assert not generated.filter(mobile=demo.mobile).exists()
        assert not generated.filter(external_id=demo.external_id).exists()
        assert not Card.objects.filter(
            customer__in=generated, card_number=demo.card_number
        ).exists()


def test_it_makes_points_expire_within_the_next_12_months():
    today = timezone.localdate()
    dates = PointsExpiry.objects.values_list("expiry_date", flat=True)
    assert dates
    assert all(today < day <= today + timedelta(days=366) for day in dates)


def test_it_keeps_loyalty_points_equal_to_the_lots_that_will_expire():
    for membership in Membership.objects.all()[:40]:
        lots = PointsExpiry.objects.filter(
            customer_id=membership.customer_id, program_id=membership.program_id
        )
        assert sum(lot.points for lot in lots) == membership.loyalty_points


def test_it_keeps_rewards_tiers_consistent_with_their_purchase_thresholds():
    bounds = {1: (0, 25_000), 2: (25_000, 75_000), 3: (75_000, 200_000)}
    for membership in Membership.objects.filter(program_id=catalog.REWARDS_PROGRAM_ID):
        low, high = bounds.get(membership.tier.serial, (200_000, 10**9))
        assert low <= membership.cumulative_purchases < high
