"""Fill the sandbox database with members: deterministic for a given (customers, seed).

One `random.Random(seed)` drives every generated member in a fixed order; the demo identities use
their own fixed seed so they are the same whatever the seed. Only dates depend on the day of the
run: they are anchored to today's midnight so that expiries always fall in the next 12 months.
Everything happens inside one transaction. Member rows are written in chunks with one
`executemany` per table: bulk_create spent about 70% of the seeding time compiling its INSERTs and
building model instances (measured with cProfile), which is why the member tables bypass it.
Every primary key is assigned here, so the same seed gives the same ids on every backend.
"""

import random
import string
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Final

from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from membercare.sandbox import catalog
from membercare.sandbox.catalog import DEMO_IDENTITIES, DemoIdentity
from membercare.sandbox.data import forget_catalog
from membercare.sandbox.models import (
    Card,
    Coupon,
    Customer,
    CustomField,
    ExpiredPoints,
    ExtendedField,
    ExtendedFieldDefinition,
    Fault,
    FraudStatus,
    Membership,
    PointsExpiry,
    Program,
    PromotionPoints,
    RenewalStrategy,
    SeedRun,
    Store,
    Subscription,
    Tier,
    TierChange,
    TierChangeType,
    Till,
    Transaction,
    TransactionType,
    UpgradeStrategy,
)
from membercare.sandbox.names import ARABIC, CHINESE, LATIN, REGIONS, Name, Region
from membercare.sandbox.routers import SANDBOX_DB

# Bump when the generated data changes shape: a re-seed with the same (N, S) then regenerates.
GENERATOR_VERSION: Final = 2
DEMO_SEED: Final = 20240601
CHUNK: Final = 2000  # members per flush: bounds memory while keeping batches large
FIRST_GENERATED_USER_ID: Final = 100_000_001  # far from the demo ids (50,000,0xx)
BENCH_COUPONS: Final = 300  # the first generated member has this many (scripts/bench_sandbox.py)

# Children before parents, so that wiping in reverse creation order never orphans a row.
MODELS_IN_CREATION_ORDER: Final[tuple[type[models.Model], ...]] = (
    Program,
    Tier,
    UpgradeStrategy,
    RenewalStrategy,
    Store,
    Till,
    ExtendedFieldDefinition,
    Customer,
    Card,
    Membership,
    Coupon,
    Transaction,
    PointsExpiry,
    ExpiredPoints,
    PromotionPoints,
    TierChange,
    CustomField,
    ExtendedField,
    Subscription,
    SeedRun,
)


@dataclass(frozen=True)
class SeedResult:
    seeded: bool  # False when the database already held exactly this seed
    customers: int
    seed: int
    members: int
    seconds: float


def seed_sandbox(
    *, customers: int, seed: int, reset: bool = False, using: str = SANDBOX_DB
) -> SeedResult:
    """Generate `customers` members (plus the demo identities) unless they are already there."""
    previous = SeedRun.objects.using(using).filter(pk=1).first()
    if (
        not reset
        and previous is not None
        and (previous.customers, previous.seed, previous.generator_version)
        == (customers, seed, GENERATOR_VERSION)
    ):
        return SeedResult(False, customers, seed, previous.members, previous.seconds)

    started = time.perf_counter()
    anchor = timezone.localdate()
    with transaction.atomic(using=using):
        _wipe(using)
        _write_catalog(using)
        writer = _Writer(using, anchor)
        writer.add_demo_identities()
        writer.add_generated(customers, random.Random(seed))
        writer.flush()
        seconds = time.perf_counter() - started
        SeedRun.objects.using(using).create(
            customers=customers,
            seed=seed,
            generator_version=GENERATOR_VERSION,
            anchor_date=anchor,
            seconds=seconds,
            members=writer.members,
        )
        _reset_sequences(using)
    forget_catalog()  # this process may have cached the previous one
    return SeedResult(True, customers, seed, writer.members, seconds)


