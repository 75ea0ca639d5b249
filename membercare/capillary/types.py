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
from ._text import gettext_noop, translated
from .errors import MalformedResponse

__all__ = [
    "Card",
    "Coupon",
    "CouponRedemption",
    "CouponStatus",
    "CreditNote",
    "Customer",
    "DelayedAccrual",
    "DelayedPart",
    "Envelope",
    "ExpiredPoints",
    "Field",
    "FraudDetails",
    "ItemStatus",
    "ItemWarning",
    "Number",
    "PartnerProgram",
    "Place",
    "PointsEntry",
    "PointsExpiry",
    "PointsSummary",
    "Program",
    "ProgramSummary",
    "PromotionPoints",
    "Reconciliation",
    "RenewStrategy",
    "Renewal",
    "ResponseStatus",
    "Segment",
    "Subscription",
    "Tender",
    "TierChange",
    "TierUpdateCriteria",
    "Tracker",
    "Transaction",
    "UpgradeStrategy",
    "UserGroup",
    "Warning",
    "WarningKind",
    "reconcile",
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


class WarningKind(StrEnum):
    """What an item warning means (CONTRACT.md section 3), with `meaning` in plain words."""

    FRAUD = "fraud"  # 618
    MERGED = "merged"  # 91009
    POINTS_FAILED = "points_failed"  # 91001
    SUBSCRIPTIONS_FAILED = "subscriptions_failed"  # 91002
    SEGMENTS_FAILED = "segments_failed"  # 91004
    LOWEST_TIER = "lowest_tier"  # 91011
    TOP_TIER = "top_tier"  # 91012
    UPGRADE_CRITERIA_FAILED = "upgrade_criteria_failed"  # 91013
    RENEWAL_CRITERIA_FAILED = "renewal_criteria_failed"  # 91014
    OTHER = "other"

    @property
    def meaning(self) -> str:
        """In the active language (membercare/capillary/_text.py)."""
        return translated(_WARNING_MEANINGS[self])


_WARNING_KINDS: dict[int, WarningKind] = {
    618: WarningKind.FRAUD,
    91009: WarningKind.MERGED,
    91001: WarningKind.POINTS_FAILED,
    91002: WarningKind.SUBSCRIPTIONS_FAILED,
    91004: WarningKind.SEGMENTS_FAILED,
    91011: WarningKind.LOWEST_TIER,
    91012: WarningKind.TOP_TIER,
    91013: WarningKind.UPGRADE_CRITERIA_FAILED,
    91014: WarningKind.RENEWAL_CRITERIA_FAILED,
}
_WARNING_MEANINGS: dict[WarningKind, str] = {
    WarningKind.FRAUD: gettext_noop("Capillary has this member marked as fraud."),
    WarningKind.MERGED: gettext_noop(
        "This account was merged into another one: the surviving account is shown."
    ),
    WarningKind.POINTS_FAILED: gettext_noop(
        "Capillary's points service did not answer: points and tiers are missing from this "
        "answer, not zero. Try again later."
    ),
    WarningKind.SUBSCRIPTIONS_FAILED: gettext_noop(
        "Capillary could not read the member's subscriptions this time."
    ),
    WarningKind.SEGMENTS_FAILED: gettext_noop(
        "Capillary could not read the member's segments this time."
    ),
    WarningKind.LOWEST_TIER: gettext_noop("The member is already in the lowest tier."),
    WarningKind.TOP_TIER: gettext_noop(
        "The member is already in the highest tier: nothing to upgrade to."
    ),
    WarningKind.UPGRADE_CRITERIA_FAILED: gettext_noop(
        "Capillary could not work out the tier upgrade criteria."
    ),
    WarningKind.RENEWAL_CRITERIA_FAILED: gettext_noop(
        "Capillary could not work out the tier renewal criteria."
    ),
    WarningKind.OTHER: gettext_noop("Capillary sent a warning with this member."),
}


@dataclass(frozen=True, slots=True)
class Warning:  # the contract's name; also exported as ItemWarning
    """One of `item_status.warnings`, e.g. 618 (marked as fraud) or 91012 (already highest slab)."""

    code: int | None
    message: str

    @property
    def kind(self) -> WarningKind:
        return _WARNING_KINDS.get(self.code or 0, WarningKind.OTHER)

    @property
    def meaning(self) -> str:
        """What the warning means, in plain words (Capillary's own message may be terse)."""
        return self.kind.meaning

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

    def is_expired_on(self, when: dt.datetime) -> bool:
        """Whether the card's expiry is past on `when` (wall clocks compared, as for coupons)."""
        if self.expiry_date is None:
            return False
        return _wall(self.expiry_date) < _wall(when)


def _wall(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Segment:
    """One of `segments.segment[]`: a named grouping the member is in, and its value."""

    name: str
    value: str | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self | None:
        name = text(first(data, "name", "segment_name"))
        if name is None:
            return None
        return cls(name=name, value=text(first(data, "value", "segment_value")))


@dataclass(frozen=True, slots=True)
class UserGroup:
    """A user group the member belongs to (`user_group`, or `user_groups2` in current samples)."""

    id: str | None
    name: str | None
    role: str | None = None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self | None:
        group = cls(
            id=text(first(data, "id", "group_id")),
            name=text(first(data, "name", "group_name")),
            role=text(first(data, "role", "user_role", "member_type")),
        )
        return group if group.id or group.name else None


# --- Transactions and coupons --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tender:
    """How (part of) a bill was paid (`tenders.tender[]`, asked with tenders=true)."""

    mode: str | None
    value: Decimal | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            mode=text(first(data, "mode", "name")),
            value=decimal(first(data, "value", "amount")),
        )


@dataclass(frozen=True, slots=True)
class CreditNote:
    """A return's credit note (`credit_notes.credit_note[]`, asked with credit_notes=true)."""

    number: str | None
    amount: Decimal | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(number=text(data.get("number")), amount=decimal(data.get("amount")))


# Transaction types that never earn points (CONTRACT.md section 1's `type` values).
_NOT_INTERESTED = frozenset({"NOT_INTERESTED", "NOT_INTERESTED_RETURN", "NI_MIXED"})
_RETURNS = frozenset({"RETURN", "NOT_INTERESTED_RETURN"})


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
    till_code: str | None = None
    gross_amount: Decimal | None = None
    discount: Decimal | None = None
    #: None when not asked for (tenders=true / credit_notes=true).
    tenders: tuple[Tender, ...] | None = None
    credit_notes: tuple[CreditNote, ...] | None = None

    @property
    def no_points_reason(self) -> str | None:
        """Why the bill earned no points, in plain words; None when it earned some."""
        if self.points_issued:
            return None
        kind = (self.type or "").upper()
        if kind in _NOT_INTERESTED:
            return translated(
                gettext_noop(
                    "A not-interested bill: the member did not ask for points on it, so none "
                    "were issued."
                )
                if kind not in _RETURNS
                else gettext_noop("The return of a not-interested bill: it never earned points.")
            )
        if kind in _RETURNS:
            return translated(
                gettext_noop("A return: points are taken back for returned items, never issued.")
            )
        if self.points_issued is None:
            return translated(gettext_noop("Capillary sent no points figures for this bill."))
        return translated(
            gettext_noop(
                "No points were issued: the bill falls outside the program's earning rules."
            )
        )

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
            till_code=text(data.get("till_code")) or text(mapping(data.get("till")).get("code")),
            gross_amount=decimal(data.get("gross_amount")),
            discount=decimal(data.get("discount")),
            tenders=_collection(data.get("tenders"), Tender.from_api, "tender"),
            credit_notes=_collection(data.get("credit_notes"), CreditNote.from_api, "credit_note"),
        )


