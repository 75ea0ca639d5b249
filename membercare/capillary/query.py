"""Which parts of a member to ask Capillary for: the flags and controls of `GET /v1.1/customer/get`.

Flags, coupon controls, transaction filters and gap values: CONTRACT.md section 1, from
https://docs.capillarytech.com/reference/get-customer-details-v1api
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

# Every `=true` embed flag the endpoint documents.
EMBED_FLAGS = frozenset(
    {
        "user_id",
        "next_slab",
        "slab_history",
        "registered_store",
        "registered_till",
        "fraud_details",
        "ndnc_status",
        "optin_status",
        "expiry_schedule",
        "expired_points",
        "points_summary",
        "promotion_points",
        "membership_retention_criteria",
        "tier_upgrade_criteria",
        "mlp",
        "user_group",
        "customer_image",
        "transactions",
        "subscriptions",
        "segments",
        "card_details",
        "delayed_accrual",
        "program_summary",
    }
)
# Capillary sends these unless told not to: a query that leaves them out sends them as `false`,
# so that a narrow query is really narrow.
DEFAULT_ON_FLAGS = frozenset({"registered_store", "registered_till", "fraud_details"})

COUPON_ORDER_BY = frozenset({"created_date", "created_by", "valid_till"})
COUPON_SORT_ORDER = frozenset({"asc", "desc"})
COUPON_STATUS = frozenset({"unredeemed", "redeemed", "expired", "active"})
TRANSACTION_TYPES = frozenset(
    {"REGULAR", "NOT_INTERESTED", "RETURN", "NOT_INTERESTED_RETURN", "MIXED", "NI_MIXED", "ALL"}
)


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """What to ask for. Hashable, so it can be part of a cache key.

    `params()` checks every value against the contract's allowed sets (ValueError otherwise), so a
    typo becomes a loud error in development instead of a silently ignored query parameter.
    """

    embed: frozenset[str] = field(default_factory=frozenset)
    coupon_limit: int | None = None
    coupon_offset: int = 0
    coupon_order_by: str | None = None
    coupon_sort_order: str | None = None
    coupon_status: str | None = None
    transaction_type: str | None = None
    store_code: str | None = None
    # The other transaction filters (CONTRACT.md section 1): a bill's number, its day (one
    # YYYY-MM-DD: the API takes no range), its exact amount, its till; tenders and credit notes.
    transaction_number: str | None = None
    transaction_date: dt.date | None = None
    transaction_amount: Decimal | None = None
    till_code: str | None = None
    tenders: bool = False
    credit_notes: bool = False
    gap_to_upgrade_for: int | None = None
    gap_to_renew_for: int | None = None
    program_id: int | None = None

    def __post_init__(self) -> None:
        # Accept any iterable of names (a set, a list) but keep the dataclass hashable.
        if not isinstance(self.embed, frozenset):
            object.__setattr__(self, "embed", frozenset(_as_iterable(self.embed)))

    def params(self) -> dict[str, str]:
        """The query parameters for these parts (without the identifier and `format`)."""
        unknown = self.embed - EMBED_FLAGS
        if unknown:
            raise ValueError(f"Unknown embed flags: {', '.join(sorted(unknown))}.")
        params = {flag: "true" for flag in sorted(self.embed)}
        for flag in sorted(DEFAULT_ON_FLAGS - self.embed):
            params[flag] = "false"

        if self.coupon_limit is not None:
            params["coupon_limit"] = str(_non_negative("coupon_limit", self.coupon_limit))
        if _non_negative("coupon_offset", self.coupon_offset):
            params["coupon_offset"] = str(self.coupon_offset)
        for name, value, allowed in (
            ("coupon_order_by", self.coupon_order_by, COUPON_ORDER_BY),
            ("coupon_sort_order", self.coupon_sort_order, COUPON_SORT_ORDER),
            ("coupon_status", self.coupon_status, COUPON_STATUS),
            ("type", self.transaction_type, TRANSACTION_TYPES),
        ):
            if value is not None:
                params[name] = _one_of(name, value, allowed)
        for name, code in (("store_code", self.store_code), ("till_code", self.till_code)):
            if code is not None:
                if not code or "," in code:
                    raise ValueError(f"{name} must be one non-empty code.")
                params[name] = code
        if self.transaction_number is not None:
            if not self.transaction_number.strip() or "," in self.transaction_number:
                raise ValueError("transaction_number must be one non-empty bill number.")
            params["number"] = self.transaction_number.strip()
        if self.transaction_date is not None:
            if isinstance(self.transaction_date, dt.datetime) or not isinstance(
                self.transaction_date, dt.date
            ):
                raise ValueError("transaction_date must be a date (a day, not a time).")
            params["date"] = self.transaction_date.isoformat()
        if self.transaction_amount is not None:
            amount = self.transaction_amount
            if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
                raise ValueError("transaction_amount must be a Decimal.")
            if not Decimal(amount).is_finite():
                raise ValueError("transaction_amount must be a finite number.")
            params["amount"] = str(amount)
        if self.tenders:
            params["tenders"] = "true"
        if self.credit_notes:
            params["credit_notes"] = "true"

        for name, days in (
            ("gap_to_upgrade_for", self.gap_to_upgrade_for),
            ("gap_to_renew_for", self.gap_to_renew_for),
        ):
            if days is not None:
                # The gaps are per program, so Capillary only computes them with mlp=true.
                if "mlp" not in self.embed:
                    raise ValueError(f"{name} needs 'mlp' in embed.")
                params[name] = str(_non_negative(name, days))
        if self.program_id is not None:
            if isinstance(self.program_id, bool) or self.program_id < 1:
                raise ValueError("program_id must be a positive integer.")
            params["program_id"] = str(self.program_id)
        return params


def _as_iterable(value: object) -> Iterable[str]:
    if isinstance(value, str):  # "user_id" would otherwise become {"u", "s", ...}
        raise ValueError("embed must be a collection of flag names, not a string.")
    if not isinstance(value, Iterable):
        raise ValueError("embed must be a collection of flag names.")
    return value


def _non_negative(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer.")
    return value


def _one_of(name: str, value: str, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(sorted(allowed))}; got {value!r}.")
    return value


# Everything the customer page shows. Extended fields, custom fields and coupons come by default;
# coupon_limit is three pages of 10 and one more, to know whether a fourth exists: most calls page
# no further than that, so one upstream call serves them (membercare.lookup.services).
FULL_VIEW = CustomerQuery(
    embed=frozenset(
        {
            "user_id",
            "next_slab",
            "slab_history",
            "registered_store",
            "registered_till",
            "fraud_details",
            "ndnc_status",
            "optin_status",
            "expiry_schedule",
            "expired_points",
            "points_summary",
            "mlp",
            "transactions",
            "subscriptions",
            "card_details",
            "segments",
            "program_summary",
        }
    ),
    gap_to_upgrade_for=0,
    gap_to_renew_for=0,
    coupon_limit=31,
    transaction_type="ALL",
)


def coupons_page(
    limit: int = 11,
    offset: int = 0,
    order_by: str | None = None,
    sort_order: str | None = None,
    status: str | None = None,
) -> CustomerQuery:
    """The user id plus one page of coupons. `limit` is sent as `coupon_limit` as it is: ask for
    one more than the page size to learn whether a next page exists (no total comes back)."""
    return CustomerQuery(
        embed=frozenset({"user_id"}),
        coupon_limit=limit,
        coupon_offset=offset,
        coupon_order_by=order_by,
        coupon_sort_order=sort_order,
        coupon_status=status,
    )


def transactions_only(
    type: str = "ALL",
    store_code: str | None = None,
    *,
    number: str | None = None,
    date: dt.date | None = None,
    amount: Decimal | None = None,
    till_code: str | None = None,
    tenders: bool = False,
    credit_notes: bool = False,
) -> CustomerQuery:
    """The user id plus recent transactions (of `type`, optionally at one store, with one bill
    number, on one day, of one amount, at one till), no coupons; tenders and credit notes on
    demand. One call whatever the filters."""
    return CustomerQuery(
        embed=frozenset({"user_id", "transactions"}),
        coupon_limit=0,  # coupons come by default; 0 returns none
        transaction_type=type,
        store_code=store_code,
        transaction_number=number,
        transaction_date=date,
        transaction_amount=amount,
        till_code=till_code,
        tenders=tenders,
        credit_notes=credit_notes,
    )


def tier_what_if(days: int = 30) -> CustomerQuery:
    """The tier panel's "in N days" (0 to 365): each program's gaps to upgrade and renew as of
    today + `days`, with today's upgrade and retention criteria. One call, tier data only."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
        raise ValueError("days must be a whole number from 0 to 365.")
    return CustomerQuery(
        embed=frozenset(
            {"user_id", "mlp", "tier_upgrade_criteria", "membership_retention_criteria"}
        ),
        coupon_limit=0,
        gap_to_upgrade_for=days,
        gap_to_renew_for=days,
    )


def points_detail() -> CustomerQuery:
    """The points panel's detail: per program figures (mlp), the points history, promotion
    points (up to the API's 1,000), delayed (pending) points, the expiry schedule and expired
    points. One call, no coupons."""
    return CustomerQuery(
        embed=frozenset(
            {
                "user_id",
                "mlp",
                "points_summary",
                "promotion_points",
                "delayed_accrual",
                "expiry_schedule",
                "expired_points",
            }
        ),
        coupon_limit=0,
    )
