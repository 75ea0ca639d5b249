"""Capillary-shaped dicts: the envelope, item statuses and one customer's sections.

Values follow Capillary's samples: numbers as strings, booleans as "true"/"false", dates
`YYYY-MM-DD HH:MM:SS` in the org's time zone. Status codes are JSON numbers, as in the shapes of
docs/contract-notes.md.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Final

from django.utils import timezone

from membercare.sandbox.catalog import PARTNER_PROGRAMS
from membercare.sandbox.data import POINTS_HISTORY_MAX, Row, Sections, TierInfo, points_on
from membercare.sandbox.models import Customer, FraudStatus, RenewalBasis, UpgradeBasis
from membercare.sandbox.params import ECHO_FIELD, LookupQuery

MESSAGES: Final = {
    1000: "Customer successfully retrieved",
    1012: "Customer not found",
    1015: "Identifier value is empty",
    1044: "No permission to view this customer",
    1060: "Batch limit exceeded",
    8109: "Customer is deleted after PII delete request",
    91001: "Points details could not be retrieved",
    91009: "Customer is merged: the account it was merged into is returned",
}
INVALID_MESSAGES: Final = {
    "mobile": "Invalid mobile",
    "email": "Invalid email",
    "external_id": "Invalid external id",
    "id": "Invalid user id",
    "card_number": "Invalid card number",
    "card_external_id": "Invalid card external id",
}
# Items that carry a customer's data; every other code is a failed item.
SUCCESS_CODES: Final = frozenset({1000, 91001, 91009})
FRAUD_WARNED: Final = frozenset({FraudStatus.CONFIRMED, FraudStatus.RECONFIRMED})
# Sections that come from the points service, missing for a 91001 (partial) item.
POINTS_FIELDS: Final = ("lifetime_points", "lifetime_purchases", "loyalty_points")


@dataclass
class Item:
    """One asked value and what the call found for it."""

    value: str
    code: int
    customer: Customer | None = None  # the member whose data is shown (the survivor for 91009)
    merged_from: int | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.code in SUCCESS_CODES


# -- Small formatters -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dates:
    """Formats dates in the org's time zone, looked up once per call (a call formats hundreds)."""

    tz: tzinfo

    def dt(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return value.astimezone(self.tz).replace(tzinfo=None).isoformat(" ", "seconds")

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date()
        return value.isoformat()


def yes(value: bool) -> str:
    return "true" if value else "false"


def status(code: int, message: str, *, success: bool, **counts: int) -> dict[str, Any]:
    block: dict[str, Any] = {"success": yes(success), "code": code, "message": message}
    block.update({name: str(count) for name, count in counts.items()})
    return block


def error_envelope(code: int, message: str) -> dict[str, Any]:
    return {"response": {"status": status(code, message, success=False)}}


# -- The envelope ---------------------------------------------------------------------------


def overall_code(items: list[Item]) -> int:
    succeeded = sum(item.success for item in items)
    if succeeded == len(items):
        return 200
    return 201 if succeeded else 500


def envelope(items: list[Item], customers: list[dict[str, Any]]) -> dict[str, Any]:
    code = overall_code(items)
    message = {
        200: "Success",
        201: "Some requests have failed due to errors",
        500: "All requests have failed due to errors",
    }[code]
    return {
        "response": {
            "status": status(
                code,
                message,
                success=code != 500,
                total=len(items),
                success_count=sum(item.success for item in items),
            ),
            "customers": {"customer": customers},
        }
    }


def item_status(item: Item, query: LookupQuery, *, batch_limit: int) -> dict[str, Any]:
    if item.code == 1042:
        message = INVALID_MESSAGES[query.kind]
    elif item.code == 1060:
        message = f"{MESSAGES[1060]}: at most {batch_limit} identifiers per call"
    else:
        message = MESSAGES[item.code]
    return {
        "success": yes(item.success),
        "code": item.code,
        "message": message,
        "warnings": item.warnings,
    }


def failed_item(item: Item, query: LookupQuery, *, batch_limit: int) -> dict[str, Any]:
    return {
        ECHO_FIELD[query.kind]: item.value,
        "item_status": item_status(item, query, batch_limit=batch_limit),
    }


# -- One customer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every section of a call needs besides the customer."""

    query: LookupQuery
    sections: Sections
    today: date
    batch_limit: int
    dates: Dates = field(default_factory=lambda: Dates(timezone.get_current_timezone()))

    @property
    def program_id(self) -> int:
        return self.query.program_id or self.sections.catalog.default_program_id

    def store(self, store_id: int | None) -> dict[str, str]:
        store = self.sections.catalog.stores.get(store_id) if store_id else None
        return {"code": store["code"], "name": store["name"]} if store else {"code": "", "name": ""}

    def till(self, till_id: int | None) -> dict[str, str]:
        till = self.sections.catalog.tills.get(till_id) if till_id else None
        return {"code": till["code"], "name": till["name"]} if till else {"code": "", "name": ""}


def customer_item(item: Item, ctx: Context) -> dict[str, Any]:
    customer = item.customer
    assert customer is not None
    query = ctx.query
    uid = customer.user_id
    memberships = [
        m
        for m in ctx.sections.memberships.get(uid, [])
        if not query.program_id or m["program_id"] == query.program_id
    ]
    main = next((m for m in memberships if m["program_id"] == ctx.program_id), None)
    main_tier = ctx.sections.catalog.tiers[main["tier_id"]] if main else None
    with_points = not customer.points_unavailable

    data: dict[str, Any] = {}
    if query.wants("user_id") or query.kind == "id":
        data["user_id"] = str(uid)
    data |= {
        "firstname": customer.firstname,
        "lastname": customer.lastname,
        "mobile": customer.mobile or "",
        "email": customer.email or "",
        "external_id": customer.external_id or "",
    }
    if with_points:
        data |= {
            "lifetime_points": str(main["lifetime_points"]) if main else "0",
            "lifetime_purchases": str(main["cumulative_purchases"]) if main else "0",
            "loyalty_points": str(main["loyalty_points"]) if main else "0",
        }
    data["current_slab"] = main_tier.name if main_tier else ""
    data["tier_expiry_date"] = ctx.dates.dt(main["tier_expiry_date"]) if main else ""
    if query.wants("next_slab"):
        following = ctx.sections.catalog.next_tier(main_tier) if main_tier else None
        data |= {
            "next_slab": following.name if following else "",
            "next_slab_serial_number": str(following.serial) if following else "",
            "next_slab_description": following.description if following else "",
        }
    data |= {
        "registered_on": ctx.dates.dt(customer.registered_on),
        "updated_on": ctx.dates.dt(customer.updated_on),
        "type": customer.type,
        "source": customer.source,
        "identifiers": [],
        # No top-level gender: it is an extended field, as in Capillary's current samples.
        "registered_by": customer.registered_by,
    }
    if query.wants("registered_store"):
        data["registered_store"] = ctx.store(customer.registered_store_id)
    if query.wants("registered_till"):
        data["registered_till"] = ctx.till(customer.registered_till_id)
    if query.wants("fraud_details"):
        data["fraud_details"] = {
            "status": customer.fraud_status,
            "marked_by": customer.fraud_marked_by,
            "modified_on": ctx.dates.dt(customer.fraud_modified_on),
            "reason": customer.fraud_reason,
        }
    if query.wants("ndnc_status"):
        data["ndnc_status"] = customer.ndnc_status
    if query.wants("optin_status"):
        data["optin_status"] = customer.optin_status
    data["trackers"] = []
    data["current_nps_status"] = []
    data["custom_fields"] = {
        "field": [
            {"name": f["name"], "value": f["value"]}
            for f in ctx.sections.custom_fields.get(uid, [])
        ]
    }
    data["extended_fields"] = {
        "field": [_extended_field(f, ctx) for f in ctx.sections.extended_fields.get(uid, [])]
    }
    if query.wants("transactions"):
        data["transactions"] = {
            "transaction": [_transaction(t, ctx) for t in ctx.sections.transactions.get(uid, [])]
        }
    data["coupons"] = _coupons(ctx.sections.coupons.get(uid, []), ctx)
    data["notes"] = []
    if with_points:
        data |= _points_sections(uid, memberships, main, ctx)
    if query.wants("slab_history"):
        data["slab_history"] = _slab_history(ctx.sections.tier_changes.get(uid, []), ctx)
    if query.wants("subscriptions"):
        data["subscriptions"] = {
            "subscription": [
                {
                    "channel": s["channel"],
                    "priority": s["priority"],
                    "status": s["status"],
                    "updated_on": ctx.dates.dt(s["updated_on"]),
                }
                for s in ctx.sections.subscriptions.get(uid, [])
            ]
        }
    if query.wants("segments"):
        data["segments"] = {"segment": _segments(customer, main, ctx)}
    if query.wants("card_details"):
        data["card_details"] = {"card": [_card(c, ctx) for c in ctx.sections.cards.get(uid, [])]}
    if query.wants("user_group"):
        data["user_group"] = []  # the sandbox's members belong to no group
    if query.wants("customer_image"):
        data["customer_image"] = {"url": ""}

    # The echo comes last so that it wins: items must carry the value that was asked for
    # (for a merged account asked by id, `merged_from` carries it and user_id stays the survivor's).
    echo = ECHO_FIELD[query.kind]
    if item.merged_from is not None:
        data["merged_from"] = str(item.merged_from)
    if not (query.kind == "id" and item.merged_from is not None):
        data[echo] = item.value
    data["item_status"] = item_status(item, query, batch_limit=ctx.batch_limit)
    return data


def top_tier_programs(item: Item, ctx: Context) -> list[str]:
    """Names of the programs (of this call) in which the member is already at the top tier."""
    assert item.customer is not None
    catalog = ctx.sections.catalog
    names = []
    for m in ctx.sections.memberships.get(item.customer.user_id, []):
        if ctx.query.program_id and m["program_id"] != ctx.query.program_id:
            continue
        tier = catalog.tiers[m["tier_id"]]
        if catalog.next_tier(tier) is None:
            names.append(tier.program_name)
    return names


def _coupons(rows: list[Row], ctx: Context) -> list[dict[str, str]]:
    query = ctx.query
    start = query.coupons.offset
    stop = None if query.coupons.limit is None else start + query.coupons.limit
    return [
        {
            "id": str(c["id"]),
            "series_id": str(c["series_id"]),
            "code": c["code"],
            "description": c["description"],
            "created_date": ctx.dates.dt(c["created_date"]),
            "created_by": c["created_by"],
            "valid_till": ctx.dates.dt(c["valid_till"]),
            "redeemed": yes(c["redeemed"]),
            "same_user_multiple_redeem": yes(c["same_user_multiple_redeem"]),
        }
        for c in rows[start:stop]
    ]


def _transaction(t: Row, ctx: Context) -> dict[str, Any]:
    query = ctx.query
    data: dict[str, Any] = {
        "id": str(t["id"]),
        "number": t["number"],
        "type": t["type"],
        "created_date": ctx.dates.dt(t["created_date"]),
        "store": ctx.store(t["store_id"])["name"],
        "store_code": ctx.store(t["store_id"])["code"],
        "till_code": ctx.till(t["till_id"])["code"],
        "amount": str(t["amount"]),
        "gross_amount": str(t["gross_amount"]),
        "discount": str(t["discount"]),
        "points": {"issued": str(t["points_issued"]), "redeemed": str(t["points_redeemed"])},
        "notes": t["notes"],
    }
    if query.transactions.tenders:
        data["tenders"] = {"tender": t["tenders"]}
    if query.transactions.credit_notes:
        data["credit_notes"] = {
            "credit_note": (
                [{"number": t["credit_note_number"], "amount": str(t["amount"])}]
                if t["credit_note_number"]
                else []
            )
        }
    return data


def _points_sections(
    uid: int, memberships: list[Row], main: Row | None, ctx: Context
) -> dict[str, Any]:
    query = ctx.query
    tiers = ctx.sections.catalog.tiers
    data: dict[str, Any] = {}
    lots = ctx.sections.expiry_lots.get(uid, [])
    if query.wants("points_summary") and main:
        data["points_summary"] = _points_history(uid, main, ctx)
    if query.wants("mlp"):
        data["points_summaries"] = {
            "points_summary": [_points_summary(m, lots, ctx) for m in memberships]
        }
    if query.wants("expiry_schedule"):
        data["expiry_schedule"] = [
            {
                "points": str(lot["points"]),
                "expiry_date": ctx.dates.day(lot["expiry_date"]),
                "program_id": str(lot["program_id"]),
            }
            for lot in lots
        ]
    if query.wants("expired_points"):
        data["expired_points"] = [
            {
                "points": str(e["points"]),
                "expired_on": ctx.dates.day(e["expired_on"]),
                "program_id": str(e["program_id"]),
            }
            for e in ctx.sections.expired.get(uid, [])
        ]
    if query.wants("promotion_points"):
        data["promotion_points"] = _promotion_points(ctx.sections.promotions.get(uid, []), ctx)
    if query.wants("tier_upgrade_criteria") and main:
        criteria = tier_update_criteria(main, tiers[main["tier_id"]], ctx, lots)
        if criteria:  # none for the top tier, nor for a tier reached by trackers only
            data["tier_update_criteria"] = criteria
    if query.wants("membership_retention_criteria") and main:
        purchases = ctx.sections.tracker_purchases.get(uid, [])
        data["membership_retention_criteria"] = {
            "program_id": str(main["program_id"]),
            **gap_to_renew(main, tiers[main["tier_id"]], ctx, lots, ctx.today, purchases),
        }
    if query.wants("delayed_accrual"):
        data["delayed_accrual"] = [
            _delayed_accrual(m, ctx.sections.delayed.get(uid, []), ctx) for m in memberships
        ]
    if query.wants("program_summary"):
        data["programs_list"] = {"program": _programs_list(ctx)}
    return data


def _points_summary(m: Row, lots: list[Row], ctx: Context) -> dict[str, Any]:
    tier = ctx.sections.catalog.tiers[m["tier_id"]]
    following = ctx.sections.catalog.next_tier(tier)
    summary: dict[str, Any] = {
        "programId": str(m["program_id"]),
        "program_title": tier.program_name,
        "program_description": tier.program_description,
        "program_points_to_currency_ratio": str(tier.points_ratio.normalize()),
        "redeemed": str(m["redeemed_points"]),
        "expired": str(m["expired_points"]),
        "returned": str(m["returned_points"]),
        "adjusted": str(m["adjusted_points"]),
        "lifetimePoints": str(m["lifetime_points"]),
        "loyaltyPoints": str(m["loyalty_points"]),
        "cumulativePurchases": str(m["cumulative_purchases"]),
        "currentSlab": tier.name,
        "currentSlabDescription": tier.description,
        "slabSNo": str(tier.serial),
        "slabExpiryDate": ctx.dates.dt(m["tier_expiry_date"]),
        "nextSlab": following.name if following else "",
        "nextSlabSerialNumber": str(following.serial) if following else "",
        "nextSlabDescription": following.description if following else "",
        "delayed_points": str(m["delayed_points"]),
        "total_available_points": str(m["loyalty_points"]),
        "linked_partner_programs": {
            "linked_partner_program": [
                {
                    "partner_program_id": str(partner.id),
                    "partner_program_name": partner.name,
                    "partner_program_type": partner.type,
                }
                for partner in PARTNER_PROGRAMS
                if partner.program_id == m["program_id"]
            ]
        },
    }
    query = ctx.query
    if query.gap_to_upgrade_for is not None:
        as_of = ctx.today + timedelta(days=query.gap_to_upgrade_for)
        purchases = ctx.sections.tracker_purchases.get(m["customer_id"], [])
        summary["gap_to_upgrade"] = gap_to_upgrade(m, tier, ctx, lots, as_of, purchases)
    if query.gap_to_renew_for is not None:
        as_of = ctx.today + timedelta(days=query.gap_to_renew_for)
        purchases = ctx.sections.tracker_purchases.get(m["customer_id"], [])
        summary["gap_to_renew"] = gap_to_renew(m, tier, ctx, lots, as_of, purchases)
    return summary


def gap_to_upgrade(
    m: Row,
    tier: TierInfo,
    ctx: Context,
    lots: list[Row],
    as_of: date,
    purchases: Sequence[Row] = (),
) -> dict[str, Any]:
    """How far the member is from the next tier on `as_of` (nothing for the top tier)."""
    following = ctx.sections.catalog.next_tier(tier)
    if following is None:
        return {"upgrade_strategy": []}
    strategies = []
    for rule in following.upgrade:
        current, valid_upto = _upgrade_value(rule, m, lots, as_of, purchases)
        strategy: dict[str, Any] = {"upgrade_based_on": rule["based_on"]}
        if rule["based_on"] == UpgradeBasis.TRACKER_VALUE_BASED:
            strategy["upgrade_entity_identifers"] = _tracker_identifiers(rule)  # their spelling
        strategy["upgrade_threshold"] = str(rule["threshold"])
        strategy["customer_upgrade_entity_values"] = {
            "current_value": str(current),
            "gap_to_upgrade": str(max(rule["threshold"] - current, 0)),
            "value_valid_upto": ctx.dates.day(valid_upto),
        }
        strategies.append(strategy)
    gap: dict[str, Any] = {"upgrade_strategy": strategies}
    if following.expression:
        gap["custom_expression"] = following.expression
        gap["expression_relation"] = following.relation
    return gap


def _tracker_identifiers(rule: Row) -> dict[str, str]:
    return {
        "tracker_name": rule["tracker_name"],
        "tracker_type": rule["tracker_type"],
        "tracker_mode": rule["tracker_mode"],
        "tracker_case_name": rule["tracker_case_name"],
        "tracker_case_period_type": rule["tracker_case_period_type"],
        "tracker_case_period_value": str(rule["tracker_case_period_value"]),
    }


def _upgrade_value(
    rule: Row,
    m: Row,
    lots: list[Row],
    as_of: date,
    purchases: Sequence[Row] = (),
) -> tuple[int, date]:
    """The member's value for an upgrade strategy on `as_of`, and until when it holds."""
    tier_expiry = timezone.localtime(m["tier_expiry_date"]).date()
    match rule["based_on"]:
        case UpgradeBasis.CUMULATIVE_PURCHASES:
            return m["cumulative_purchases"], tier_expiry
        case UpgradeBasis.CURRENT_POINTS:
            upcoming = [
                lot["expiry_date"]
                for lot in lots
                if lot["program_id"] == m["program_id"] and lot["expiry_date"] >= as_of
            ]
            points = points_on(lots, m["program_id"], m["loyalty_points"], as_of)
            return points, min(upcoming, default=tier_expiry)
        case _:
            return tracker_value(rule, m["program_id"], purchases, as_of)


def tracker_value(
    rule: Row, program_id: int, purchases: Sequence[Row], as_of: date
) -> tuple[int, date]:
    """A tracker's value on `as_of`, from the member's purchases (none come after today), and the
    last day that value holds.

    MOVING_WINDOW of P days: the purchases of the P days up to `as_of`; the value holds until the
    oldest of them leaves. CALENDAR_BASED_CYCLIC_WINDOW: the purchases of `as_of`'s calendar
    year; it holds until 31 December, when the cycle starts again from nothing.
    """
    mine = [
        p
        for p in purchases
        if p["program_id"] == program_id and p["tracker_name"] == rule["tracker_name"]
    ]
    if rule["tracker_mode"] == "MOVING_WINDOW":
        period = timedelta(days=rule["tracker_case_period_value"] or 0)
        counted = [p for p in mine if p["purchased_on"] + period > as_of]
        oldest = min((p["purchased_on"] for p in counted), default=None)
        valid_upto = oldest + period - timedelta(days=1) if oldest else as_of
        return sum(p["amount"] for p in counted), valid_upto
    counted = [p for p in mine if p["purchased_on"].year == as_of.year]
    return sum(p["amount"] for p in counted), date(as_of.year, 12, 31)


def gap_to_renew(
    m: Row,
    tier: TierInfo,
    ctx: Context,
    lots: list[Row],
    as_of: date,
    purchases: Sequence[Row] = (),
) -> dict[str, Any]:
    """What keeping the tier past its expiry takes on `as_of` (any one strategy met renews it)."""
    strategies = []
    for rule in tier.renewal:
        match rule["based_on"]:
            case RenewalBasis.VISITS:
                current = m["visits"]
            case RenewalBasis.PURCHASE:
                current = m["period_purchases"]
            case RenewalBasis.POINTS:
                current = points_on(lots, m["program_id"], m["loyalty_points"], as_of)
            case _:  # TRACKER
                current, _ = tracker_value(rule, m["program_id"], purchases, as_of)
        strategies.append(
            {
                "renew_based_on": rule["based_on"],
                "renew_entity_identifiers": _tracker_identifiers(rule)
                if rule["based_on"] == RenewalBasis.TRACKER
                else {},
                "renew_threshold": str(rule["threshold"]),
                "customer_renew_entity_value": str(current),
                "customer_gap_to_renew_value": str(max(rule["threshold"] - current, 0)),
            }
        )
    # The lowest tier never expires: nothing to renew, so it is as good as renewed.
    confirmed = not strategies or any(s["customer_gap_to_renew_value"] == "0" for s in strategies)
    return {
        "tier_expiry_date": ctx.dates.day(m["tier_expiry_date"]),
        "renew_confirmed": yes(confirmed),
        "renew_strategy": strategies,
    }


def tier_update_criteria(
    m: Row, tier: TierInfo, ctx: Context, lots: list[Row]
) -> dict[str, Any] | None:
    """`tier_update_criteria`: what the next tier asks for, for points and purchase based
    strategies only (Capillary leaves out tracker based ones, and the top tier has none).

    The object's own fields (purchase_type, description, min_purchase_value_required) are the
    first such strategy's; `upgrade_strategy` lists each with the member's value today.
    """
    following = ctx.sections.catalog.next_tier(tier)
    if following is None:
        return None
    gap = gap_to_upgrade(m, tier, ctx, lots, ctx.today)
    strategies = [
        s
        for s in gap["upgrade_strategy"]
        if s["upgrade_based_on"] != UpgradeBasis.TRACKER_VALUE_BASED
    ]
    if not strategies:
        return None
    words = {
        UpgradeBasis.CUMULATIVE_PURCHASES: "lifetime purchases of",
        UpgradeBasis.CURRENT_POINTS: "current points of",
    }
    description = " and ".join(
        f"{words.get(s['upgrade_based_on'], s['upgrade_based_on'])} {int(s['upgrade_threshold']):,}"
        for s in strategies
    )
    return {
        "program_id": str(m["program_id"]),
        "next_slab": following.name,
        "purchase_type": strategies[0]["upgrade_based_on"],
        "description": f"{following.name}: {description}",
        "min_purchase_value_required": strategies[0]["upgrade_threshold"],
        "upgrade_strategy": strategies,
    }


def _programs_list(ctx: Context) -> list[dict[str, Any]]:
    """The org's programs (`program_summary=true`), as Capillary's sample shows them: every value
    a string, partner programs under PartnerPrograms.PartnerProgram[]."""
    catalog = ctx.sections.catalog
    programs: dict[int, TierInfo] = {}
    for tier in catalog.tiers.values():
        programs.setdefault(tier.program_id, tier)
    return [
        {
            "programId": str(program_id),
            "programName": tier.program_name,
            "programDescription": tier.program_description,
            "isDefault": yes(program_id == catalog.default_program_id),
            "pointsToCurrencyRatio": str(tier.points_ratio.normalize()),
            "PartnerPrograms": {
                "PartnerProgram": [
                    _partner_program(partner)
                    for partner in PARTNER_PROGRAMS
                    if partner.program_id == program_id
                ]
            },
        }
        for program_id, tier in sorted(programs.items())
    ]


def _partner_program(partner: Any) -> dict[str, Any]:
    period_type, period_value = partner.membership_period or ("", 0)
    return {
        "partnerProgramId": str(partner.id),
        "partnerProgramName": partner.name,
        "partnerProgramDescription": partner.description,
        "isTierBased": yes(bool(partner.tiers)),
        "pointsExchangeRate": str(partner.points_exchange_rate.normalize()),
        "partnerProgramType": partner.type,
        "membershipPeriodType": period_type,
        "membershipPeriodValue": str(period_value),
        "partnerProgramTiers": [
            {"tierNumber": str(number), "tierName": name}
            for number, name in enumerate(partner.tiers, start=1)
        ],
    }


def _delayed_accrual(m: Row, rows: list[Row], ctx: Context) -> dict[str, Any]:
    """A program's pending points, and when each part of them is released."""
    return {
        "program_id": str(m["program_id"]),
        "delayed_points": str(m["delayed_points"]),
        "delayed_points_details": [
            {
                "points": str(row["points"]),
                "earned_on": ctx.dates.day(row["earned_on"]),
                "release_date": ctx.dates.day(row["release_on"]),
                "bill_number": row["bill_number"],
            }
            for row in rows
            if row["program_id"] == m["program_id"]
        ],
    }


def _points_history(uid: int, main: Row, ctx: Context) -> dict[str, Any]:
    """`points_summary`: the issuance and redemption history (the docs' "points issuance and
    redemption history"), with the program's totals the 2017 sample shows beside it.

    Issued: points earned on bills (the default program's) and promotion points; redeemed:
    points spent on bills. Newest first, at most POINTS_HISTORY_MAX of each.
    """
    issued: list[tuple[str, dict[str, Any]]] = []
    redeemed: list[tuple[str, dict[str, Any]]] = []
    bills = (
        ctx.sections.points_bills.get(uid, [])
        if main["program_id"] == ctx.sections.catalog.default_program_id
        else []
    )
    for bill in bills:
        when = ctx.dates.dt(bill["created_date"])
        entry = {"bill_number": bill["number"], "store": ctx.store(bill["store_id"])}
        if bill["points_issued"]:
            issued.append(
                (
                    when,
                    {
                        "points": str(bill["points_issued"]),
                        "issued_on": when,
                        "source": "TRANSACTION",
                        **entry,
                    },
                )
            )
        if bill["points_redeemed"]:
            redeemed.append(
                (when, {"points": str(bill["points_redeemed"]), "redeemed_on": when, **entry})
            )
    for promo in ctx.sections.promotions.get(uid, []):
        if promo["program_id"] != main["program_id"]:
            continue
        when = ctx.dates.day(promo["issued_on"])
        issued.append(
            (
                when,
                {
                    "points": str(promo["points"]),
                    "issued_on": when,
                    "source": "PROMOTION",
                    "bill_number": "",
                    "store": ctx.store(promo["store_id"]),
                    "expiry_date": ctx.dates.day(promo["expiry_date"]),
                },
            )
        )
    program = {"program_id": str(main["program_id"])}
    return {
        **program,
        "issued": str(main["lifetime_points"]),
        "redeemed": str(main["redeemed_points"]),
        "expired": str(main["expired_points"]),
        "returned": str(main["returned_points"]),
        "adjusted": str(main["adjusted_points"]),
        "issuance_history": {
            "issued": [
                {**e, **program}
                for _, e in sorted(issued, key=lambda x: x[0], reverse=True)[:POINTS_HISTORY_MAX]
            ]
        },
        "redemption_history": {
            "redeemed": [
                {**e, **program}
                for _, e in sorted(redeemed, key=lambda x: x[0], reverse=True)[:POINTS_HISTORY_MAX]
            ]
        },
    }


def _slab_history(changes: list[Row], ctx: Context) -> Any:
    history = [
        {
            "from": c["from_tier"],
            "to": c["to_tier"],
            "type": c["change_type"],
            "changed_on": ctx.dates.dt(c["changed_on"]),
            "store": ctx.store(c["store_id"]),
            "notes": c["notes"],
            "program_id": str(c["program_id"]),
            "from_tier_expiry_date": ctx.dates.dt(c["from_tier_expiry_date"]),
            "to_tier_expiry_date": ctx.dates.dt(c["to_tier_expiry_date"]),
        }
        for c in changes
        if ctx.query.wants("mlp") or c["program_id"] == ctx.program_id
    ]
    # With mlp, every program's changes under "history"; without, the older bare list.
    return {"history": history} if ctx.query.wants("mlp") else history


def _promotion_points(rows: list[Row], ctx: Context) -> dict[str, list[dict[str, Any]]]:
    customer: list[dict[str, Any]] = []
    transactions: list[dict[str, Any]] = []
    for row in rows:
        entry: dict[str, Any] = {
            "points": str(row["points"]),
            "expiry_date": ctx.dates.day(row["expiry_date"]),
            "issued_at": ctx.store(row["store_id"]),
            "issued_on": ctx.dates.day(row["issued_on"]),
            "program_id": str(row["program_id"]),
        }
        if row["transaction_id"]:
            transactions.append({"transaction_id": str(row["transaction_id"]), **entry})
        else:
            customer.append(entry)
    return {"customer": customer, "transactions": transactions, "lineitems": []}


def _extended_field(field: Row, ctx: Context) -> dict[str, str]:
    definition = ctx.sections.catalog.extended_fields[field["definition_id"]]
    label = definition[f"label_{ctx.query.language}"]
    return {"name": definition["name"], "value": field["value"], "label": label}


def _segments(customer: Customer, main: Row | None, ctx: Context) -> list[dict[str, str]]:
    purchases = main["cumulative_purchases"] if main else 0
    band = "HIGH" if purchases >= 75_000 else "MEDIUM" if purchases >= 25_000 else "LOW"
    store = ctx.sections.catalog.stores.get(customer.registered_store_id or 0)
    city = store["city"] if store else ""
    return [{"name": "Spend band", "value": band}, {"name": "Home city", "value": city}]


def _card(c: Row, ctx: Context) -> dict[str, str]:
    return {
        "card_number": c["card_number"],
        "card_external_id": c["card_external_id"],
        "series_name": c["series_name"],
        "status": c["status"],
        "issued_on": ctx.dates.dt(c["issued_on"]),
        "expiry_date": ctx.dates.dt(c["expiry_date"]),
    }