def _wipe(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        # Rows written earlier in the same transaction (a second seed inside one test) leave
        # deferred foreign-key checks pending, and PostgreSQL will not TRUNCATE a table with
        # pending trigger events: run those checks now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    tables = [model._meta.db_table for model in reversed(MODELS_IN_CREATION_ORDER)]
    # sql_flush is what `manage.py flush` uses: DELETE on SQLite, TRUNCATE on PostgreSQL.
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


def _reset_sequences(using: str) -> None:
    """Ids were assigned here: move PostgreSQL's sequences past them (a no-op on SQLite)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS_IN_CREATION_ORDER))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _write_catalog(using: str) -> None:
    programs, tiers, upgrades, renewals = [], [], [], []
    for spec in catalog.PROGRAMS:
        programs.append(
            Program(
                id=spec.id,
                name=spec.name,
                description=spec.description,
                points_to_currency_ratio=spec.points_to_currency_ratio,
                is_default=spec.is_default,
            )
        )
        for tier in spec.tiers:
            tiers.append(
                Tier(
                    id=tier.id,
                    program_id=spec.id,
                    serial=tier.serial,
                    name=tier.name,
                    description=tier.description,
                    validity_months=tier.validity_months,
                    upgrade_expression=tier.expression,
                    upgrade_expression_relation=[list(group) for group in tier.relation],
                )
            )
            for position, rule in enumerate(tier.upgrade, start=1):
                name, kind, mode, case, period_type, period = rule.tracker or (
                    "",
                    "",
                    "",
                    "",
                    "",
                    None,
                )
                upgrades.append(
                    UpgradeStrategy(
                        id=tier.id * 10 + position,
                        tier_id=tier.id,
                        position=position,
                        based_on=rule.based_on,
                        threshold=rule.threshold,
                        tracker_name=name,
                        tracker_type=kind,
                        tracker_mode=mode,
                        tracker_case_name=case,
                        tracker_case_period_type=period_type,
                        tracker_case_period_value=period,
                    )
                )
            for position, (basis, threshold) in enumerate(tier.renewal, start=1):
                renewals.append(
                    RenewalStrategy(
                        id=tier.id * 10 + position,
                        tier_id=tier.id,
                        position=position,
                        based_on=basis,
                        threshold=threshold,
                    )
                )
    Program.objects.using(using).bulk_create(programs)
    Tier.objects.using(using).bulk_create(tiers)
    UpgradeStrategy.objects.using(using).bulk_create(upgrades)
    RenewalStrategy.objects.using(using).bulk_create(renewals)
    Store.objects.using(using).bulk_create(
        Store(id=s.id, code=s.code, name=s.name, city=s.city) for s in catalog.STORES
    )
    Till.objects.using(using).bulk_create(
        Till(
            id=t.id,
            code=t.code,
            name=t.code,
            store_id=t.store_id,
            # Counter tills get an md5 no password hashes to: nobody can sign in as them.
            password_md5=t.password_md5 if t.password else "-" * 32,
            can_read_customers=t.can_read_customers,
        )
        for t in (*catalog.API_TILLS, *catalog.COUNTER_TILLS)
    )
    ExtendedFieldDefinition.objects.using(using).bulk_create(
        ExtendedFieldDefinition(
            id=f.id,
            name=f.name,
            label_en=f.labels["en"],
            label_zh=f.labels["zh"],
            label_id=f.labels["id"],
            label_ar=f.labels["ar"],
        )
        for f in catalog.EXTENDED_FIELDS
    )


# -- What a member looks like before it becomes rows -------------------------------------------


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
OCCUPATIONS: Final = ("Engineer", "Teacher", "Designer", "Doctor", "Student", "Chef", "Retired")


@dataclass
class MemberPlan:
    """The decisions about one member; `_Writer.add_member` turns them into rows."""

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


def _weighted[T](rng: random.Random, choices: Iterable[tuple[T, int]]) -> T:
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
        else _weighted(rng, zip(REGIONS, REGION_WEIGHTS, strict=True))
    )
    first, roman_first, gender = rng.choice(region.first_names)
    last, roman_last = rng.choice(region.last_names)
    name = Name(first, last, f"{roman_first}.{roman_last}", gender)
    tiers = {
        catalog.REWARDS_PROGRAM_ID: (index % 4) + 1
        if forced
        else _weighted(rng, zip((1, 2, 3, 4), REWARDS_TIER_WEIGHTS, strict=True))
    }
    if forced or rng.random() < DINING_ENROLMENT:
        tiers[catalog.DINING_PROGRAM_ID] = (
            (index % 3) + 1
            if forced
            else _weighted(rng, zip((1, 2, 3), DINING_TIER_WEIGHTS, strict=True))
        )
    statuses = list(FraudStatus)
    fraud = statuses[index % len(statuses)] if forced else _weighted(rng, FRAUD_WEIGHTS.items())
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
        plan.merged_into = user_id - 1  # into the member generated just before (see add_generated)
    return plan


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
    )


# -- Rows ----------------------------------------------------------------------------------------


@dataclass
class _Counter:
    next_id: int

    def __call__(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


class _Table:
    """One model's INSERT statement, columns, defaults and value adapters."""

    def __init__(self, model: type[models.Model], connection: BaseDatabaseWrapper) -> None:
        fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in fields]
        self.pk = model._meta.pk.attname if model._meta.pk else "id"
        self.defaults = {f.attname: f.get_default() for f in fields}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields if f.column)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names come from the models
        self.adapters = [
            (i, adapt) for i, f in enumerate(fields) if (adapt := _adapter(f, connection))
        ]

    def row(self, values: dict[str, Any]) -> list[Any]:
        row = [values[a] if a in values else self.defaults[a] for a in self.attnames]
        for i, adapt in self.adapters:
            if row[i] is not None:
                row[i] = adapt(row[i])
        return row


