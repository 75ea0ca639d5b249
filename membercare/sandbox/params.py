"""What a `GET /v1.1/customer/get` call asks for, parsed and validated (CONTRACT.md section 1)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from django.http import QueryDict

from membercare.sandbox.catalog import LABEL_LANGUAGES

IDENTIFIER_KINDS: Final = (
    "mobile",
    "email",
    "external_id",
    "id",
    "card_number",
    "card_external_id",
)
# The item field that echoes the value asked for (clients match bulk items by it).
ECHO_FIELD: Final = {
    "mobile": "mobile",
    "email": "email",
    "external_id": "external_id",
    "id": "user_id",
    "card_number": "card_number",
    "card_external_id": "card_external_id",
}
EMBED_FLAGS: Final = frozenset(
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
# On unless asked `=false`.
DEFAULT_ON_FLAGS: Final = frozenset({"registered_store", "registered_till", "fraud_details"})
COUPON_ORDERS: Final = ("created_date", "created_by", "valid_till")
COUPON_STATUSES: Final = ("unredeemed", "redeemed", "expired", "active")
TRANSACTION_TYPES: Final = (
    "REGULAR",
    "NOT_INTERESTED",
    "RETURN",
    "NOT_INTERESTED_RETURN",
    "MIXED",
    "NI_MIXED",
    "ALL",
)

_MOBILE = re.compile(r"\+?[0-9]{6,15}")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
_TOKEN = re.compile(r"[^\s,]{1,100}")  # external ids and card identifiers: no spaces, no commas
_USER_ID = re.compile(r"[0-9]{1,18}")
_VALUE_SHAPES: Final = {
    "mobile": _MOBILE,
    "email": _EMAIL,
    "external_id": _TOKEN,
    "id": _USER_ID,
    "card_number": _TOKEN,
    "card_external_id": _TOKEN,
}


class BadRequest(Exception):
    """The call as a whole is malformed: HTTP 400 with this message."""


@dataclass(frozen=True)
class CouponQuery:
    limit: int | None  # None: every coupon
    offset: int
    order_by: str
    descending: bool
    status: str | None  # one of COUPON_STATUSES
    active_only: bool


@dataclass(frozen=True)
class TransactionQuery:
    type: str  # REGULAR by default, ALL for every type
    number: str | None
    store_code: str | None
    till_code: str | None
    amount: Decimal | None
    on_date: date | None
    tenders: bool
    credit_notes: bool


@dataclass(frozen=True)
class LookupQuery:
    kind: str
    values: tuple[str, ...]  # as asked, in order, surrounding spaces removed
    flags: frozenset[str]
    gap_to_upgrade_for: int | None  # only with mlp
    gap_to_renew_for: int | None
    program_id: int | None
    coupons: CouponQuery
    transactions: TransactionQuery
    language: str

    def wants(self, flag: str) -> bool:
        return flag in self.flags


def parse_lookup(params: QueryDict, headers: Mapping[str, str]) -> LookupQuery:
    """The call's identifier, flags and controls; raises BadRequest for a malformed call."""
    if params.get("format", "json").lower() != "json":
        raise BadRequest("Only format=json is supported")
    kinds = [kind for kind in IDENTIFIER_KINDS if kind in params]
    if not kinds:
        raise BadRequest(f"No identifier: pass one of {', '.join(IDENTIFIER_KINDS)}")
    if len(kinds) > 1:
        raise BadRequest("Pass exactly one identifier kind per call")
    kind = kinds[0]
    raw = ",".join(params.getlist(kind))
    flags = _flags(params)
    mlp = "mlp" in flags
    return LookupQuery(
        kind=kind,
        values=tuple(value.strip() for value in raw.split(",")),
        flags=flags,
        gap_to_upgrade_for=_days(params, "gap_to_upgrade_for") if mlp else None,
        gap_to_renew_for=_days(params, "gap_to_renew_for") if mlp else None,
        program_id=_positive_int(params, "program_id"),
        coupons=_coupon_query(params),
        transactions=_transaction_query(params),
        language=_language(headers.get("language", "")),
    )


