"""A member as Capillary describes it, as frozen dataclasses built by tolerant `from_api()` readers.

Field names and shapes: CONTRACT.md section 2 and docs/contract-notes.md, from
https://docs.capillarytech.com/reference/get-customer-details-v1api and the samples in
`shared/capillary/samples/`. Every reader survives the shapes listed under "What the client must
survive": a missing section is None ("not available"), an unknown field is ignored, and nothing in
here raises on odd values. Everything is picklable (the dashboard caches members).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self

from . import names
from ._coerce import (
    JSONMapping,
    Number,
    boolean,
    decimal,
    first,
    int_groups,
    integer,
    is_blank,
    listing,
    mapping,
    number,
    text,
    timestamp,
)
from .errors import MalformedResponse

__all__ = [
    "Card",
    "Coupon",
    "CouponStatus",
    "Customer",
    "Envelope",
    "ExpiredPoints",
    "Field",
    "FraudDetails",
    "ItemStatus",
    "ItemWarning",
    "Number",
    "Place",
    "PointsExpiry",
    "PointsSummary",
    "ProgramSummary",
    "RenewStrategy",
    "Renewal",
    "ResponseStatus",
    "Subscription",
    "TierChange",
    "Tracker",
    "Transaction",
    "UpgradeStrategy",
    "Warning",
]


def _progress(current: Number | None, threshold: Number | None) -> float:
    """current / threshold, clamped to 0.0-1.0. A threshold of 0 is met by anything."""
    if threshold is None:
        return 0.0
    if threshold <= 0:
        return 1.0
    return min(1.0, max(0.0, float((current or 0) / threshold)))


def _percent(progress: float) -> int:
    # Floor, so 99.6% of the way shows 99, never a "100%" that has not been reached.
    return int(progress * 100)


# --- Small shared pieces -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A store or till: `{"code", "name"}` (transactions give the store's name alone)."""

    code: str | None
    name: str | None

    @classmethod
    def from_api(cls, data: Any) -> Self | None:
        if isinstance(data, str):
            return cls(code=None, name=text(data))
        data = mapping(data)
        code, name = text(data.get("code")), text(data.get("name"))
        return cls(code=code, name=name) if code or name else None


@dataclass(frozen=True, slots=True)
class Field:
    """A custom or extended field. `label` is in the `language` asked for (extended fields only)."""

    name: str
    value: str | None
    label: str | None = None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self | None:
        name = text(data.get("name"))
        if name is None:
            return None
        return cls(name=name, value=text(data.get("value")), label=text(data.get("label")))


def _fields(value: Any) -> tuple[Field, ...]:
    fields = (Field.from_api(item) for item in listing(value, "field") or ())
    return tuple(f for f in fields if f is not None)


@dataclass(frozen=True, slots=True)
class Warning:  # the contract's name; also exported as ItemWarning
    """One of `item_status.warnings`, e.g. 618 (marked as fraud) or 91012 (already highest slab)."""

    code: int | None
    message: str

    @classmethod
    def from_api(cls, data: Any) -> Self:
        if isinstance(data, str):
            return cls(code=None, message=data)
        data = mapping(data)
        return cls(code=integer(data.get("code")), message=text(data.get("message")) or "")