class CouponStatus(StrEnum):
    """What agents see: derived from `redeemed` and `valid_till` (CONTRACT.md section 2)."""

    ACTIVE = "active"
    REDEEMED = "redeemed"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return translated(_COUPON_STATUS_LABELS[self])


_COUPON_STATUS_LABELS = {
    CouponStatus.ACTIVE: gettext_noop("Active"),
    CouponStatus.REDEEMED: gettext_noop("Redeemed"),
    CouponStatus.EXPIRED: gettext_noop("Expired"),
}


@dataclass(frozen=True, slots=True)
class CouponRedemption:
    """One redemption of a coupon (`redemptions.redemption[]`): when, on which bill, where."""

    date: dt.datetime | None
    transaction_number: str | None
    store: Place | None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            date=timestamp(first(data, "date", "redeemed_on", "redeemed_date")),
            transaction_number=text(data.get("transaction_number")),
            store=Place.from_api(first(data, "redeemed_at", "store")),
        )


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
    series_name: str | None = None
    created_by: str | None = None
    issued_at: Place | None = None  # the store that issued it
    transaction_number: str | None = None  # the bill it was issued on
    redemption_count: int | None = None
    #: None when the answer says nothing of redemptions (customer/get never does).
    redemptions: tuple[CouponRedemption, ...] | None = None

    def can_redeem_on(self, when: dt.datetime) -> bool:
        """Whether the member may still redeem it on `when`: not expired, and either never
        redeemed or of a series the same member may redeem several times."""
        status = self.status_on(when)
        if status is CouponStatus.REDEEMED:
            valid_till = self.valid_till
            if valid_till is not None and _wall(valid_till) < _wall(when):
                return False
            return bool(self.same_user_multiple_redeem)
        return status is CouponStatus.ACTIVE

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
            redeemed=bool(boolean(data.get("redeemed")))
            or bool(integer(data.get("redemption_count"))),
            same_user_multiple_redeem=boolean(data.get("same_user_multiple_redeem")),
            series_name=text(data.get("series_name")),
            created_by=text(data.get("created_by")),
            issued_at=Place.from_api(data.get("issued_at")),
            transaction_number=text(data.get("transaction_number")),
            redemption_count=integer(data.get("redemption_count")),
            redemptions=_collection(
                data.get("redemptions"), CouponRedemption.from_api, "redemption"
            ),
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
class PointsEntry:
    """One line of the points history: points issued (on a bill or by a promotion) or redeemed."""

    redeemed: bool  # False: issued
    points: Number | None
    date: dt.datetime | None
    source: str | None = None  # TRANSACTION or PROMOTION for issued points
    bill_number: str | None = None
    store: Place | None = None
    expiry_date: dt.datetime | None = None
    program_id: int | None = None

    @classmethod
    def from_api(cls, data: JSONMapping, *, redeemed: bool) -> Self:
        when = first(data, "redeemed_on", "issued_on", "date", "created_date")
        return cls(
            redeemed=redeemed,
            points=number(data.get("points")),
            date=timestamp(when),
            source=text(data.get("source")),
            bill_number=text(first(data, "bill_number", "transaction_number")),
            store=Place.from_api(first(data, "store", "issued_at", "redeemed_at")),
            expiry_date=timestamp(data.get("expiry_date"), end_of_day=True),
            program_id=integer(first(data, "program_id", "programId")),
        )


