"""What to generate: one plan per member, drawn from the seed in a fixed order.

A plan holds the decisions that shape a member (script, tiers, fraud status, how many coupons,
the anomalies); members.py turns it into rows and draws the details (dates, amounts) from the
same `random.Random` as it goes. The demo identities use their own fixed seed, so they are the
same whatever the seed.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from membercare.sandbox import catalog
from membercare.sandbox.catalog import DemoIdentity
from membercare.sandbox.models import Fault, FraudStatus
from membercare.sandbox.names import ARABIC, CHINESE, LATIN, REGIONS, Name, Region

DEMO_SEED: Final = 20240601
FIRST_GENERATED_USER_ID: Final = 100_000_001  # far from the demo ids (50,000,0xx)
BENCH_COUPONS: Final = 300  # the first generated member has this many (scripts/bench_sandbox.py)

REGION_WEIGHTS: Final = (60, 15, 12, 13)  # latin, indonesian, arabic, chinese

FRAUD_WEIGHTS: Final = {
    FraudStatus.NONE: 940,
    FraudStatus.MARKED: 20,
    FraudStatus.CONFIRMED: 10,
    FraudStatus.RECONFIRMED: 5,
    FraudStatus.NOT_FRAUD: 15,
    FraudStatus.INTERNAL: 10,
}
# Most members sit in the lowest tiers; a few reach the top.
REWARDS_TIER_WEIGHTS: Final = (55, 28, 13, 4)
DINING_TIER_WEIGHTS: Final = (60, 30, 10)
DINING_ENROLMENT: Final = 0.6
PII_DELETED_SHARE: Final = 0.003
MERGED_SHARE: Final = 0.002
# The first generated members cycle through every script, tier and fraud status, so that even a
# tiny seed (the tests use 60) shows the whole spread.
FORCED_SPREAD: Final = 24
FORCED_PII_DELETED: Final = 12
FORCED_MERGED: Final = 15


@dataclass
class MemberPlan:
    """The decisions about one member; `MemberWriter.add_member` turns them into rows."""

    user_id: int
    name: Name
    region: Region
    mobile: str | None
    email: str | None
    external_id: str
    card_number: str
    card_external_id: str
    tiers: dict[int, int]  # program id -> tier serial
    fraud: FraudStatus = FraudStatus.NONE
    fault: Fault = Fault.NONE
    pii_deleted: bool = False
    merged_into: int | None = None
    restricted: bool = False
    points_unavailable: bool = False
    coupons: int = 0
    near_upgrade: bool = False
    extra_card: bool = False
    points_showcase: bool = False  # promotions, delayed points and a long history, always


def weighted[T](rng: random.Random, choices: Iterable[tuple[T, int]]) -> T:
    """One of the (value, weight) `choices`, drawn with `rng`."""
    items = list(choices)
    return rng.choices([c for c, _ in items], weights=[w for _, w in items])[0]


def _coupon_count(rng: random.Random) -> int:
    """Skewed: most members hold a few coupons, some dozens, a rare few up to 300."""
    roll = rng.random()
    if roll < 0.60:
        return rng.randint(0, 3)
    if roll < 0.90:
        return rng.randint(4, 8)
    if roll < 0.98:
        return rng.randint(9, 30)
    if roll < 0.997:
        return rng.randint(31, 120)
    return rng.randint(121, BENCH_COUPONS)


def plan_generated(rng: random.Random, index: int) -> MemberPlan:
    """Member number `index` (0-based) of a seed; identifiers derive from its user id only."""
    user_id = FIRST_GENERATED_USER_ID + index
    forced = index < FORCED_SPREAD
    region = (
        REGIONS[index % len(REGIONS)]
        if forced
        else weighted(rng, zip(REGIONS, REGION_WEIGHTS, strict=True))
    )
    first, roman_first, gender = rng.choice(region.first_names)
    last, roman_last = rng.choice(region.last_names)
    name = Name(first, last, f"{roman_first}.{roman_last}", gender)
    tiers = {
        catalog.REWARDS_PROGRAM_ID: (index % 4) + 1
        if forced
        else weighted(rng, zip((1, 2, 3, 4), REWARDS_TIER_WEIGHTS, strict=True))
    }
    if forced or rng.random() < DINING_ENROLMENT:
        tiers[catalog.DINING_PROGRAM_ID] = (
            (index % 3) + 1
            if forced
            else weighted(rng, zip((1, 2, 3), DINING_TIER_WEIGHTS, strict=True))
        )
    statuses = list(FraudStatus)
    fraud = statuses[index % len(statuses)] if forced else weighted(rng, FRAUD_WEIGHTS.items())
    prefix = region.country_code + region.mobile_prefix
    plan = MemberPlan(
        user_id=user_id,
        name=name,
        region=region,
        # Generated prefixes (917, 628, 97155, 86139) never start a demo mobile (9198..., 97150...,
        # 86138...), and generated e-mails use example.org where the demo ones use example.com.
        mobile=f"{prefix}{index:0{region.mobile_length - len(prefix)}d}",
        email=None if rng.random() < 0.08 else f"{name.roman}.{index}@example.org",
        external_id=f"AUR{user_id}",
        card_number=f"72{user_id:014d}",
        card_external_id=catalog.card_external_id_for(user_id),
        tiers=tiers,
        fraud=fraud,
        coupons=BENCH_COUPONS if index == 0 else _coupon_count(rng),
        extra_card=rng.random() < 0.1,
    )
    if index == FORCED_PII_DELETED or (not forced and rng.random() < PII_DELETED_SHARE):
        plan.pii_deleted = True
    elif index == FORCED_MERGED or (not forced and rng.random() < MERGED_SHARE):
        plan.merged_into = user_id - 1  # the member generated just before (see generated_plans)
    return plan


def generated_plans(count: int, rng: random.Random) -> Iterator[MemberPlan]:
    """The seed's `count` members in order, each planned only once the previous one is taken.

    The writer draws from the same `rng` between two plans, so this must stay lazy: planning
    ahead would change every member after the first.
    """
    previous: MemberPlan | None = None
    for index in range(count):
        plan = plan_generated(rng, index)
        if plan.merged_into and (previous is None or previous.pii_deleted or previous.merged_into):
            plan.merged_into = None  # only ever merge into a live account
        yield plan
        previous = plan


def plan_demo(demo: DemoIdentity, rng: random.Random) -> MemberPlan:
    region = {"arabic": ARABIC, "chinese": CHINESE}.get(demo.key, LATIN)
    survivor = catalog.DEMO_BY_KEY.get(demo.merged_into)
    return MemberPlan(
        user_id=demo.user_id,
        name=Name(demo.firstname, demo.lastname, demo.key, rng.choice(("Male", "Female"))),
        region=region,
        mobile=demo.mobile,
        email=demo.email,
        external_id=demo.external_id,
        card_number=demo.card_number,
        card_external_id=demo.card_external_id,
        tiers={
            catalog.REWARDS_PROGRAM_ID: demo.tiers[0],
            catalog.DINING_PROGRAM_ID: demo.tiers[1],
        },
        fraud=demo.fraud,
        fault=demo.fault,
        pii_deleted=demo.pii_deleted,
        merged_into=survivor.user_id if survivor else None,
        restricted=demo.restricted,
        points_unavailable=demo.points_unavailable,
        coupons=demo.coupons if demo.coupons is not None else rng.randint(3, 8),
        near_upgrade=demo.key == "near-upgrade",
        points_showcase=demo.points_showcase,
    )