ItemWarning = Warning


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """The per-customer `item_status`: 1000 retrieved, 91009 merged, failures 816/1012/8109/..."""

    success: bool
    code: int | None
    message: str
    warnings: tuple[Warning, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        data = mapping(data)
        raw_warnings = data.get("warnings")
        if isinstance(raw_warnings, str):
            raw_warnings = [raw_warnings]
        elif isinstance(raw_warnings, Mapping):
            raw_warnings = listing(raw_warnings, "warning")
        warnings = tuple(Warning.from_api(w) for w in raw_warnings or () if not is_blank(w))
        code = integer(data.get("code"))
        success = boolean(data.get("success"))
        if success is None:  # no flag: judge by the code (1000 retrieved, 91xxx partial data)
            success = code is None or code == 1000 or code >= 90000
        return cls(
            success=success,
            code=code,
            message=text(data.get("message")) or "",
            warnings=warnings,
        )


# --- Fraud, subscriptions, cards -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FraudDetails:
    """`fraud_details`. Status NONE (Capillary's default), MARKED (suspected), CONFIRMED,
    RECONFIRMED (confirmed and repeated), NOT_FRAUD (reviewed, cleared), INTERNAL (test user)."""

    status: str = "NONE"
    marked_by: str | None = None
    modified_on: dt.datetime | None = None
    reason: str | None = None

    FLAGGED = frozenset({"MARKED", "CONFIRMED", "RECONFIRMED"})

    @property
    def is_flagged(self) -> bool:
        return self.status in self.FLAGGED

    @classmethod
    def from_api(cls, data: Any) -> Self:
        data = mapping(data)
        return cls(
            status=(text(data.get("status")) or "NONE").upper(),
            marked_by=text(data.get("marked_by")),
            modified_on=timestamp(data.get("modified_on")),
            reason=text(data.get("reason")),
        )


@dataclass(frozen=True, slots=True)
class Subscription:
    """One channel's state: channel SMS/EMAIL/WHATSAPP/PUSH, priority TRANS/BULK,
    status SUBSCRIBED/UNSUBSCRIBED."""

    channel: str | None
    priority: str | None
    status: str | None
    updated_on: dt.datetime | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            channel=text(data.get("channel")),
            priority=text(data.get("priority")),
            status=text(data.get("status")),
            updated_on=timestamp(data.get("updated_on")),
        )


@dataclass(frozen=True, slots=True)
class Card:
    card_number: str | None
    card_external_id: str | None
    series_name: str | None
    status: str | None  # ACTIVE, INACTIVE, SUSPENDED
    issued_on: dt.datetime | None
    expiry_date: dt.datetime | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            card_number=text(data.get("card_number")),
            card_external_id=text(data.get("card_external_id")),
            series_name=text(data.get("series_name")),
            status=text(data.get("status")),
            issued_on=timestamp(data.get("issued_on")),
            expiry_date=timestamp(data.get("expiry_date"), end_of_day=True),
        )


# --- Transactions and coupons --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Transaction:
    id: str | None
    number: str | None
    type: str | None
    created_date: dt.datetime | None
    store: str | None
    store_code: str | None
    amount: Decimal | None
    points_issued: Number | None
    points_redeemed: Number | None
    notes: str | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        store = Place.from_api(data.get("store"))
        points = data.get("points")
        points_map = mapping(points)
        return cls(
            id=text(data.get("id")),
            number=text(data.get("number")),
            type=text(data.get("type")),
            created_date=timestamp(data.get("created_date")),
            store=store.name if store else None,
            store_code=text(data.get("store_code")) or (store.code if store else None),
            amount=decimal(data.get("amount")),
            # `points` is {"issued", "redeemed"} in current answers; a bare number means issued.
            points_issued=number(points_map.get("issued")) if points_map else number(points),
            points_redeemed=number(points_map.get("redeemed")),
            notes=text(data.get("notes")),
        )


class CouponStatus(StrEnum):
    """What agents see: derived from `redeemed` and `valid_till` (CONTRACT.md section 2)."""

    ACTIVE = "active"
    REDEEMED = "redeemed"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class Coupon:
    id: str | None
    series_id: str | None
    code: str | None
    description: str | None
    issued_on: dt.datetime | None
    valid_till: dt.datetime | None
    redeemed: bool
    same_user_multiple_redeem: bool | None = None

    def status_on(self, when: dt.datetime) -> CouponStatus:
        """Redeemed wins; otherwise expired once `valid_till` is past, else active.

        Capillary's times are the org's wall-clock time without an offset: pass `when` as that
        wall-clock time. Naive and aware values are compared on their wall clocks.
        """
        if self.redeemed:
            return CouponStatus.REDEEMED
        if self.valid_till is None:
            return CouponStatus.ACTIVE
        valid_till = self.valid_till
        if (valid_till.tzinfo is None) != (when.tzinfo is None):
            valid_till, when = valid_till.replace(tzinfo=None), when.replace(tzinfo=None)
        return CouponStatus.EXPIRED if valid_till < when else CouponStatus.ACTIVE

    @property
    def status(self) -> CouponStatus:
        """The status now, by this process's local wall clock (Django sets it to TIME_ZONE)."""
        now = dt.datetime.now(dt.UTC) if self.valid_till and self.valid_till.tzinfo else None
        return self.status_on(now or dt.datetime.now())  # org wall-clock time

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            id=text(data.get("id")),
            series_id=text(data.get("series_id")),
            code=text(data.get("code")),
            description=text(data.get("description")),
            issued_on=timestamp(first(data, "created_date", "issued_on")),
            valid_till=timestamp(data.get("valid_till"), end_of_day=True),
            redeemed=bool(boolean(data.get("redeemed"))),
            same_user_multiple_redeem=boolean(data.get("same_user_multiple_redeem")),
        )


