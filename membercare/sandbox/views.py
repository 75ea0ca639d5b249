"""`GET /sandbox/v1.1/customer/get`: Capillary's customer lookup over the sandbox's members.

Implements ../shared/capillary/CONTRACT.md with the decisions of docs/contract-notes.md.
Nothing here logs a query value: identifiers are personal data.
"""

import json
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from membercare.sandbox import data, payload
from membercare.sandbox.auth import Access, till_access
from membercare.sandbox.faults import fault_response
from membercare.sandbox.models import Customer
from membercare.sandbox.params import (
    BadRequest,
    LookupQuery,
    invalid_value_code,
    normalized,
    parse_lookup,
)
from membercare.sandbox.payload import Item

View = Callable[[HttpRequest], HttpResponse]
FORBIDDEN_BODY = {
    "response": {"status": {"success": "false", "code": 403, "message": "Not authorized"}},
    "errorCode": 4000,
}


def json_response(body: dict[str, Any], status: int) -> HttpResponse:
    # Compact and UTF-8 as is (names in Arabic or Chinese stay readable and small).
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(content, status=status, content_type="application/json; charset=utf-8")


def capillary_answer(view: View) -> View:
    """Every answer carries a fresh X-Cap-Requestid and the configured extra latency."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        latency_ms = settings.SANDBOX_LATENCY_MS
        if latency_ms > 0:
            time.sleep(latency_ms / 1000)
        response = view(request)
        response["X-Cap-Requestid"] = uuid.uuid4().hex
        # Django's request logger reports every 4xx/5xx answer as a failure, e.g. "Internal Server
        # Error" for a lookup of an unknown member (HTTP 500 mirrors the body's code). Here those
        # statuses are the answer asked for, not a failure. Exceptions are still logged.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response

    return wrapper


@login_not_required  # a till's Basic auth, not a dashboard session, guards this endpoint
@capillary_answer
@require_GET
def customer_get(request: HttpRequest) -> HttpResponse:
    access = till_access(request.headers.get("Authorization"))
    if access is Access.UNAUTHENTICATED:
        response = json_response(payload.error_envelope(401, "Unauthorized"), 401)
        response["WWW-Authenticate"] = 'Basic realm="Capillary"'
        return response
    if access is Access.FORBIDDEN:
        return json_response(FORBIDDEN_BODY, 403)
    try:
        query = parse_lookup(request.GET, request.headers)
    except BadRequest as error:
        return json_response(payload.error_envelope(400, str(error)), 400)

    invalid = {value: invalid_value_code(query.kind, value) for value in query.values}
    found = data.find_customers(
        query.kind, [normalized(query.kind, v) for v in query.values if invalid[v] is None]
    )
    fault = data.first_fault(found.values())
    if fault is not None:
        return fault_response(fault, request, lambda: answer(query, invalid, found))
    return answer(query, invalid, found)


def answer(
    query: LookupQuery, invalid: dict[str, int | None], found: dict[str, Customer]
) -> HttpResponse:
    limit = getattr(settings, "SANDBOX_BATCH_LIMIT", 100)
    if len(query.values) > limit:
        items = [Item(value, 1060) for value in query.values]
    else:
        survivors = data.load_survivors(found.values())
        items = [_item(query, value, invalid[value], found, survivors) for value in query.values]
    shown = [item for item in items if item.customer is not None]
    sections = data.load_sections(list({i.customer.user_id for i in shown if i.customer}), query)
    ctx = payload.Context(query, sections, timezone.localdate(), limit)
    for item in shown:
        _add_warnings(item, ctx)
    customers = [
        payload.customer_item(item, ctx)
        if item.customer is not None
        else payload.failed_item(item, query, batch_limit=limit)
        for item in items
    ]
    body = payload.envelope(items, customers)
    # HTTP status mirrors the body's code (contract-notes: "HTTP status mirrors body code").
    return json_response(body, body["response"]["status"]["code"])


def _item(
    query: LookupQuery,
    value: str,
    invalid_code: int | None,
    found: dict[str, Customer],
    survivors: dict[int, Customer],
) -> Item:
    if invalid_code is not None:
        return Item(value, invalid_code)
    customer = found.get(normalized(query.kind, value))
    if customer is None:
        return Item(value, 1012)
    if customer.pii_deleted:
        return Item(value, 8109)
    if customer.permission_restricted:
        return Item(value, 1044)
    if customer.merged_into_id:
        survivor = survivors.get(customer.merged_into_id)
        if survivor is None:
            return Item(value, 1012)
        return Item(value, 91009, survivor, merged_from=customer.user_id)
    return Item(value, 91001 if customer.points_unavailable else 1000, customer)


def _add_warnings(item: Item, ctx: payload.Context) -> None:
    assert item.customer is not None
    if item.customer.fraud_status in payload.FRAUD_WARNED:
        item.warnings.append({"code": 618, "message": "Customer is marked as fraud"})
    if ctx.query.gap_to_upgrade_for is not None and not item.customer.points_unavailable:
        for program in payload.top_tier_programs(item, ctx):
            item.warnings.append(
                {"code": 91012, "message": f"Customer is already in the highest slab of {program}"}
            )