def _adapter(
    model_field: "models.Field[Any, Any]", connection: BaseDatabaseWrapper
) -> Callable[[Any], Any] | None:
    """How a column's Python values become what the backend stores, or None: as they are.

    The backend's own adapters, called directly: aware datetimes become UTC strings on SQLite,
    decimals are quantized, JSON is dumped. Ints, strings and bools need nothing.
    """
    ops = connection.ops
    match model_field.get_internal_type():
        case "DateTimeField":
            return ops.adapt_datetimefield_value
        case "DateField":
            return ops.adapt_datefield_value
        case "DecimalField":
            digits, places = model_field.max_digits, model_field.decimal_places  # type: ignore[attr-defined]
            return lambda value: ops.adapt_decimalfield_value(value, digits, places)
        case "JSONField":
            return partial(model_field.get_db_prep_save, connection=connection)
    return None


@dataclass
class _Writer:
    """Accumulates rows per model and writes them in large batches."""

    using: str
    anchor: date
    members: int = 0
    rows: dict[type[models.Model], list[list[Any]]] = field(default_factory=dict)
    ids: dict[type[models.Model], _Counter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        connection = connections[self.using]
        self.tables = {model: _Table(model, connection) for model in MODELS_IN_CREATION_ORDER}
        tz = timezone.get_current_timezone()
        self.midnight = datetime.combine(self.anchor, datetime.min.time(), tzinfo=tz)
        self.tiers = {
            (program.id, tier.serial): tier
            for program in catalog.PROGRAMS
            for tier in program.tiers
        }
        self.top_serial = {program.id: len(program.tiers) for program in catalog.PROGRAMS}
        bases = {Coupon: 44_000_001, Transaction: 33_000_001}
        self.ids = {model: _Counter(bases.get(model, 1)) for model in MODELS_IN_CREATION_ORDER}

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

    def add(self, model: type[models.Model], **values: Any) -> None:
        pk = self.tables[model].pk
        if pk not in values:
            values[pk] = self.ids[model]()
        self.rows.setdefault(model, []).append(self.tables[model].row(values))

    def flush(self) -> None:
        with connections[self.using].cursor() as cursor:
            for model in MODELS_IN_CREATION_ORDER:
                batch = self.rows.pop(model, None)
                if batch:
                    cursor.executemany(self.tables[model].sql, batch)

    # -- members --------------------------------------------------------------------------------

    def add_demo_identities(self) -> None:
        rng = random.Random(DEMO_SEED)
        for demo in DEMO_IDENTITIES:
            self.add_member(plan_demo(demo, rng), rng)
        self.flush()

    def add_generated(self, count: int, rng: random.Random) -> None:
        previous: MemberPlan | None = None
        for index in range(count):
            plan = plan_generated(rng, index)
            if plan.merged_into and (
                previous is None or previous.pii_deleted or previous.merged_into
            ):
                plan.merged_into = None  # only ever merge into a live account
            self.add_member(plan, rng)
            previous = plan
            if (index + 1) % CHUNK == 0:
                self.flush()

    def add_member(self, plan: MemberPlan, rng: random.Random) -> None:
        self.members += 1
        registered_on = self.past(rng, within_days=rng.randint(200, 3650))
        home_store = rng.choice(plan.region.store_ids)
        deleted = plan.pii_deleted
        self.add(
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
            ndnc_status=_weighted(rng, (("NONE", 85), ("NDNC", 15))),
            optin_status=_weighted(rng, (("OPTIN", 70), ("OPTOUT", 10), ("NONE", 20))),
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
        self.add(
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
            self.add(
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
        self.add(
            Membership,
            customer_id=plan.user_id,
            program_id=program_id,
            tier_id=tier.id,
            tier_expiry_date=expiry,
            delayed_points=rng.choice((0, 0, 0, rng.randint(10, 400))),
            **values,
        )
        self.add_points_lots(plan.user_id, program_id, values, rng)
        self.add_tier_history(
            plan.user_id, program_id, serial, rng, registered_on, home_store, expiry
        )
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                issued = self.past(rng, within_days=300, after=registered_on).date()
                self.add(
                    PromotionPoints,
                    customer_id=plan.user_id,
                    program_id=program_id,
                    transaction_id=None,
                    points=rng.randint(20, 500),
                    issued_on=issued,
                    expiry_date=self.future_day(rng),
                    store_id=home_store,
                )

    def add_points_lots(
        self, user_id: int, program_id: int, values: dict[str, Any], rng: random.Random
    ) -> None:
        # Loyalty points are split into lots expiring over the next 12 months (they add up exactly).
        for points in _split(values["loyalty_points"], rng.randint(1, 4), rng):
            self.add(
                PointsExpiry,
                customer_id=user_id,
                program_id=program_id,
                points=points,
                expiry_date=self.future_day(rng),
            )
        for points in _split(values["expired_points"], rng.randint(1, 3), rng):
            self.add(
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
            self.add(
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
            self.add(
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
        for _ in range(count):
            store_id = home_store if rng.random() < 0.7 else rng.choice(plan.region.store_ids)
            kind = _weighted(rng, TRANSACTION_TYPES)
            amount = Decimal(rng.randint(20_000, 2_000_000)) / 100
            discount = (amount * Decimal(rng.choice((0, 0, 5, 10))) / 100).quantize(Decimal("0.01"))
            returned = "RETURN" in kind
            row_id = self.ids[Transaction]()
            split = (amount / 2).quantize(Decimal("0.01"))
            tenders = (
                [{"mode": rng.choice(TENDER_MODES), "value": str(amount)}]
                if rng.random() < 0.8
                else [
                    {"mode": "CARD", "value": str(split)},
                    {"mode": "POINTS", "value": str(amount - split)},
                ]
            )
            self.add(
                Transaction,
                id=row_id,
                customer_id=plan.user_id,
                number=f"BILL-{row_id}",
                type=kind,
                created_date=self.past(rng, within_days=720, after=registered_on),
                store_id=store_id,
                till_id=100 + store_id,
                amount=amount,
                gross_amount=amount + discount,
                discount=discount,
                points_issued=0 if returned or "NOT_INTERESTED" in kind else int(amount // 10),
                points_redeemed=rng.choice((0, 0, 0, rng.randint(50, 500))),
                notes="Returned at counter" if returned else "",
                tenders=tenders,
                credit_note_number=f"CN-{row_id}" if returned else "",
            )

    def add_profile_fields(self, plan: MemberPlan, rng: random.Random, home_store: int) -> None:
        self.add(
            CustomField, customer_id=plan.user_id, name="occupation", value=rng.choice(OCCUPATIONS)
        )
        if rng.random() < 0.5:
            self.add(
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
        if catalog.DINING_PROGRAM_ID in plan.tiers:
            values[3] = rng.choice(("VEGETARIAN", "NON_VEGETARIAN", "VEGAN", "HALAL"))
        for definition_id, value in sorted(values.items()):
            self.add(
                ExtendedField, customer_id=plan.user_id, definition_id=definition_id, value=value
            )
        channels = [("SMS", "TRANS"), ("SMS", "BULK"), ("EMAIL", "BULK")]
        channels += rng.sample([("WHATSAPP", "BULK"), ("PUSH", "TRANS")], k=rng.randint(0, 2))
        for channel, priority in channels:
            self.add(
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