# --- Points and tiers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointsExpiry:
    """One line of `expiry_schedule`: points that will expire on a date."""

    points: Number | None
    expiry_date: dt.datetime | None
    program_id: int | None = None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            points=number(data.get("points")),
            expiry_date=timestamp(data.get("expiry_date"), end_of_day=True),
            program_id=integer(first(data, "program_id", "programId")),
        )


@dataclass(frozen=True, slots=True)
class ExpiredPoints:
    """One line of `expired_points`: points that did expire on a date."""

    points: Number | None
    expired_on: dt.datetime | None
    program_id: int | None = None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            points=number(data.get("points")),
            expired_on=timestamp(data.get("expired_on")),
            program_id=integer(first(data, "program_id", "programId")),
        )


@dataclass(frozen=True, slots=True)
class PointsSummary:
    """The single, program-less `points_summary` of older answers (the 2017 sample)."""

    redeemed: Number | None
    expired: Number | None
    returned: Number | None
    adjusted: Number | None

    @classmethod
    def from_api(cls, data: Any) -> Self | None:
        if not isinstance(data, Mapping) or is_blank(data):
            return None
        return cls(
            redeemed=number(data.get("redeemed")),
            expired=number(data.get("expired")),
            returned=number(data.get("returned")),
            adjusted=number(data.get("adjusted")),
        )


@dataclass(frozen=True, slots=True)
class Tracker:
    """`upgrade_entity_identifers` (Capillary's spelling): what a tracker-based upgrade counts."""

    name: str | None
    type: str | None
    mode: str | None
    case_name: str | None
    period_type: str | None
    period_value: int | None

    @classmethod
    def from_api(cls, data: Any) -> Self | None:
        data = mapping(data)
        if is_blank(data):
            return None
        return cls(
            name=text(data.get("tracker_name")),
            type=text(data.get("tracker_type")),
            mode=text(data.get("tracker_mode")),
            case_name=text(data.get("tracker_case_name")),
            period_type=text(data.get("tracker_case_period_type")),
            period_value=integer(data.get("tracker_case_period_value")),
        )


@dataclass(frozen=True, slots=True)
class UpgradeStrategy:
    """One way to reach the next tier: `gap_to_upgrade.upgrade_strategy[]`."""

    based_on: str | None  # CUMULATIVE_PURCHASES, CURRENT_POINTS, TRACKER_VALUE_BASED, ...
    threshold: Number | None
    current_value: Number | None
    gap: Number | None
    valid_until: dt.datetime | None
    tracker: Tracker | None = None

    @property
    def progress(self) -> float:
        return _progress(self.current_value, self.threshold)

    @property
    def percent(self) -> int:
        return _percent(self.progress)

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        values = mapping(data.get("customer_upgrade_entity_values"))
        threshold = number(data.get("upgrade_threshold"))
        current = number(values.get("current_value"))
        gap = number(values.get("gap_to_upgrade"))
        if current is None and threshold is not None and gap is not None:
            current = threshold - gap
        return cls(
            based_on=text(data.get("upgrade_based_on")),
            threshold=threshold,
            current_value=current,
            gap=gap,
            valid_until=timestamp(values.get("value_valid_upto"), end_of_day=True),
            tracker=Tracker.from_api(
                first(data, "upgrade_entity_identifers", "upgrade_entity_identifiers")
            ),
        )


