"""Member writers: a member's plan becomes its rows.

The profile and cards, then for a live account its memberships (tier, points lots, tier
history, promotion points), coupons, transactions and profile fields. The details are drawn
from the seed's one `random.Random` in the order written here, so reordering two calls changes
every member after them. Dates are anchored to the run's day, so that expiries always fall in
the next 12 months.
"""

import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from membercare.sandbox import catalog
from membercare.sandbox.catalog import DEMO_IDENTITIES
from membercare.sandbox.generator.plans import (
    DEMO_SEED,
    MemberPlan,
    generated_plans,
    plan_demo,
    weighted,
)
from membercare.sandbox.generator.rows import Rows
from membercare.sandbox.models import (
    Card,
    Coupon,
    Customer,
    CustomField,
    DelayedPoints,
    ExpiredPoints,
    ExtendedField,
    FraudStatus,
    Membership,
    PointsExpiry,
    PromotionPoints,
    Subscription,
    TierChange,
    TierChangeType,
    TrackerPurchase,
    Transaction,
    TransactionType,
    UpgradeBasis,
)

CHUNK: Final = 2000  # members per flush: bounds memory while keeping batches large

# (series id, description, created_by, validity days, same user may redeem several times)
COUPON_SERIES: Final = (
    (19290, "Welcome 10% off", "campaign.welcome", 60, False),
    (19291, "Birthday treat", "campaign.birthday", 30, False),
    (19292, "Free coffee", "store.counter", 14, True),
    (19293, "Flat 500 off on 5000", "campaign.festive", 45, False),
    (19294, "Tier upgrade gift", "loyalty.engine", 90, False),
    (19295, "Weekend double points", "loyalty.engine", 7, True),
    (19296, "Dining: free dessert", "campaign.dining", 30, False),
    (19297, "We miss you: 20% off", "campaign.winback", 21, False),
)
TENDER_MODES: Final = ("CARD", "CASH", "UPI", "WALLET", "POINTS")
TRANSACTION_TYPES: Final = (
    (TransactionType.REGULAR, 80),
    (TransactionType.RETURN, 7),
    (TransactionType.NOT_INTERESTED, 6),
    (TransactionType.NOT_INTERESTED_RETURN, 2),
    (TransactionType.MIXED, 3),
    (TransactionType.NI_MIXED, 2),
)
# Not-interested bills (and their returns and mixed bills) earn no points.
NOT_INTERESTED_TYPES: Final = frozenset(
    {
        TransactionType.NOT_INTERESTED,
        TransactionType.NOT_INTERESTED_RETURN,
        TransactionType.NI_MIXED,
    }
)
OCCUPATIONS: Final = ("Engineer", "Teacher", "Designer", "Doctor", "Student", "Chef", "Retired")