def _entries(value: Any, key: str, *, redeemed: bool) -> tuple[PointsEntry, ...]:
    return tuple(
        PointsEntry.from_api(item, redeemed=redeemed) for item in listing(value, key) or ()
    )


@dataclass(frozen=True, slots=True)
class PointsSummary:
    """`points_summary` (points_summary=true): the issuance and redemption history with the
    totals beside it; older answers (the 2017 sample) carry the totals alone."""

    redeemed: Number | None
    expired: Number | None
    returned: Number | None
    adjusted: Number | None
    program_id: int | None = None
    issued: Number | None = None
    issuance_history: tuple[PointsEntry, ...] = ()
    redemption_history: tuple[PointsEntry, ...] = ()

    @property
    def history(self) -> tuple[PointsEntry, ...]:
        """Issued and redeemed points together, newest first (undated lines last)."""
        entries = self.issuance_history + self.redemption_history
        dated = sorted(
            (e for e in entries if e.date),
            key=lambda e: _wall(e.date or dt.datetime.min),
            reverse=True,
        )
        return tuple(dated) + tuple(e for e in entries if not e.date)

    @classmethod
    def from_api(cls, data: Any) -> Self | None:
        if isinstance(data, list):  # one per program: the first (the program asked for)
            data = next((item for item in data if isinstance(item, Mapping)), None)
        if not isinstance(data, Mapping) or is_blank(data):
            return None
        return cls(
            redeemed=number(data.get("redeemed")),
            expired=number(data.get("expired")),
            returned=number(data.get("returned")),
            adjusted=number(data.get("adjusted")),
            program_id=integer(first(data, "program_id", "programId")),
            issued=number(data.get("issued")),
            issuance_history=_entries(data.get("issuance_history"), "issued", redeemed=False),
            redemption_history=_entries(data.get("redemption_history"), "redeemed", redeemed=True),
        )