def invalid_value_code(kind: str, value: str) -> int | None:
    """1015 for an empty value, 1042 for one that cannot be a `kind`, None when it may be one."""
    if not value:
        return 1015
    return None if _VALUE_SHAPES[kind].fullmatch(value) else 1042


def normalized(kind: str, value: str) -> str:
    """The form identifiers are stored in: e-mails lower-cased, mobiles without a leading +."""
    if kind == "email":
        return value.lower()
    if kind == "mobile":
        return value.removeprefix("+")
    return value


def _is_true(value: str) -> bool:
    return value.strip().lower() in {"true", "1"}


def _is_false(value: str) -> bool:
    return value.strip().lower() in {"false", "0"}


def _flags(params: QueryDict) -> frozenset[str]:
    on = set()
    for flag in EMBED_FLAGS:
        value = params.get(flag)
        if flag in DEFAULT_ON_FLAGS:
            if value is None or not _is_false(value):
                on.add(flag)
        elif value is not None and _is_true(value):
            on.add(flag)
    return frozenset(on)


def _int(params: QueryDict, name: str) -> int | None:
    value = params.get(name)
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None


def _days(params: QueryDict, name: str) -> int | None:
    days = _int(params, name)
    if days is not None and days < 0:
        raise BadRequest(f"{name} must be 0 (today) or a positive number of days")
    return days


def _positive_int(params: QueryDict, name: str) -> int | None:
    number = _int(params, name)
    if number is not None and number <= 0:
        raise BadRequest(f"{name} must be a positive integer")
    return number


def _choice(params: QueryDict, name: str, choices: tuple[str, ...], default: str) -> str:
    """One of `choices` in its own spelling, whatever the case asked; `default` when absent."""
    value = params.get(name, "")
    if not value:
        return default
    canonical = {choice.lower(): choice for choice in choices}.get(value.lower())
    if canonical is None:
        raise BadRequest(f"{name} must be one of {', '.join(choices)}")
    return canonical


def _coupon_query(params: QueryDict) -> CouponQuery:
    limit = _int(params, "coupon_limit")
    offset = _int(params, "coupon_offset") or 0
    if (limit is not None and limit < 0) or offset < 0:
        raise BadRequest("coupon_limit and coupon_offset must not be negative")
    return CouponQuery(
        limit=limit,
        offset=offset,
        order_by=_choice(params, "coupon_order_by", COUPON_ORDERS, "created_date"),
        descending=_choice(params, "coupon_sort_order", ("asc", "desc"), "desc") == "desc",
        status=_choice(params, "coupon_status", COUPON_STATUSES, "") or None,
        active_only=_is_true(params.get("coupon_active", "")),
    )


def _transaction_query(params: QueryDict) -> TransactionQuery:
    amount = params.get("amount")
    on_date = params.get("date")
    try:
        parsed_amount = Decimal(amount) if amount else None
    except InvalidOperation:
        parsed_amount = Decimal("NaN")
    if parsed_amount is not None and not parsed_amount.is_finite():
        raise BadRequest("amount must be a number")
    try:
        parsed_date = date.fromisoformat(on_date) if on_date else None
    except ValueError:
        raise BadRequest("date must be YYYY-MM-DD") from None
    return TransactionQuery(
        type=_choice(params, "type", TRANSACTION_TYPES, "REGULAR"),
        number=params.get("number") or None,
        store_code=params.get("store_code") or None,
        till_code=params.get("till_code") or None,
        amount=parsed_amount,
        on_date=parsed_date,
        tenders=_is_true(params.get("tenders", "")),
        credit_notes=_is_true(params.get("credit_notes", "")),
    )


def _language(header: str) -> str:
    """`zh`, `zh-CN` and `ZH_cn` all mean Chinese; anything unknown means English."""
    code = re.split(r"[-_]", header.strip().lower(), maxsplit=1)[0]
    return code if code in LABEL_LANGUAGES else "en"