@dataclass(frozen=True, slots=True)
class RenewStrategy:
    """One way to keep the current tier: `gap_to_renew.renew_strategy[]`."""

    based_on: str | None  # VISITS, PURCHASE, POINTS, TRACKER
    threshold: Number | None
    current_value: Number | None
    gap: Number | None

    @property
    def progress(self) -> float:
        return _progress(self.current_value, self.threshold)

    @property
    def percent(self) -> int:
        return _percent(self.progress)

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        threshold = number(data.get("renew_threshold"))
        current = number(data.get("customer_renew_entity_value"))
        gap = number(data.get("customer_gap_to_renew_value"))
        if current is None and threshold is not None and gap is not None:
            current = threshold - gap
        return cls(
            based_on=text(data.get("renew_based_on")),
            threshold=threshold,
            current_value=current,
            gap=gap,
        )


@dataclass(frozen=True, slots=True)
class Renewal:
    """`gap_to_renew`: what keeps the member in their tier past `tier_expiry_date`."""

    tier_expiry_date: dt.datetime | None
    confirmed: bool | None
    strategies: tuple[RenewStrategy, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> Self | None:
        data = mapping(data)
        if is_blank(data):
            return None
        return cls(
            tier_expiry_date=timestamp(data.get("tier_expiry_date"), end_of_day=True),
            confirmed=boolean(data.get("renew_confirmed")),
            strategies=tuple(
                RenewStrategy.from_api(s) for s in listing(data.get("renew_strategy")) or ()
            ),
        )


@dataclass(frozen=True, slots=True)
class ProgramSummary:
    """One loyalty program's standing (`points_summaries.points_summary[]`, asked with mlp=true)."""

    program_id: int | None
    title: str | None
    description: str | None
    points_to_currency_ratio: Decimal | None
    redeemed: Number | None
    expired: Number | None
    returned: Number | None
    adjusted: Number | None  # may be negative
    lifetime_points: Number | None
    loyalty_points: Number | None
    cumulative_purchases: Decimal | None
    current_tier: str | None
    current_tier_description: str | None
    tier_serial: int | None  # 1 is the lowest tier
    tier_expiry_date: dt.datetime | None
    next_tier: str | None
    next_tier_serial: int | None
    next_tier_description: str | None
    delayed_points: Number | None = None
    total_available_points: Number | None = None
    upgrade: tuple[UpgradeStrategy, ...] = ()
    renewal: Renewal | None = None
    custom_expression: str | None = None  # how strategies combine, e.g. "((A AND B) OR C)"
    expression_relation: tuple[tuple[int, ...], ...] | None = None

    @property
    def is_top_tier(self) -> bool:
        """The top tier has no next tier and no upgrade data."""
        return self.next_tier is None and not self.upgrade

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        gap = mapping(data.get("gap_to_upgrade"))
        return cls(
            program_id=integer(first(data, "programId", "program_id")),
            title=text(first(data, "program_title", "programTitle")),
            description=text(first(data, "program_description", "programDescription")),
            points_to_currency_ratio=decimal(
                first(data, "program_points_to_currency_ratio", "pointsToCurrencyRatio")
            ),
            redeemed=number(data.get("redeemed")),
            expired=number(data.get("expired")),
            returned=number(data.get("returned")),
            adjusted=number(data.get("adjusted")),
            lifetime_points=number(first(data, "lifetimePoints", "lifetime_points")),
            loyalty_points=number(first(data, "loyaltyPoints", "loyalty_points")),
            cumulative_purchases=decimal(
                first(data, "cumulativePurchases", "cumulative_purchases")
            ),
            current_tier=text(first(data, "currentSlab", "current_slab")),
            current_tier_description=text(data.get("currentSlabDescription")),
            tier_serial=integer(data.get("slabSNo")),
            tier_expiry_date=timestamp(data.get("slabExpiryDate"), end_of_day=True),
            next_tier=text(first(data, "nextSlab", "next_slab")),
            next_tier_serial=integer(data.get("nextSlabSerialNumber")),
            next_tier_description=text(data.get("nextSlabDescription")),
            delayed_points=number(data.get("delayed_points")),
            total_available_points=number(data.get("total_available_points")),
            upgrade=tuple(
                UpgradeStrategy.from_api(s)
                for s in listing(gap.get("upgrade_strategy"), "upgrade_strategy") or ()
            ),
            renewal=Renewal.from_api(data.get("gap_to_renew")),
            custom_expression=text(
                first(gap, "custom_expression") or data.get("custom_expression")
            ),
            expression_relation=int_groups(
                first(gap, "expression_relation") or data.get("expression_relation")
            ),
        )


@dataclass(frozen=True, slots=True)
class TierChange:
    """One `slab_history` entry (newest first): UPGRADE, DOWNGRADE or RENEW."""

    from_tier: str | None
    to_tier: str | None
    type: str | None
    changed_on: dt.datetime | None
    store: Place | None = None
    notes: str | None = None
    program_id: int | None = None
    from_expiry: dt.datetime | None = None
    to_expiry: dt.datetime | None = None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            from_tier=text(data.get("from")),
            to_tier=text(data.get("to")),
            type=text(data.get("type")),
            changed_on=timestamp(data.get("changed_on")),
            store=Place.from_api(data.get("store")),
            notes=text(data.get("notes")),
            program_id=integer(first(data, "program_id", "programId")),
            from_expiry=timestamp(data.get("from_tier_expiry_date"), end_of_day=True),
            to_expiry=timestamp(data.get("to_tier_expiry_date"), end_of_day=True),
        )