@dataclass(frozen=True, slots=True)
class PromotionPoints:
    """Points a promotion gave (`promotion_points`): at the member, bill or line-item level,
    with the store that issued them and when they expire."""

    points: Number | None
    issued_on: dt.datetime | None
    expiry_date: dt.datetime | None
    issued_at: Place | None
    level: str = "customer"  # customer, transaction or lineitem
    transaction_id: str | None = None
    lineitem_id: str | None = None
    program_id: int | None = None

    @classmethod
    def from_api(cls, data: JSONMapping, *, level: str = "customer") -> Self:
        return cls(
            points=number(data.get("points")),
            issued_on=timestamp(data.get("issued_on")),
            expiry_date=timestamp(data.get("expiry_date"), end_of_day=True),
            issued_at=Place.from_api(first(data, "issued_at", "store")),
            level=level,
            transaction_id=text(data.get("transaction_id")),
            lineitem_id=text(data.get("lineitem_id")),
            program_id=integer(first(data, "program_id", "programId")),
        )


_PROMOTION_LEVELS = (
    ("customer", "customer"),
    ("transactions", "transaction"),
    ("lineitems", "lineitem"),
)


def _promotion_points(value: Any) -> tuple[PromotionPoints, ...] | None:
    """`{"customer": [...], "transactions": [...], "lineitems": [...]}` (the 2017 sample's
    shape), or a bare list of member-level grants."""
    if value is None:
        return None
    if isinstance(value, Mapping) and any(key in value for key, _ in _PROMOTION_LEVELS):
        return tuple(
            PromotionPoints.from_api(item, level=level)
            for key, level in _PROMOTION_LEVELS
            for item in listing(value.get(key)) or ()
        )
    return tuple(PromotionPoints.from_api(item) for item in listing(value, "promotion") or ())


@dataclass(frozen=True, slots=True)
class DelayedPart:
    """Points earned but held back until `release_date` (delayed accrual)."""

    points: Number | None
    release_date: dt.datetime | None
    earned_on: dt.datetime | None = None
    bill_number: str | None = None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            points=number(data.get("points")),
            release_date=timestamp(first(data, "release_date", "release_on", "releaseDate")),
            earned_on=timestamp(first(data, "earned_on", "issued_on")),
            bill_number=text(first(data, "bill_number", "transaction_number")),
        )


@dataclass(frozen=True, slots=True)
class DelayedAccrual:
    """One program's pending points (`delayed_accrual`) and when each part is released."""

    program_id: int | None
    delayed_points: Number | None
    parts: tuple[DelayedPart, ...] = ()

    @property
    def next_release(self) -> dt.datetime | None:
        dates = [p.release_date for p in self.parts if p.release_date]
        return min(dates, key=_wall) if dates else None

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            program_id=integer(first(data, "program_id", "programId")),
            delayed_points=number(data.get("delayed_points")),
            parts=tuple(
                DelayedPart.from_api(item)
                for item in listing(data.get("delayed_points_details"), "delayed_point") or ()
            ),
        )


# --- Reconciling a program's figures -------------------------------------------------------------


