"""The row-writing machinery: rows batched per table, sent with one `executemany` per table.

bulk_create spent about 70% of the seeding time compiling its INSERTs and building model
instances (measured with cProfile), which is why the member tables bypass it. Every primary key
is assigned here, so the same seed gives the same ids on every backend.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

from django.core.management.color import no_style
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from membercare.sandbox.models import (
    Card,
    Coupon,
    Customer,
    CustomField,
    DelayedPoints,
    ExpiredPoints,
    ExtendedField,
    ExtendedFieldDefinition,
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
    Till,
    TrackerPurchase,
    Transaction,
    UpgradeStrategy,
)

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
    TrackerPurchase,
    DelayedPoints,
    TierChange,
    CustomField,
    ExtendedField,
    Subscription,
    SeedRun,
)


def wipe(using: str) -> None:
    """Empty every table written here, children first."""
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


def reset_sequences(using: str) -> None:
    """Ids were assigned here: move PostgreSQL's sequences past them (a no-op on SQLite)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS_IN_CREATION_ORDER))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


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
class Rows:
    """Accumulates rows per model and writes them in large batches."""

    using: str
    rows: dict[type[models.Model], list[list[Any]]] = field(default_factory=dict)
    ids: dict[type[models.Model], _Counter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        connection = connections[self.using]
        self.tables = {model: _Table(model, connection) for model in MODELS_IN_CREATION_ORDER}
        bases = {Coupon: 44_000_001, Transaction: 33_000_001}
        self.ids = {model: _Counter(bases.get(model, 1)) for model in MODELS_IN_CREATION_ORDER}

    def add(self, model: type[models.Model], **values: Any) -> None:
        pk = self.tables[model].pk
        if pk not in values:
            values[pk] = self.ids[model]()
        self.rows.setdefault(model, []).append(self.tables[model].row(values))

    def next_id(self, model: type[models.Model]) -> int:
        """Take the model's next id, for a row whose other columns need it."""
        return self.ids[model]()

    def flush(self) -> None:
        with connections[self.using].cursor() as cursor:
            for model in MODELS_IN_CREATION_ORDER:
                batch = self.rows.pop(model, None)
                if batch:
                    cursor.executemany(self.tables[model].sql, batch)