# --- The member ----------------------------------------------------------------------------------


def _collection[T](
    value: Any, reader: Callable[[JSONMapping], T], *keys: str
) -> tuple[T, ...] | None:
    items = listing(value, *keys)
    if items is None:
        return None
    return tuple(reader(item) for item in items)


@dataclass(frozen=True, slots=True)
class Customer:
    """One member. Sections the answer did not carry are None ("not available")."""

    user_id: int | None
    firstname: str
    lastname: str
    mobile: str | None
    email: str | None
    external_id: str | None
    lifetime_points: Number | None = None
    lifetime_purchases: Decimal | None = None
    loyalty_points: Number | None = None
    current_slab: str | None = None
    tier_expiry_date: dt.datetime | None = None
    next_slab: str | None = None
    next_slab_serial_number: int | None = None
    next_slab_description: str | None = None
    registered_on: dt.datetime | None = None
    updated_on: dt.datetime | None = None
    type: str | None = None  # LOYALTY or NON_LOYALTY
    source: str | None = None
    registered_by: str | None = None
    registered_store: Place | None = None
    registered_till: Place | None = None
    fraud: FraudDetails = field(default_factory=FraudDetails)
    ndnc_status: str | None = None
    optin_status: str | None = None
    custom_fields: tuple[Field, ...] = ()
    extended_fields: tuple[Field, ...] = ()
    transactions: tuple[Transaction, ...] | None = None
    coupons: tuple[Coupon, ...] | None = None
    programs: tuple[ProgramSummary, ...] | None = None
    points_summary: PointsSummary | None = None
    slab_history: tuple[TierChange, ...] | None = None
    expiry_schedule: tuple[PointsExpiry, ...] | None = None
    expired_points: tuple[ExpiredPoints, ...] | None = None
    subscriptions: tuple[Subscription, ...] | None = None
    cards: tuple[Card, ...] | None = None
    item: ItemStatus = field(default_factory=lambda: ItemStatus(True, 1000, ""))
    #: The user id that was asked for, when Capillary answered with the account it was merged into.
    merged_from: str | None = None
    request_id: str | None = None

    @property
    def full_name(self) -> str:
        """As the member's script writes it: 王小明 (family name first), "Ada Lovelace"."""
        return names.full_name(self.firstname, self.lastname)

    @property
    def warnings(self) -> tuple[Warning, ...]:
        return self.item.warnings

    @classmethod
    def from_api(cls, data: Any, *, request_id: str | None = None) -> Self:
        """Read one entry of `customers.customer[]`."""
        if not isinstance(data, Mapping):
            raise MalformedResponse(request_id=request_id)
        return cls(
            user_id=integer(first(data, "user_id", "id")),
            firstname=text(data.get("firstname")) or "",
            lastname=text(data.get("lastname")) or "",
            mobile=text(data.get("mobile")),
            email=text(data.get("email")),
            external_id=text(data.get("external_id")),
            lifetime_points=number(data.get("lifetime_points")),
            lifetime_purchases=decimal(data.get("lifetime_purchases")),
            loyalty_points=number(data.get("loyalty_points")),
            current_slab=text(data.get("current_slab")),
            tier_expiry_date=timestamp(data.get("tier_expiry_date"), end_of_day=True),
            next_slab=text(data.get("next_slab")),
            next_slab_serial_number=integer(data.get("next_slab_serial_number")),
            next_slab_description=text(data.get("next_slab_description")),
            registered_on=timestamp(data.get("registered_on")),
            updated_on=timestamp(data.get("updated_on")),
            type=text(data.get("type")),
            source=text(data.get("source")),
            registered_by=text(data.get("registered_by")),
            registered_store=Place.from_api(data.get("registered_store")),
            registered_till=Place.from_api(data.get("registered_till")),
            fraud=FraudDetails.from_api(data.get("fraud_details")),
            ndnc_status=text(data.get("ndnc_status")),
            optin_status=text(data.get("optin_status")),
            custom_fields=_fields(data.get("custom_fields")),
            extended_fields=_fields(data.get("extended_fields")),
            transactions=_collection(data.get("transactions"), Transaction.from_api, "transaction"),
            coupons=_collection(data.get("coupons"), Coupon.from_api, "coupon"),
            programs=_collection(
                data.get("points_summaries"), ProgramSummary.from_api, "points_summary"
            ),
            points_summary=PointsSummary.from_api(data.get("points_summary")),
            slab_history=_collection(data.get("slab_history"), TierChange.from_api, "history"),
            expiry_schedule=_collection(
                data.get("expiry_schedule"), PointsExpiry.from_api, "schedule"
            ),
            expired_points=_collection(
                data.get("expired_points"), ExpiredPoints.from_api, "expired"
            ),
            subscriptions=_collection(
                data.get("subscriptions"), Subscription.from_api, "subscription"
            ),
            cards=_collection(data.get("card_details"), Card.from_api, "card"),
            item=ItemStatus.from_api(data.get("item_status")),
            merged_from=text(data.get("merged_from")),
            request_id=request_id,
        )