_EXACT = Decimal("0.001")  # Capillary's points carry up to three decimals (26447.104)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Whether a program's figures obey current = lifetime − redeemed − expired − returned +
    adjusted (docs/contract-notes.md, "Reconciling points"), and that sum in plain words."""

    lifetime: Number
    current: Number
    redeemed: Number
    expired: Number
    returned: Number
    adjusted: Number

    @property
    def expected_current(self) -> Number:
        return self.lifetime - self.redeemed - self.expired - self.returned + self.adjusted

    @property
    def difference(self) -> Number:
        """Current points beyond what the other figures account for (negative: fewer)."""
        return self.current - self.expected_current

    @property
    def adds_up(self) -> bool:
        return abs(Decimal(self.difference)) < _EXACT

    @property
    def words(self) -> str:
        figures = {
            "lifetime": _points(self.lifetime),
            "redeemed": _points(self.redeemed),
            "expired": _points(self.expired),
            "returned": _points(self.returned),
            "adjusted": _points(self.adjusted if self.adjusted >= 0 else -self.adjusted),
        }
        sum_ = translated(
            gettext_noop(
                "%(lifetime)s lifetime − %(redeemed)s redeemed − %(expired)s expired − "
                "%(returned)s returned + %(adjusted)s adjusted"
            )
            if self.adjusted >= 0
            else gettext_noop(
                "%(lifetime)s lifetime − %(redeemed)s redeemed − %(expired)s expired − "
                "%(returned)s returned − %(adjusted)s adjusted"
            ),
            figures,
        )
        if self.adds_up:
            return translated(
                gettext_noop("The figures add up: %(sum)s = %(current)s current points."),
                {"sum": sum_, "current": _points(self.current)},
            )
        gap = self.difference
        words = {
            "sum": sum_,
            "expected": _points(self.expected_current),
            "current": _points(self.current),
            "gap": _points(gap if gap > 0 else -gap),
        }
        if gap > 0:
            return translated(
                gettext_noop(
                    "The figures do not add up: %(sum)s = %(expected)s, but Capillary shows "
                    "%(current)s current points (%(gap)s more)."
                ),
                words,
            )
        return translated(
            gettext_noop(
                "The figures do not add up: %(sum)s = %(expected)s, but Capillary shows "
                "%(current)s current points (%(gap)s fewer)."
            ),
            words,
        )


def _points(value: Number) -> str:
    return f"{value:,}".replace("-", "−")  # the minus sign, as in the sum around it


def reconcile(
    *,
    lifetime: Number | None,
    current: Number | None,
    redeemed: Number | None,
    expired: Number | None,
    returned: Number | None,
    adjusted: Number | None,
) -> Reconciliation | None:
    """The reconciliation of these figures, or None when there is nothing to reconcile (no
    lifetime or current points, or none of the movements). A missing movement counts as 0."""
    movements = (redeemed, expired, returned, adjusted)
    if lifetime is None or current is None or all(m is None for m in movements):
        return None
    return Reconciliation(
        lifetime=lifetime,
        current=current,
        redeemed=redeemed or 0,
        expired=expired or 0,
        returned=returned or 0,
        adjusted=adjusted or 0,
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
    tracker: Tracker | None = None  # `renew_entity_identifiers`, for TRACKER renewals

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
            tracker=Tracker.from_api(
                first(data, "renew_entity_identifiers", "renew_entity_identifers")
            ),
        )


@dataclass(frozen=True, slots=True)
class Renewal:
    """`gap_to_renew`: what keeps the member in their tier past `tier_expiry_date`."""

    tier_expiry_date: dt.datetime | None
    confirmed: bool | None
    strategies: tuple[RenewStrategy, ...] = ()
    program_id: int | None = None  # membership_retention_criteria names its program
    custom_expression: str | None = None
    expression_relation: tuple[tuple[int, ...], ...] | None = None

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
            program_id=integer(first(data, "program_id", "programId")),
            custom_expression=text(data.get("custom_expression")),
            expression_relation=int_groups(data.get("expression_relation")),
        )


@dataclass(frozen=True, slots=True)
class TierUpdateCriteria:
    """`tier_update_criteria` (asked with tier_upgrade_criteria=true): what the next tier takes,
    for points and purchase based strategies (Capillary leaves out tracker based ones)."""

    purchase_type: str | None  # e.g. CUMULATIVE_PURCHASES
    description: str | None
    min_value_required: Number | None
    program_id: int | None = None
    next_tier: str | None = None
    strategies: tuple[UpgradeStrategy, ...] = ()

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        strategies = tuple(
            UpgradeStrategy.from_api(s)
            for s in listing(data.get("upgrade_strategy"), "upgrade_strategy") or ()
        )
        lead = strategies[0] if strategies else None
        required = first(data, "min_purchase_value_required", "upgrade_threshold")
        return cls(
            purchase_type=text(first(data, "purchase_type", "upgrade_based_on"))
            or (lead.based_on if lead else None),
            description=text(data.get("description")),
            min_value_required=number(required)
            if required is not None
            else (lead.threshold if lead else None),
            program_id=integer(first(data, "program_id", "programId")),
            next_tier=text(first(data, "next_slab", "nextSlab")),
            strategies=strategies,
        )


@dataclass(frozen=True, slots=True)
class PartnerProgram:
    """A partner program linked to a loyalty program: SUPPLEMENTARY (an add-on membership for a
    period) or EXTERNAL (another brand's program, points exchanged at a rate)."""

    id: int | None
    name: str | None
    description: str | None = None
    type: str | None = None
    is_tier_based: bool | None = None
    points_exchange_rate: Decimal | None = None
    membership_period_type: str | None = None  # e.g. DAYS
    membership_period_value: int | None = None
    tiers: tuple[str, ...] = ()  # lowest first

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        tiers = sorted(
            (
                (
                    integer(first(t, "tierNumber", "tier_number")) or 0,
                    text(first(t, "tierName", "tier_name")),
                )
                for t in listing(first(data, "partnerProgramTiers", "partner_program_tiers")) or ()
            ),
            key=lambda tier: tier[0],
        )
        return cls(
            id=integer(first(data, "partnerProgramId", "partner_program_id", "id")),
            name=text(first(data, "partnerProgramName", "partner_program_name", "name")),
            description=text(
                first(data, "partnerProgramDescription", "partner_program_description")
            ),
            type=text(first(data, "partnerProgramType", "partner_program_type", "type")),
            is_tier_based=boolean(first(data, "isTierBased", "is_tier_based")),
            points_exchange_rate=decimal(first(data, "pointsExchangeRate", "points_exchange_rate")),
            membership_period_type=text(
                first(data, "membershipPeriodType", "membership_period_type")
            ),
            membership_period_value=integer(
                first(data, "membershipPeriodValue", "membership_period_value")
            ),
            tiers=tuple(name for _, name in tiers if name),
        )


def _partners(value: Any, *keys: str) -> tuple[PartnerProgram, ...]:
    return tuple(PartnerProgram.from_api(item) for item in listing(value, *keys) or ())


@dataclass(frozen=True, slots=True)
class Program:
    """One of the org's programs (`programs_list.program[]`, asked with program_summary=true)."""

    id: int | None
    name: str | None
    description: str | None
    is_default: bool
    points_to_currency_ratio: Decimal | None
    partner_programs: tuple[PartnerProgram, ...] = ()

    @classmethod
    def from_api(cls, data: JSONMapping) -> Self:
        return cls(
            id=integer(first(data, "programId", "program_id")),
            name=text(first(data, "programName", "program_name", "program_title")),
            description=text(first(data, "programDescription", "program_description")),
            is_default=bool(boolean(first(data, "isDefault", "is_default"))),
            points_to_currency_ratio=decimal(
                first(data, "pointsToCurrencyRatio", "program_points_to_currency_ratio")
            ),
            partner_programs=_partners(
                first(data, "PartnerPrograms", "partnerPrograms", "partner_programs"),
                "PartnerProgram",
                "partnerProgram",
                "partner_program",
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
    delayed_returned_points: Number | None = None
    total_returned_points: Number | None = None
    linked_partner_programs: tuple[PartnerProgram, ...] = ()

    @property
    def is_top_tier(self) -> bool:
        """The top tier has no next tier and no upgrade data."""
        return self.next_tier is None and not self.upgrade

    def worth(self, points: Number | None) -> Decimal | None:
        """What `points` are worth in the program's currency: points × the points-to-currency
        ratio (docs/contract-notes.md, "Points worth"); None without a ratio."""
        if points is None or self.points_to_currency_ratio is None:
            return None
        return Decimal(points) * self.points_to_currency_ratio

    @property
    def balance_worth(self) -> Decimal | None:
        """The money value of the current (loyalty) points."""
        return self.worth(self.loyalty_points)

    @property
    def available_worth(self) -> Decimal | None:
        """The money value of the points available for redemption."""
        return self.worth(self.total_available_points)

    @property
    def reconciliation(self) -> Reconciliation | None:
        """Whether this program's figures add up (None when they are not there to check)."""
        return reconcile(
            lifetime=self.lifetime_points,
            current=self.loyalty_points,
            redeemed=self.redeemed,
            expired=self.expired,
            returned=self.returned,
            adjusted=self.adjusted,
        )

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
            delayed_returned_points=number(data.get("delayed_returned_points")),
            total_returned_points=number(data.get("total_returned_points")),
            linked_partner_programs=_partners(
                data.get("linked_partner_programs"), "linked_partner_program"
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
    #: The org's programs with their partner programs (program_summary=true).
    programs_list: tuple[Program, ...] | None = None
    promotion_points: tuple[PromotionPoints, ...] | None = None
    delayed_accrual: tuple[DelayedAccrual, ...] | None = None
    tier_update_criteria: tuple[TierUpdateCriteria, ...] | None = None
    retention_criteria: Renewal | None = None  # membership_retention_criteria
    segments: tuple[Segment, ...] | None = None
    user_groups: tuple[UserGroup, ...] | None = None
    #: The profile image's address (customer_image=true): only for viewers allowed contact data.
    image_url: str | None = None
    gender: str | None = None  # the top-level key of older answers, else the extended field
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

    @property
    def notices(self) -> tuple[Warning, ...]:
        """What to tell the agent about this answer: the warnings, and the item's own code when
        it says the data is partial (91001 points failed, ...) or merged (91009); each has
        `meaning` in plain words."""
        own = self.item.code
        if own in _WARNING_KINDS and all(w.code != own for w in self.item.warnings):
            return (Warning(own, self.item.message), *self.item.warnings)
        return self.item.warnings

    @property
    def points_reconciliation(self) -> Reconciliation | None:
        """Whether the top-level figures add up with `points_summary`'s movements."""
        summary = self.points_summary
        if summary is None:
            return None
        return reconcile(
            lifetime=self.lifetime_points,
            current=self.loyalty_points,
            redeemed=summary.redeemed,
            expired=summary.expired,
            returned=summary.returned,
            adjusted=summary.adjusted,
        )

    @classmethod
    def from_api(cls, data: Any, *, request_id: str | None = None) -> Self:
        """Read one entry of `customers.customer[]`."""
        if not isinstance(data, Mapping):
            raise MalformedResponse(request_id=request_id)
        extended_fields = _fields(data.get("extended_fields"))
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
            extended_fields=extended_fields,
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
            programs_list=_collection(
                first(data, "programs_list", "program_summary"), Program.from_api, "program"
            ),
            promotion_points=_promotion_points(data.get("promotion_points")),
            delayed_accrual=_collection(
                data.get("delayed_accrual"), DelayedAccrual.from_api, "delayed_accrual"
            ),
            tier_update_criteria=_collection(
                first(data, "tier_update_criteria", "tier_upgrade_criteria"),
                TierUpdateCriteria.from_api,
                "criteria",
            ),
            retention_criteria=Renewal.from_api(data.get("membership_retention_criteria")),
            segments=_segments(data.get("segments")),
            user_groups=_user_groups(data),
            image_url=_image_url(data.get("customer_image")),
            gender=text(data.get("gender")) or _field_value(extended_fields, "gender"),
            item=ItemStatus.from_api(data.get("item_status")),
            merged_from=text(data.get("merged_from")),
            request_id=request_id,
        )


def _field_value(fields: tuple[Field, ...], name: str) -> str | None:
    return next((f.value for f in fields if f.name.lower() == name), None)


def _segments(value: Any) -> tuple[Segment, ...] | None:
    items = listing(value, "segment")
    if items is None:
        return None
    return tuple(s for s in (Segment.from_api(item) for item in items) if s is not None)


def _user_groups(data: JSONMapping) -> tuple[UserGroup, ...] | None:
    value = next(
        (data[k] for k in ("user_group", "user_groups", "user_groups2") if k in data), None
    )
    items = listing(value, "user_group", "group")
    if items is None:
        return None
    return tuple(g for g in (UserGroup.from_api(item) for item in items) if g is not None)


def _image_url(value: Any) -> str | None:
    if isinstance(value, str):
        return text(value)
    return text(first(mapping(value), "url", "image_url", "customer_image_url"))


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
        if customers is None:
            customers = body.get("customer")  # `response.customer`, as in an older sample
        items: tuple[JSONMapping, ...] | None = None
        if customers is not None:
            items = tuple(listing(customers, "customer") or ())
        if status is None and items is None and error_code is None:
            return None
        return cls(status=status, items=items, error_code=error_code)
