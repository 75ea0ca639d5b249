"""Which parts of a member to ask Capillary for: the flags and controls of `GET /v1.1/customer/get`.

Flags, coupon controls, transaction filters and gap values: CONTRACT.md section 1, from
https://docs.capillarytech.com/reference/get-customer-details-v1api
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
        if self.store_code is not None:
            if not self.store_code or "," in self.store_code:
                raise ValueError("store_code must be one non-empty store code.")
            params["store_code"] = self.store_code

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


def transactions_only(type: str = "ALL", store_code: str | None = None) -> CustomerQuery:
    """The user id plus recent transactions (of `type`, optionally at one store), no coupons."""
    return CustomerQuery(
        embed=frozenset({"user_id", "transactions"}),
        coupon_limit=0,  # coupons come by default; 0 returns none
        transaction_type=type,
        store_code=store_code,
    )