@dataclass
class MemberWriter:
    """Writes members' rows into `rows`, flushing them every CHUNK members."""

    rows: Rows
    anchor: date
    members: int = 0

    def __post_init__(self) -> None:
        tz = timezone.get_current_timezone()
        self.midnight = datetime.combine(self.anchor, datetime.min.time(), tzinfo=tz)
        self.tiers = {
            (program.id, tier.serial): tier
            for program in catalog.PROGRAMS
            for tier in program.tiers
        }
        self.top_serial = {program.id: len(program.tiers) for program in catalog.PROGRAMS}

    # Dates: the past is "before today's midnight", the future "after it".
    def past(
        self, rng: random.Random, *, within_days: int, after: datetime | None = None
    ) -> datetime:
        earliest = self.midnight - timedelta(days=within_days)
        if after is not None and after > earliest:
            earliest = after
        span = max(int((self.midnight - earliest).total_seconds()), 1)
        return earliest + timedelta(seconds=rng.randrange(span))

    def future_day(self, rng: random.Random, *, within_days: int = 365) -> date:
        return self.anchor + timedelta(days=rng.randint(1, within_days))

    def end_of_day(self, day: date) -> datetime:
        return self.midnight + timedelta(
            days=(day - self.anchor).days, hours=23, minutes=59, seconds=59
        )

    def add_demo_identities(self) -> None:
        rng = random.Random(DEMO_SEED)
        for demo in DEMO_IDENTITIES:
            self.add_member(plan_demo(demo, rng), rng)
        self.rows.flush()

    def add_generated(self, count: int, rng: random.Random) -> None:
        for index, plan in enumerate(generated_plans(count, rng), start=1):
            self.add_member(plan, rng)
            if index % CHUNK == 0:
                self.rows.flush()

    def add_member(self, plan: MemberPlan, rng: random.Random) -> None:
        self.members += 1
        registered_on = self.past(rng, within_days=rng.randint(200, 3650))
        home_store = rng.choice(plan.region.store_ids)
        deleted = plan.pii_deleted
        self.rows.add(
            Customer,
            user_id=plan.user_id,
            firstname="" if deleted else plan.name.first,
            lastname="" if deleted else plan.name.last,
            mobile=plan.mobile,
            email=plan.email,
            external_id=plan.external_id,
            gender="" if deleted else plan.name.gender,
            registered_on=registered_on,
            updated_on=self.past(rng, within_days=180, after=registered_on),
            registered_store_id=home_store,
            registered_till_id=100 + home_store,
            registered_by=f"{catalog.STORES[home_store - 1].code}.till01",
            type="LOYALTY",
            source="ecommerce" if home_store == catalog.API_STORE_ID else "instore",
            ndnc_status=weighted(rng, (("NONE", 85), ("NDNC", 15))),
            optin_status=weighted(rng, (("OPTIN", 70), ("OPTOUT", 10), ("NONE", 20))),
            **self.fraud_fields(plan.fraud, rng, registered_on),
            pii_deleted=deleted,
            merged_into_id=plan.merged_into,
            fault=plan.fault,
            permission_restricted=plan.restricted,
            points_unavailable=plan.points_unavailable,
        )
        self.add_cards(plan, rng, registered_on)
        if deleted or plan.merged_into:
            return  # a deleted or merged account is only ever answered with its code
        for program_id, serial in plan.tiers.items():
            self.add_membership(plan, program_id, serial, rng, registered_on, home_store)
        self.add_coupons(plan, rng, registered_on)
        self.add_transactions(plan, rng, registered_on, home_store)
        self.add_profile_fields(plan, rng, home_store)

    def fraud_fields(
        self, status: FraudStatus, rng: random.Random, registered_on: datetime
    ) -> dict[str, Any]:
        if status == FraudStatus.NONE:
            return {"fraud_status": status}
        reasons = {
            FraudStatus.MARKED: "Unusual redemption pattern",
            FraudStatus.CONFIRMED: "Points transferred from cloned cards",
            FraudStatus.RECONFIRMED: "Repeated coupon abuse after warning",
            FraudStatus.NOT_FRAUD: "Reviewed: genuine bulk purchases",
            FraudStatus.INTERNAL: "Staff test account",
        }
        return {
            "fraud_status": status,
            "fraud_marked_by": rng.choice(("risk.team", "store.manager", "fraud.engine")),
            "fraud_modified_on": self.past(rng, within_days=120, after=registered_on),
            "fraud_reason": reasons[status],
        }

    def add_cards(self, plan: MemberPlan, rng: random.Random, registered_on: datetime) -> None:
        self.rows.add(
            Card,
            customer_id=plan.user_id,
            card_number=plan.card_number,
            card_external_id=plan.card_external_id,
            series_name="Aurora Rewards Card",
            status="ACTIVE",
            issued_on=registered_on,
            expiry_date=self.end_of_day(self.future_day(rng, within_days=1500)),
        )
        if plan.extra_card:
            # An older card the member replaced: a second pair of identifiers for the same member.
            self.rows.add(
                Card,
                customer_id=plan.user_id,
                card_number=f"73{plan.user_id:014d}",
                card_external_id=f"{plan.card_external_id}-OLD",
                series_name="Aurora Classic Card",
                status=rng.choice(("INACTIVE", "SUSPENDED")),
                issued_on=registered_on,
                expiry_date=self.past(rng, within_days=90, after=registered_on),
            )

    def add_membership(
        self,
        plan: MemberPlan,
        program_id: int,
        serial: int,
        rng: random.Random,
        registered_on: datetime,
        home_store: int,
    ) -> None:
        values = _membership_values(rng, program_id, serial, near_upgrade=plan.near_upgrade)
        tier = self.tiers[(program_id, serial)]
        expiry = (
            self.end_of_day(self.future_day(rng))
            if tier.validity_months
            else self.end_of_day(self.anchor.replace(year=self.anchor.year + 100))
        )
        self.add_tracker_purchases(plan, program_id, values, rng)
        delayed = rng.choice((0, 0, 0, rng.randint(10, 400)))
        if plan.points_showcase:
            delayed = rng.randint(120, 400)
        self.rows.add(
            Membership,
            customer_id=plan.user_id,
            program_id=program_id,
            tier_id=tier.id,
            tier_expiry_date=expiry,
            delayed_points=delayed,
            **values,
        )
        self.add_delayed_points(plan.user_id, program_id, delayed, rng)
        self.add_points_lots(plan.user_id, program_id, values, rng)
        self.add_tier_history(
            plan.user_id, program_id, serial, rng, registered_on, home_store, expiry
        )
        if plan.points_showcase or rng.random() < 0.3:
            for _ in range(rng.randint(2, 3) if plan.points_showcase else rng.randint(1, 2)):
                issued = self.past(rng, within_days=300, after=registered_on).date()
                self.rows.add(
                    PromotionPoints,
                    customer_id=plan.user_id,
                    program_id=program_id,
                    transaction_id=None,
                    points=rng.randint(20, 500),
                    issued_on=issued,
                    expiry_date=self.future_day(rng),
                    store_id=home_store,
                )

    def add_tracker_purchases(
        self, plan: MemberPlan, program_id: int, values: dict[str, Any], rng: random.Random
    ) -> None:
        """Each tracker's value as dated purchases inside its window, so that its value on a
        later day (gap_to_upgrade_for) is what is left of them then: a moving window loses the
        oldest ones, a calendar cycle starts again from nothing on 1 January.

        A moving window's first purchase is one of its oldest, so the gap moves within the next
        two months (for the showcase demos within 20 days: "in 30 days" shows it).
        """
        program = next(p for p in catalog.PROGRAMS if p.id == program_id)
        rules = {
            rule.tracker[0]: rule.tracker
            for tier in program.tiers
            for rule in tier.upgrade
            if rule.based_on == UpgradeBasis.TRACKER_VALUE_BASED and rule.tracker
        }
        for tier in program.tiers:  # renewals count trackers too (the same ones, in catalog.py)
            for _, _, *tracked in tier.renewal:
                if tracked:
                    rules.setdefault(tracked[0][0], tracked[0])
        trackers = values["tracker_values"]
        for name, (_, _, mode, _, _, period) in rules.items():
            if mode == "MOVING_WINDOW":
                oldest = (
                    period - 20 if plan.points_showcase else rng.randint(period - 60, period - 1)
                )
                days_ago = [oldest]
                newest_span = period - 1
            else:  # a calendar year: from 1 January to yesterday
                newest_span = (self.anchor - self.anchor.replace(month=1, day=1)).days
                if newest_span < 1:
                    trackers[name] = 0  # 1 January: the cycle has only just begun
                    continue
                days_ago = [rng.randint(1, newest_span)]
            amounts = list(_split(trackers.get(name, 0), rng.randint(3, 8), rng))
            days_ago += [rng.randint(1, newest_span) for _ in amounts[1:]]
            for amount, ago in zip(amounts, days_ago, strict=False):
                self.rows.add(
                    TrackerPurchase,
                    customer_id=plan.user_id,
                    program_id=program_id,
                    tracker_name=name,
                    amount=amount,
                    purchased_on=self.anchor - timedelta(days=ago),
                )

    def add_delayed_points(
        self, user_id: int, program_id: int, delayed: int, rng: random.Random
    ) -> None:
        """Delayed accrual: points earned in the last 2 weeks, released within the next 30 days."""
        for points in _split(delayed, rng.randint(1, 3), rng):
            earned = self.anchor - timedelta(days=rng.randint(1, 14))
            self.rows.add(
                DelayedPoints,
                customer_id=user_id,
                program_id=program_id,
                points=points,
                earned_on=earned,
                release_on=self.anchor + timedelta(days=rng.randint(1, 30)),
                bill_number=f"BILL-D{user_id % 100_000:05d}{rng.randint(100, 999)}",
            )

    def add_points_lots(
        self, user_id: int, program_id: int, values: dict[str, Any], rng: random.Random
    ) -> None:
        # Loyalty points are split into lots expiring over the next 12 months (they add up exactly).
        for points in _split(values["loyalty_points"], rng.randint(1, 4), rng):
            self.rows.add(
                PointsExpiry,
                customer_id=user_id,
                program_id=program_id,
                points=points,
                expiry_date=self.future_day(rng),
            )
        for points in _split(values["expired_points"], rng.randint(1, 3), rng):
            self.rows.add(
                ExpiredPoints,
                customer_id=user_id,
                program_id=program_id,
                points=points,
                expired_on=self.past(rng, within_days=700).date(),
            )

    def add_tier_history(
        self,
        user_id: int,
        program_id: int,
        serial: int,
        rng: random.Random,
        registered_on: datetime,
        home_store: int,
        expiry: datetime,
    ) -> None:
        """Upgrades one step at a time to the current tier, sometimes a renewal or a downgrade."""
        names = {
            s: self.tiers[(program_id, s)].name for s in range(1, self.top_serial[program_id] + 1)
        }
        changes: list[tuple[int, int, str]] = [
            (s - 1, s, TierChangeType.UPGRADE) for s in range(2, serial + 1)
        ]
        if serial >= 2 and rng.random() < 0.3:
            changes.append((serial, serial, TierChangeType.RENEW))
        if serial < self.top_serial[program_id] and rng.random() < 0.1:
            changes += [
                (serial, serial + 1, TierChangeType.UPGRADE),
                (serial + 1, serial, TierChangeType.DOWNGRADE),
            ]
            changes.sort(key=lambda c: c[2] == TierChangeType.DOWNGRADE)
        moments = sorted(self.past(rng, within_days=3650, after=registered_on) for _ in changes)
        previous_expiry: datetime | None = None
        for (source, target, kind), moment in zip(changes, moments, strict=True):
            target_expiry = expiry if moment == moments[-1] else moment + timedelta(days=365)
            self.rows.add(
                TierChange,
                customer_id=user_id,
                program_id=program_id,
                from_tier=names[source],
                to_tier=names[target],
                change_type=kind,
                changed_on=moment,
                store_id=home_store,
                notes={
                    "UPGRADE": "Upgraded by the tier engine",
                    "RENEW": "Renewed at tier review",
                    "DOWNGRADE": "Criteria not met at expiry",
                }[kind],
                from_tier_expiry_date=previous_expiry,
                to_tier_expiry_date=target_expiry,
            )
            previous_expiry = target_expiry

    def add_coupons(self, plan: MemberPlan, rng: random.Random, registered_on: datetime) -> None:
        span_days = max((self.midnight - registered_on).days, 1)
        alphabet = string.ascii_uppercase + string.digits
        for _ in range(plan.coupons):
            series_id, description, created_by, validity, multiple = rng.choice(COUPON_SERIES)
            # Skewed to recent issues, so that active, expired and redeemed coupons all show up.
            created = self.midnight - timedelta(
                seconds=int(rng.random() ** 2 * span_days * 86400) + 1
            )
            valid_till = (created + timedelta(days=validity)).replace(hour=23, minute=59, second=59)
            self.rows.add(
                Coupon,
                customer_id=plan.user_id,
                series_id=series_id,
                code="".join(rng.choices(alphabet, k=8)),
                description=description,
                created_date=created,
                created_by=created_by,
                valid_till=valid_till,
                redeemed=rng.random() < 0.35,
                same_user_multiple_redeem=multiple,
            )

    def add_transactions(
        self, plan: MemberPlan, rng: random.Random, registered_on: datetime, home_store: int
    ) -> None:
        count = min(int(rng.expovariate(1 / 6)), 25)
        if plan.points_showcase:
            count = max(count, 14)  # a long points history: bills that earned and spent points
        bill_promotion = plan.points_showcase  # one bill-level promotion for the showcase demos
        for _ in range(count):
            store_id = home_store if rng.random() < 0.7 else rng.choice(plan.region.store_ids)
            kind = weighted(rng, TRANSACTION_TYPES)
            amount = Decimal(rng.randint(20_000, 2_000_000)) / 100
            discount = (amount * Decimal(rng.choice((0, 0, 5, 10))) / 100).quantize(Decimal("0.01"))
            returned = "RETURN" in kind
            earns = not returned and kind not in NOT_INTERESTED_TYPES
            row_id = self.rows.next_id(Transaction)
            split = (amount / 2).quantize(Decimal("0.01"))
            tenders = (
                [{"mode": rng.choice(TENDER_MODES), "value": str(amount)}]
                if rng.random() < 0.8
                else [
                    {"mode": "CARD", "value": str(split)},
                    {"mode": "POINTS", "value": str(amount - split)},
                ]
            )
            created = self.past(rng, within_days=720, after=registered_on)  # same draw order
            self.rows.add(
                Transaction,
                id=row_id,
                customer_id=plan.user_id,
                number=f"BILL-{row_id}",
                type=kind,
                created_date=created,
                store_id=store_id,
                till_id=100 + store_id,
                amount=amount,
                gross_amount=amount + discount,
                discount=discount,
                points_issued=int(amount // 10) if earns else 0,
                points_redeemed=rng.choice((0, 0, 0, rng.randint(50, 500))),
                notes="Returned at counter" if returned else "",
                tenders=tenders,
                credit_note_number=f"CN-{row_id}" if returned else "",
            )
            if bill_promotion and earns:
                bill_promotion = False
                self.rows.add(
                    PromotionPoints,
                    customer_id=plan.user_id,
                    program_id=catalog.REWARDS_PROGRAM_ID,
                    transaction_id=row_id,
                    points=int(amount // 20),  # "half as much again" on this bill
                    issued_on=timezone.localtime(created).date(),
                    expiry_date=self.future_day(rng),
                    store_id=store_id,
                )

    def add_profile_fields(self, plan: MemberPlan, rng: random.Random, home_store: int) -> None:
        self.rows.add(
            CustomField, customer_id=plan.user_id, name="occupation", value=rng.choice(OCCUPATIONS)
        )
        if rng.random() < 0.5:
            self.rows.add(
                CustomField,
                customer_id=plan.user_id,
                name="referral_code",
                value=f"REF{rng.randint(10_000, 99_999)}",
            )
        values = {
            1: catalog.STORES[home_store - 1].code,
            2: rng.choice(("SINGLE", "MARRIED")),
            4: plan.region.language,
        }
        if plan.name.gender:
            values[catalog.GENDER_FIELD_ID] = plan.name.gender
        if catalog.DINING_PROGRAM_ID in plan.tiers:
            values[3] = rng.choice(("VEGETARIAN", "NON_VEGETARIAN", "VEGAN", "HALAL"))
        for definition_id, value in sorted(values.items()):
            self.rows.add(
                ExtendedField, customer_id=plan.user_id, definition_id=definition_id, value=value
            )
        channels = [("SMS", "TRANS"), ("SMS", "BULK"), ("EMAIL", "BULK")]
        channels += rng.sample([("WHATSAPP", "BULK"), ("PUSH", "TRANS")], k=rng.randint(0, 2))
        for channel, priority in channels:
            self.rows.add(
                Subscription,
                customer_id=plan.user_id,
                channel=channel,
                priority=priority,
                status="SUBSCRIBED" if rng.random() < 0.8 else "UNSUBSCRIBED",
                updated_on=self.past(rng, within_days=400),
            )


def _split(total: int, parts: int, rng: random.Random) -> Iterator[int]:
    """`total` as up to `parts` positive integers that add up to it (nothing for 0)."""
    if total <= 0:
        return
    parts = min(parts, total)
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    previous = 0
    for cut in [*cuts, total]:
        yield cut - previous
        previous = cut


def _membership_values(
    rng: random.Random, program_id: int, serial: int, *, near_upgrade: bool
) -> dict[str, Any]:
    """Numbers consistent with the tier: enough for it, not enough for the next one."""
    builders: dict[int, Callable[[random.Random, int], tuple[int, int, dict[str, int]]]] = {
        catalog.REWARDS_PROGRAM_ID: _rewards_standing,
        catalog.DINING_PROGRAM_ID: _dining_standing,
    }
    purchases, loyalty, trackers = builders[program_id](rng, serial)
    if near_upgrade and program_id == catalog.REWARDS_PROGRAM_ID:
        purchases = catalog.NEAR_UPGRADE_PURCHASES
        trackers = {catalog.TWO_YEAR_TRACKER[0]: purchases // 2}
    redeemed = rng.randint(0, loyalty)
    expired = rng.randint(0, loyalty // 4)
    returned = rng.choice((0, 0, rng.randint(0, 200)))
    adjusted = rng.choice((0, 0, 0, rng.randint(-100, min(300, loyalty))))
    return {
        "lifetime_points": loyalty + redeemed + expired + returned - adjusted,
        "loyalty_points": loyalty,
        "redeemed_points": redeemed,
        "expired_points": expired,
        "returned_points": returned,
        "adjusted_points": adjusted,
        "cumulative_purchases": purchases,
        "period_purchases": rng.randint(0, min(purchases, 180_000)),
        "visits": rng.randint(0, 30),
        "tracker_values": trackers,
    }


def _rewards_standing(rng: random.Random, serial: int) -> tuple[int, int, dict[str, int]]:
    """Silver < 25k purchases <= Gold < 75k <= Platinum; Diamond: (200k AND 20k pts) OR tracker."""
    bounds = {1: (0, 24_999), 2: (25_000, 74_999), 3: (75_000, 199_999), 4: (200_000, 600_000)}
    purchases = rng.randint(*bounds[serial])
    loyalty = rng.randint(20_000, 60_000) if serial == 4 else rng.randint(0, purchases // 10 + 50)
    tracker_cap = 500_000 if serial == 4 else 249_999  # below C's threshold unless Diamond
    tracker = min(rng.randint(purchases // 3, purchases), tracker_cap)
    return purchases, loyalty, {catalog.TWO_YEAR_TRACKER[0]: tracker}


def _dining_standing(rng: random.Random, serial: int) -> tuple[int, int, dict[str, int]]:
    """Member < 2,000 points <= Insider; Elite: a year's dining spend of 50,000 or more."""
    purchases = rng.randint(*{1: (0, 19_999), 2: (10_000, 59_999), 3: (50_000, 150_000)}[serial])
    loyalty = rng.randint(0, 1_999) if serial == 1 else rng.randint(2_000, 9_000)
    spend = (
        rng.randint(50_000, purchases) if serial == 3 else rng.randint(0, min(purchases, 49_999))
    )
    return purchases, loyalty, {catalog.DINING_TRACKER[0]: spend}