# --- The envelope --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseStatus:
    """`response.status`: 200 all ok, 201 some items failed, 500 all failed, 400, 401."""

    success: bool | None
    code: int | None
    message: str
    total: int | None = None
    success_count: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> Self | None:
        data = mapping(data)
        if is_blank(data):
            return None
        return cls(
            success=boolean(data.get("success")),
            code=integer(data.get("code")),
            message=text(data.get("message")) or "",
            total=integer(data.get("total")),
            success_count=integer(data.get("success_count")),
        )


@dataclass(frozen=True, slots=True)
class Envelope:
    """The answer's frame: status, the raw customer items, and an `errorCode` if there was one.

    `items` is None when the answer has no `customers` at all (an error body), and the raw item
    mappings otherwise: the client decides per item whether it is a member or an error.
    """

    status: ResponseStatus | None
    items: tuple[JSONMapping, ...] | None
    error_code: int | None = None

    @classmethod
    def from_api(cls, payload: Any) -> Self | None:
        """Read with or without the `response` wrapper; None when the JSON is no envelope at all."""
        if not isinstance(payload, Mapping):
            return None
        body = mapping(payload.get("response")) or payload
        status = ResponseStatus.from_api(body.get("status"))
        raw_status = mapping(body.get("status"))
        error_code = integer(
            first(payload, "errorCode", "error_code")
            or first(body, "errorCode", "error_code")
            or first(raw_status, "errorCode", "error_code")
        )
        customers = body.get("customers")
        items: tuple[JSONMapping, ...] | None = None
        if customers is not None:
            items = tuple(listing(customers, "customer") or ())
        if status is None and items is None and error_code is None:
            return None
        return cls(status=status, items=items, error_code=error_code)
