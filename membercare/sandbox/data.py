"""Reads for one call: who the identifiers name, then every section for all of them at once.

A call costs a fixed number of queries whatever the batch size or coupon count: one per section,
each a `values()` query over all the customers of the call, grouped here in Python.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, QuerySet
from django.utils import timezone

from membercare.sandbox.models import (
    Card,
    Coupon,
    Customer,
    CustomField,
    DelayedPoints,
    ExpiredPoints,
    ExtendedField,
    ExtendedFieldDefinition,
    Fault,
    Membership,
    PointsExpiry,
    Program,
    PromotionPoints,
    RenewalStrategy,
    Store,
    Subscription,
    Tier,
    TierChange,
    Till,
    TrackerPurchase,
    Transaction,
    UpgradeStrategy,
)
from membercare.sandbox.params import LookupQuery

Row = dict[str, Any]
LOOKUP_CHUNK = 500  # identifiers per IN (...) list: far below every backend's parameter limit
TRANSACTIONS_SHOWN = 10  # "about 10 most recent"
PROMOTION_ROWS_MAX = 1000  # the contract's cap for promotion_points
POINTS_HISTORY_MAX = 100  # points_summary's issuance and redemption entries, newest first


# -- Who the identifiers name ---------------------------------------------------------------


def _customers() -> QuerySet[Customer]:
    return Customer.objects.all()


def find_customers(kind: str, values: Sequence[str]) -> dict[str, Customer]:
    """Normalized identifier value -> customer, for the values that name one."""
    found: dict[str, Customer] = {}
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = list(dict.fromkeys(values[start : start + LOOKUP_CHUNK]))
        found.update(_find_chunk(kind, chunk))
    return found


def _find_chunk(kind: str, values: list[str]) -> Iterable[tuple[str, Customer]]:
    if kind == "id":
        ids = [int(value) for value in values]
        return ((str(c.user_id), c) for c in _customers().filter(user_id__in=ids))
    if kind in ("card_number", "card_external_id"):
        matches = _customers().filter(**{f"cards__{kind}__in": values})
        return ((c.asked, c) for c in matches.annotate(asked=F(f"cards__{kind}")))
    return ((getattr(c, kind), c) for c in _customers().filter(**{f"{kind}__in": values}))


def first_fault(customers: Iterable[Customer]) -> Fault | None:
    for customer in customers:
        if customer.fault:
            return Fault(customer.fault)
    return None


def load_survivors(customers: Iterable[Customer]) -> dict[int, Customer]:
    """The accounts merged accounts were merged into, by user id (no query when none merged)."""
    ids = {c.merged_into_id for c in customers if c.merged_into_id}
    return {c.user_id: c for c in _customers().filter(user_id__in=ids)} if ids else {}


# -- The catalog: programs, tiers, stores, tills, extended fields ---------------------------


@dataclass(frozen=True)
class TierInfo:
    id: int
    program_id: int
    serial: int
    name: str
    description: str
    expression: str
    relation: list[list[int]]
    program_name: str
    program_description: str
    points_ratio: Decimal
    upgrade: list[Row]  # strategies into this tier
    renewal: list[Row]  # strategies to keep it


@dataclass(frozen=True)
class Catalog:
    tiers: dict[int, TierInfo]
    default_program_id: int
    stores: dict[int, Row]  # id -> code, name, city
    tills: dict[int, Row]  # id -> code, name
    extended_fields: dict[int, Row]  # definition id -> name and a label per language

    def next_tier(self, tier: TierInfo) -> TierInfo | None:
        return next(
            (
                t
                for t in self.tiers.values()
                if t.program_id == tier.program_id and t.serial == tier.serial + 1
            ),
            None,
        )


_catalog: Catalog | None = None


def catalog() -> Catalog:
    """The org's configuration, read once per process.

    The generator writes the same catalog for every seed (catalog.py's constants), so a process
    may keep it; an unseeded (empty) one is never kept. Seven small queries the first time, then
    none: configuration is what Capillary itself serves from cache.
    """
    global _catalog
    if _catalog is not None:
        return _catalog
    loaded = _load_catalog()
    if loaded.tiers:
        _catalog = loaded
    return loaded


def forget_catalog() -> None:
    """Drop the cached catalog (the generator calls this after writing a new one)."""
    global _catalog
    _catalog = None


def _load_catalog() -> Catalog:
    upgrade: dict[int, list[Row]] = defaultdict(list)
    renewal: dict[int, list[Row]] = defaultdict(list)
    for rule in UpgradeStrategy.objects.order_by("position").values():
        upgrade[rule["tier_id"]].append(dict(rule))
    for renew in RenewalStrategy.objects.order_by("position").values():
        renewal[renew["tier_id"]].append(dict(renew))
    programs = {p["id"]: p for p in Program.objects.values()}
    tiers = {}
    for row in Tier.objects.order_by("program_id", "serial").values():
        program = programs[row["program_id"]]
        tiers[row["id"]] = TierInfo(
            id=row["id"],
            program_id=row["program_id"],
            serial=row["serial"],
            name=row["name"],
            description=row["description"],
            expression=row["upgrade_expression"],
            relation=row["upgrade_expression_relation"],
            program_name=program["name"],
            program_description=program["description"],
            points_ratio=program["points_to_currency_ratio"],
            upgrade=upgrade[row["id"]],
            renewal=renewal[row["id"]],
        )
    return Catalog(
        tiers=tiers,
        default_program_id=next((p["id"] for p in programs.values() if p["is_default"]), 1),
        stores={s["id"]: dict(s) for s in Store.objects.values("id", "code", "name", "city")},
        tills={t["id"]: dict(t) for t in Till.objects.values("id", "code", "name")},
        extended_fields={f["id"]: dict(f) for f in ExtendedFieldDefinition.objects.values()},
    )


# -- Sections -------------------------------------------------------------------------------


Where = tuple[str, str, Any]  # (field, operator, value)
OPERATORS = frozenset({"=", "<", "<=", ">", ">="})


def select_rows(
    model: type[models.Model],
    fields: Sequence[str],
    ids: Sequence[int],
    *,
    where: Sequence[Where] = (),
    order_by: Sequence[str] = (),
) -> list[Row]:
    """`SELECT fields FROM model WHERE customer_id IN ids AND where... ORDER BY ...`, as dicts.

    The ORM would do the same, but compiling a queryset costs about 0.3 ms of CPU each time,
    ten times what SQLite takes to run these small indexed reads, and a full-flag call runs a
    dozen of them (measured: 15 ms of CPU per call with querysets, 8 ms with this). So the SQL
    is written here while values still go through Django: filter values through each field's
    get_db_prep_value, results through the converters the ORM's compiler would apply.
    `order_by` holds field names, "-" first for descending.
    """
    if not ids:
        return []
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    clauses = [f"{quote('customer_id')} IN ({', '.join(['%s'] * len(ids))})"]
    params: list[Any] = list(ids)
    for name, operator, value in where:
        if operator not in OPERATORS:
            raise ValueError(f"unsupported operator {operator!r}")
        clauses.append(f"{quote(_column(model, name))} {operator} %s")
        params.append(_field(model, name).get_db_prep_value(value, connection))
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {' AND '.join(clauses)}"  # noqa: S608 - names come from the models, values are parameters
    if order_by:
        terms = (
            f"{quote(_column(model, name.lstrip('-')))}{' DESC' * name.startswith('-')}"
            for name in order_by
        )
        sql += f" ORDER BY {', '.join(terms)}"
    converters = _converters(model, tuple(fields), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for raw in fetched:
        values = list(raw)
        for index, column, functions in converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        rows.append(dict(zip(fields, values, strict=True)))
    return rows


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    found = model._meta.get_field(name)  # also finds foreign keys by attname (customer_id)
    if not isinstance(found, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return found


def _column(model: type[models.Model], name: str) -> str:
    column = _field(model, name).column
    if column is None:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return column


Converter = tuple[int, Any, list[Any]]  # column index, its Col expression, converter functions
_CONVERTERS: dict[tuple[str, type[models.Model], tuple[str, ...]], list[Converter]] = {}


def _converters(
    model: type[models.Model], fields: tuple[str, ...], connection: BaseDatabaseWrapper
) -> list[Converter]:
    """Per column, the backend's and the field's from-database converters (as SQLCompiler does)."""
    key = (connection.alias, model, fields)
    if key not in _CONVERTERS:
        found = []
        for index, name in enumerate(fields):
            column = _field(model, name).get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if functions:
                found.append((index, column, functions))
        _CONVERTERS[key] = found
    return _CONVERTERS[key]


@dataclass
class Sections:
    """Every section asked for, grouped by customer id (absent sections stay empty)."""

    catalog: Catalog
    memberships: dict[int, list[Row]]
    coupons: dict[int, list[Row]] = field(default_factory=dict)
    transactions: dict[int, list[Row]] = field(default_factory=dict)
    expiry_lots: dict[int, list[Row]] = field(default_factory=dict)
    expired: dict[int, list[Row]] = field(default_factory=dict)
    promotions: dict[int, list[Row]] = field(default_factory=dict)
    tier_changes: dict[int, list[Row]] = field(default_factory=dict)
    custom_fields: dict[int, list[Row]] = field(default_factory=dict)
    extended_fields: dict[int, list[Row]] = field(default_factory=dict)
    subscriptions: dict[int, list[Row]] = field(default_factory=dict)
    cards: dict[int, list[Row]] = field(default_factory=dict)
    tracker_purchases: dict[int, list[Row]] = field(default_factory=dict)
    delayed: dict[int, list[Row]] = field(default_factory=dict)
    points_bills: dict[int, list[Row]] = field(default_factory=dict)  # bills that moved points


def _grouped(rows: Iterable[Row], limit: int | None = None) -> dict[int, list[Row]]:
    """Rows by customer id, in the order they came, at most `limit` per customer."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        group = groups[row["customer_id"]]
        if limit is None or len(group) < limit:
            group.append(row)
    return groups


def needs_expiry_lots(query: LookupQuery) -> bool:
    # Current points "as of" a day subtract the lots that expire before it.
    return (
        query.wants("expiry_schedule")
        or query.gap_to_upgrade_for is not None
        or query.gap_to_renew_for is not None
        or query.wants("tier_upgrade_criteria")
        or query.wants("membership_retention_criteria")
    )


def load_sections(ids: list[int], query: LookupQuery) -> Sections:
    """Every section the call asks for, for all its customers: one query per section."""
    config = catalog()
    in_program = [("program_id", "=", query.program_id)] if query.program_id else []
    sections = Sections(
        catalog=config,
        memberships=_grouped(
            select_rows(
                Membership, MEMBERSHIP_FIELDS, ids, where=in_program, order_by=["program_id"]
            )
        ),
    )
    if query.coupons.limit is None or query.coupons.limit > 0:
        sections.coupons = _grouped(_coupon_rows(ids, query))
    if query.wants("transactions"):
        sections.transactions = _grouped(_transaction_rows(ids, query, config), TRANSACTIONS_SHOWN)
    if needs_expiry_lots(query):
        sections.expiry_lots = _grouped(
            select_rows(
                PointsExpiry,
                ("customer_id", "program_id", "points", "expiry_date"),
                ids,
                where=in_program,
                order_by=["expiry_date", "id"],
            )
        )
    if query.wants("expired_points"):
        sections.expired = _grouped(
            select_rows(
                ExpiredPoints,
                ("customer_id", "program_id", "points", "expired_on"),
                ids,
                where=in_program,
                order_by=["-expired_on", "-id"],
            )
        )
    if (
        query.gap_to_upgrade_for is not None
        or query.gap_to_renew_for is not None
        or query.wants("membership_retention_criteria")
    ):
        sections.tracker_purchases = _grouped(
            select_rows(
                TrackerPurchase,
                ("customer_id", "program_id", "tracker_name", "amount", "purchased_on"),
                ids,
                where=in_program,
                order_by=["purchased_on", "id"],
            )
        )
    if query.wants("delayed_accrual"):
        sections.delayed = _grouped(
            select_rows(
                DelayedPoints,
                ("customer_id", "program_id", "points", "earned_on", "release_on", "bill_number"),
                ids,
                where=in_program,
                order_by=["release_on", "id"],
            )
        )
    if query.wants("points_summary"):
        # Bills earn and spend the default program's points (a store bill has no program).
        sections.points_bills = _grouped(
            row
            for row in select_rows(
                Transaction,
                (
                    "customer_id",
                    "number",
                    "created_date",
                    "points_issued",
                    "points_redeemed",
                    "store_id",
                ),
                ids,
                order_by=["-created_date", "-id"],
            )
            if row["points_issued"] or row["points_redeemed"]
        )
    if query.wants("promotion_points") or query.wants("points_summary"):
        sections.promotions = _grouped(
            select_rows(
                PromotionPoints,
                (
                    "customer_id",
                    "program_id",
                    "transaction_id",
                    "points",
                    "issued_on",
                    "expiry_date",
                    "store_id",
                ),
                ids,
                where=in_program,
                order_by=["-issued_on", "-id"],
            ),
            PROMOTION_ROWS_MAX,
        )
    if query.wants("slab_history"):
        sections.tier_changes = _grouped(
            select_rows(
                TierChange,
                (
                    "customer_id",
                    "program_id",
                    "from_tier",
                    "to_tier",
                    "change_type",
                    "changed_on",
                    "notes",
                    "from_tier_expiry_date",
                    "to_tier_expiry_date",
                    "store_id",
                ),
                ids,
                where=in_program,
                order_by=["-changed_on", "-id"],
            )
        )
    sections.custom_fields = _grouped(
        select_rows(CustomField, ("customer_id", "name", "value"), ids, order_by=["id"])
    )
    sections.extended_fields = _grouped(
        select_rows(
            ExtendedField,
            ("customer_id", "definition_id", "value"),
            ids,
            order_by=["definition_id"],
        )
    )
    if query.wants("subscriptions"):
        sections.subscriptions = _grouped(
            select_rows(
                Subscription,
                ("customer_id", "channel", "priority", "status", "updated_on"),
                ids,
                order_by=["id"],
            )
        )
    if query.wants("card_details"):
        sections.cards = _grouped(
            select_rows(
                Card,
                (
                    "customer_id",
                    "card_number",
                    "card_external_id",
                    "series_name",
                    "status",
                    "issued_on",
                    "expiry_date",
                ),
                ids,
                order_by=["id"],
            )
        )
    return sections


MEMBERSHIP_FIELDS = (
    "customer_id",
    "program_id",
    "tier_id",
    "tier_expiry_date",
    "lifetime_points",
    "loyalty_points",
    "redeemed_points",
    "expired_points",
    "returned_points",
    "adjusted_points",
    "cumulative_purchases",
    "period_purchases",
    "visits",
    "tracker_values",
    "delayed_points",
)
COUPON_FIELDS = (
    "customer_id",
    "id",
    "series_id",
    "code",
    "description",
    "created_date",
    "created_by",
    "valid_till",
    "redeemed",
    "same_user_multiple_redeem",
)
TRANSACTION_FIELDS = (
    "customer_id",
    "id",
    "number",
    "type",
    "created_date",
    "amount",
    "gross_amount",
    "discount",
    "points_issued",
    "points_redeemed",
    "notes",
    "tenders",
    "credit_note_number",
    "store_id",
    "till_id",
)


def _coupon_rows(ids: list[int], query: LookupQuery) -> list[Row]:
    """Every matching coupon in the asked order; paging happens per customer (see payload)."""
    now = timezone.now()
    wanted = query.coupons
    where: list[tuple[str, str, Any]] = []
    if wanted.active_only or wanted.status == "active":
        where += [("redeemed", "=", False), ("valid_till", ">=", now)]
    if wanted.status == "redeemed":
        where.append(("redeemed", "=", True))
    elif wanted.status == "unredeemed":
        where.append(("redeemed", "=", False))
    elif wanted.status == "expired":
        where += [("redeemed", "=", False), ("valid_till", "<", now)]
    sign = "-" if wanted.descending else ""
    # The id breaks ties so that pages never overlap nor skip a coupon.
    order = [f"{sign}{wanted.order_by}", f"{sign}id"]
    return select_rows(Coupon, COUPON_FIELDS, ids, where=where, order_by=order)


def _transaction_rows(ids: list[int], query: LookupQuery, config: Catalog) -> list[Row]:
    """Matching transactions, newest first."""
    wanted = query.transactions
    where: list[tuple[str, str, Any]] = []
    if wanted.type != "ALL":
        where.append(("type", "=", wanted.type))
    if wanted.number:
        where.append(("number", "=", wanted.number))
    for name, code, places in (
        ("store_id", wanted.store_code, config.stores),
        ("till_id", wanted.till_code, config.tills),
    ):
        if code:
            place_id = next((pk for pk, place in places.items() if place["code"] == code), None)
            if place_id is None:
                return []  # no such store or till: nothing can match
            where.append((name, "=", place_id))
    if wanted.amount is not None:
        where.append(("amount", "=", wanted.amount))
    if wanted.on_date:
        # That day in the org's time zone, as a range the created_date index can serve.
        start = timezone.make_aware(datetime.combine(wanted.on_date, time.min))
        where += [("created_date", ">=", start), ("created_date", "<", start + timedelta(days=1))]
    return select_rows(
        Transaction, TRANSACTION_FIELDS, ids, where=where, order_by=["-created_date", "-id"]
    )


def points_on(lots: Iterable[Row], program_id: int, loyalty_points: int, day: date) -> int:
    """Loyalty points still there on `day`: the lots expiring before it are gone."""
    expiring = sum(
        lot["points"]
        for lot in lots
        if lot["program_id"] == program_id and lot["expiry_date"] < day
    )
    return max(loyalty_points - expiring, 0)
