"""The agent's screen: one search box, and the customer view whose panels are htmx partials.

Every panel URL answers with its partial to htmx and with the whole page otherwise, so each link
and form works without JavaScript. Every view declares the capability it needs; what a viewer may
not see is removed from the record before any template gets it (membercare.access.masking).
"""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import Group
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget

from membercare.access.capabilities import Cap
from membercare.access.masking import ContactField, visible_record
from membercare.access.policy import Viewer, requires, viewer_for_group, viewer_of
from membercare.audit.events import recent_viewers, record
from membercare.capillary.errors import (
    CapillaryError,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
)
from membercare.capillary.identifiers import Identifier, detect_kind
from membercare.http import HtmxHttpRequest
from membercare.lookup import services
from membercare.lookup.bulk import BulkRow, look_up_lines
from membercare.lookup.charts import day_of, describe_expression, expiry_by_month, next_expiry
from membercare.lookup.forms import (
    COUPON_DIRECTION_CHOICES,
    COUPON_ORDER_CHOICES,
    COUPON_STATUS_CHOICES,
    TRANSACTION_TYPE_CHOICES,
    BulkForm,
    CouponControls,
    PreviewForm,
    RevealForm,
    SearchForm,
    TransactionControls,
    VerifyForm,
)
from membercare.lookup.problems import problem_from
from membercare.lookup.services import CouponQuery
from membercare.lookup.verification import contact_matches, too_many_attempts

CUSTOMER_PAGE = "lookup/customer.html"
VIEW_PARTIAL = f"{CUSTOMER_PAGE}#customer-view"


@requires(Cap.LOOKUP)
@require_GET
def home(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "lookup/search.html", {"form": SearchForm()})


@requires(Cap.LOOKUP)
@require_POST
def detect(request: HtmxHttpRequest) -> TemplateResponse:
    """What kind of identifier the agent is typing (no upstream call)."""
    kind = detect_kind(request.POST.get("q", "")[:256])
    return TemplateResponse(request, "lookup/_search.html#detected-kind", {"detected": kind})


@requires(Cap.LOOKUP)
@require_POST
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Find the member and open their view. A POST, so identifiers stay out of URLs and logs."""
    form = SearchForm(request.POST)
    if not form.is_valid():
        _audit_search(request, None, "invalid")
        return _search_feedback(request, form, status=422)
    try:
        identifier = services.read_identifier(
            text=form.cleaned_data["q"], kind=form.identifier_kind()
        )
    except InvalidIdentifier as error:
        _audit_search(request, None, "invalid")
        form.add_error("q", error.message)
        return _search_feedback(request, form, status=422)
    try:
        found = services.find_member(identifier=identifier, store_code=_scope(request))
    except CapillaryError as error:
        outcome, status = _search_failure(error)
        _audit_search(request, identifier, outcome, request_id=error.request_id)
        problem = problem_from(error) if outcome == "upstream_error" else None
        return _search_feedback(request, form, status=status, outcome=outcome, problem=problem)

    outcome = "merged" if found.merged_from else "ok"
    _audit_search(
        request, identifier, outcome, member_id=found.user_id, request_id=found.request_id
    )
    if found.merged_from:
        messages.info(
            request, "The account you looked up was merged into this one, which Capillary keeps."
        )
    url = reverse("customer", args=[found.user_id])
    if not request.htmx:
        return HttpResponseRedirect(url, status=303)
    # The record is in the cache now: the view renders from it at no further upstream cost.
    # The search box comes along, keeping what was typed and dropping earlier messages.
    found_page = _customer_response(
        request, found.user_id, template="lookup/found.html", extra={"form": form}
    )
    response = _audited(request, found_page, found.user_id)
    return push_url(retarget(reswap(response, "innerHTML"), "#workspace"), url)


@requires(Cap.LOOKUP)
@require_GET
def customer(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    # htmx asks for the view alone (Retry); a history restore or a plain visit gets the page.
    as_partial = request.htmx and not request.htmx.history_restore_request
    template = VIEW_PARTIAL if as_partial else CUSTOMER_PAGE
    return _audited(request, _customer_response(request, user_id, template=template), user_id)


@requires(Cap.LOOKUP)
@require_POST
def refresh(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Ask Capillary again, bypassing the cache."""
    services.forget_member(user_id=user_id)
    if not request.htmx:
        return HttpResponseRedirect(reverse("customer", args=[user_id]), status=303)
    response = _customer_response(request, user_id, template=VIEW_PARTIAL)
    return _audited(request, response, user_id, detail={"refresh": True})


@requires(Cap.LOOKUP)
@require_GET
def profile(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, "profile")


@requires(Cap.TIERS)
@require_GET
def tiers(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, "tier-progress")


@requires(Cap.POINTS)
@require_GET
def points(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, "points")


@requires(Cap.COUPONS)
@require_GET
def coupons(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    controls = CouponControls(request.GET)
    if not controls.is_valid():
        invalid = {"coupons_invalid": True, "coupons": None}
        return _panel(request, user_id, "coupon-history", invalid, status=400)
    data = controls.cleaned_data
    query = CouponQuery(
        page=data["page"] or 1,
        order_by=data["order"] or services.DEFAULT_COUPON_ORDER,
        direction=data["dir"] or services.DEFAULT_COUPON_DIRECTION,
        status=data["status"],
    )
    own = _coupon_context(user_id, query, viewer_of(request))
    detail = {"page": query.page, "order": query.order_by, "dir": query.direction}
    return _panel(request, user_id, "coupon-history", own, action="coupon_page", detail=detail)


@requires(Cap.TRANSACTIONS, Cap.STORE_TRANSACTIONS, any_of=True)
@require_GET
def transactions(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    controls = TransactionControls(request.GET)
    if not controls.is_valid():
        invalid = {"transactions_invalid": True, "transactions": None}
        return _panel(request, user_id, "transactions", invalid, status=400)
    kind = controls.cleaned_data["type"] or services.DEFAULT_TRANSACTION_TYPE
    own = _transactions_context(user_id, kind, viewer_of(request))
    return _panel(request, user_id, "transactions", own, detail={"type": kind})


@requires(Cap.VERIFY)
@require_POST
def verify(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Does what the caller says match the record? Answers match / no match, never the value."""
    form = VerifyForm(request.POST)
    if form.is_valid() and too_many_attempts(user=request.user, member_id=user_id):
        form.add_error("value", "Too many checks for this member. Try again in a few minutes.")
    if not form.is_valid():
        extra = {"verify_form": form}
        return _panel(request, user_id, "profile", status=400, extra=extra, action=None)
    try:
        snapshot = services.member_snapshot(user_id=user_id, store_code=_scope(request))
    except CapillaryError as error:
        return _trouble(request, user_id, _panel_template(request, "profile"), error)
    field = form.cleaned_data["field"]
    matched = contact_matches(snapshot.customer, field, form.cleaned_data["value"])
    outcome = "match" if matched else "no_match"
    record(
        request,
        action="verify",
        outcome=outcome,
        member_id=user_id,
        detail={"field": field},
        request_id=snapshot.request_id,
    )
    answer: dict[str, Any] = {"verify_form": form, "verify_outcome": outcome}
    return _panel(request, user_id, "profile", extra=answer, snapshot=snapshot, action=None)


@requires(Cap.REVEAL)
@require_POST
def reveal(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Show one masked field of one member, for this view only, after a reason is given."""
    form = RevealForm(request.POST)
    if not form.is_valid():
        extra = {"reveal_form": form}
        return _panel(request, user_id, "profile", status=400, extra=extra, action=None)
    field: ContactField = form.cleaned_data["field"]
    response = _panel(request, user_id, "profile", revealed=frozenset({field}), action=None)
    record(
        request,
        action="reveal",
        outcome="ok" if response.status_code == 200 else "upstream_error",
        member_id=user_id,
        detail={"field": field, "reason": form.cleaned_data["reason"]},
        request_id=_request_id(response),
    )
    return response


@requires(Cap.GROUPS)
@require_GET
def group_preview(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The customer view exactly as members of an access group would see it."""
    group = get_object_or_404(Group, pk=group_id)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        context = {"group": group, "preview_form": form}
        return TemplateResponse(request, "lookup/preview.html", context, status=400)
    user_id = form.cleaned_data["user_id"]
    viewer = viewer_for_group(group)
    response = _customer_response(request, user_id, template=CUSTOMER_PAGE, viewer=viewer)
    return _audited(request, response, user_id, detail={"preview_group": group.name})


@requires(Cap.LOOKUP, Cap.BULK)
@require_http_methods(["GET", "POST"])
def bulk(request: HtmxHttpRequest) -> HttpResponse:
    """Look up to 50 members at once: who each line names, their tier, and a link to open them."""
    form = BulkForm(request.POST if request.method == "POST" else None)
    if not form.is_bound or not form.is_valid():
        status = 422 if form.is_bound else 200
        return TemplateResponse(request, "lookup/bulk.html", {"form": form}, status=status)
    rows = look_up_lines(lines=form.cleaned_data["identifiers"], kind=form.identifier_kind())
    viewer = viewer_of(request)
    for row in rows:
        _audit_bulk_row(request, row)
    context = {
        "form": form,
        "rows": [_bulk_result(row, viewer) for row in rows],
        "shows": _shows(viewer),
    }
    return TemplateResponse(request, "lookup/bulk.html", context)


def _bulk_result(row: BulkRow, viewer: Viewer) -> dict[str, Any]:
    """What one line of a bulk lookup shows, masked like everything else for this viewer."""
    result: dict[str, Any] = {
        "line": row.line,
        "text": row.text,
        "kind": row.identifier.kind.label if row.identifier else "",
    }
    if row.customer is not None:
        customer = visible_record(row.customer, viewer)
        status = "merged" if customer.merged_from else "found"
        return result | {"status": status, "customer": customer}
    if isinstance(row.error, InvalidIdentifier):
        return result | {"status": "invalid", "message": row.error.message}
    if isinstance(row.error, CapillaryError):
        outcome, _ = _search_failure(row.error)
        message = {"not_found": "Not found", "deleted": "Deleted after a PII delete request"}.get(
            outcome, problem_from(row.error).title
        )
        return result | {"status": outcome, "message": message}
    return result | {"status": "upstream_error", "message": "No answer for this line."}


def _audit_bulk_row(request: HtmxHttpRequest, row: BulkRow) -> None:
    customer, error = row.customer, row.error
    if customer is not None:
        outcome = "merged" if customer.merged_from else "ok"
        _audit_search(
            request,
            row.identifier,
            outcome,
            member_id=customer.user_id,
            request_id=customer.request_id,
            bulk=True,
        )
    elif isinstance(error, CapillaryError) and not isinstance(error, InvalidIdentifier):
        outcome = _search_failure(error)[0]
        _audit_search(request, row.identifier, outcome, request_id=error.request_id, bulk=True)
    else:
        _audit_search(request, row.identifier, "invalid", bulk=True)


def _audit_search(
    request: HtmxHttpRequest,
    identifier: Identifier | None,
    outcome: str,
    *,
    member_id: int | None = None,
    request_id: str | None = None,
    bulk: bool = False,
) -> None:
    """One search event: the identifier's kind and keyed hash, never its value."""
    record(
        request,
        action="search",
        outcome=outcome,
        member_id=member_id,
        identifier_kind=identifier.kind if identifier else "",
        identifier_value=identifier.value if identifier else None,
        detail={"bulk": True} if bulk else None,
        request_id=request_id,
    )


# --- Rendering --------------------------------------------------------------------------------


def _panel(
    request: HtmxHttpRequest,
    user_id: int,
    name: str,
    own_data: dict[str, Any] | None = None,
    *,
    status: int = 200,
    action: str | None = "view_panel",
    detail: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    revealed: frozenset[ContactField] = frozenset(),
    snapshot: services.Snapshot | None = None,
) -> HttpResponse:
    """A panel's partial for htmx; the whole page, with this panel's state, for a plain request.

    Panels with `own_data` (coupons, transactions) fetched what they show themselves; the others
    render from the member's record (`snapshot` when the caller already holds it).
    """
    viewer = viewer_of(request)
    if request.htmx and own_data is not None:
        if any(key.endswith("_problem") for key in own_data):
            status = 503
        context = _page_context(user_id, viewer) | own_data | (extra or {})
        response: HttpResponse = TemplateResponse(
            request, f"{CUSTOMER_PAGE}#{name}", context, status=status
        )
    else:
        response = _customer_response(
            request,
            user_id,
            template=_panel_template(request, name),
            viewer=viewer,
            extra=(own_data or {}) | (extra or {}),
            revealed=revealed,
            snapshot=snapshot,
        )
        if response.status_code == 200:
            response.status_code = status
    if action is None:  # the caller records what happened (a verify, a reveal)
        return response
    detail = {"panel": name} | (detail or {})
    return _audited(request, response, user_id, action=action, detail=detail)


def _customer_response(
    request: HtmxHttpRequest,
    user_id: int,
    *,
    template: str,
    viewer: Viewer | None = None,
    extra: dict[str, Any] | None = None,
    revealed: frozenset[ContactField] = frozenset(),
    snapshot: services.Snapshot | None = None,
) -> HttpResponse:
    viewer = viewer or viewer_of(request)
    extra = extra or {}
    if snapshot is None:
        try:
            snapshot = services.member_snapshot(
                user_id=user_id, store_code=viewer.transaction_scope or ""
            )
        except CapillaryError as error:
            return _trouble(request, user_id, template, error, viewer=viewer, extra=extra)

    context = _page_context(user_id, viewer) | _member_context(snapshot, viewer, revealed)
    if "coupons" not in extra and viewer.can(Cap.COUPONS):
        context |= _coupon_context(user_id, CouponQuery(), viewer, snapshot)
    if "transactions" not in extra and viewer.transaction_scope is not None:
        kind = services.DEFAULT_TRANSACTION_TYPE
        context |= _transactions_context(user_id, kind, viewer, snapshot)
    if viewer.can(Cap.AUDIT):
        context["viewed_by"] = recent_viewers(member_id=user_id)
    return TemplateResponse(request, template, context | extra)


def _trouble(
    request: HtmxHttpRequest,
    user_id: int,
    template: str,
    error: CapillaryError,
    *,
    viewer: Viewer | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The member's record could not be had: a gone member's state, or the problem in each panel."""
    if isinstance(error, CustomerNotFound):
        return _member_gone(request, "not_found", status=404)
    if isinstance(error, CustomerDeleted):
        return _member_gone(request, "deleted", status=410)
    # The page still works: each panel shows the problem with a Retry.
    viewer = viewer or viewer_of(request)
    context = _page_context(user_id, viewer) | {"problem": problem_from(error)} | (extra or {})
    return TemplateResponse(request, template, context, status=503)


def _panel_template(request: HtmxHttpRequest, name: str) -> str:
    return f"{CUSTOMER_PAGE}#{name}" if request.htmx else CUSTOMER_PAGE


def _page_context(user_id: int, viewer: Viewer) -> dict[str, Any]:
    """What every rendering of the customer page needs, whatever state its data is in."""
    return {
        "user_id": user_id,
        # Reversed once here: the page links to each several times.
        "urls": {
            name: reverse(f"customer-{name}", args=[user_id])
            for name in ("coupons", "transactions", "refresh", "verify", "reveal")
        },
        "problem": None,
        "viewer": viewer,
        "shows": _shows(viewer),
        "form": SearchForm(),
        "verify_form": VerifyForm(),
        "reveal_form": RevealForm(),
        "coupon_order_choices": COUPON_ORDER_CHOICES,
        "coupon_direction_choices": COUPON_DIRECTION_CHOICES,
        "coupon_status_choices": COUPON_STATUS_CHOICES,
        "transaction_type_choices": TRANSACTION_TYPE_CHOICES,
        **_coupon_controls(user_id, CouponQuery()),
        **_transaction_controls(user_id, services.DEFAULT_TRANSACTION_TYPE),
    }


def _shows(viewer: Viewer) -> dict[str, bool]:
    """Which panels and controls this viewer gets (templates ask this; the views enforce it)."""
    return {
        "contact": viewer.can(Cap.CONTACT),
        "verify": viewer.can(Cap.VERIFY),
        "reveal": viewer.can(Cap.REVEAL) and not viewer.can(Cap.CONTACT),
        "tiers": viewer.can(Cap.TIERS),
        "points": viewer.can(Cap.POINTS),
        "coupons": viewer.can(Cap.COUPONS),
        "transactions": viewer.transaction_scope is not None,
        "store_transactions_only": bool(viewer.transaction_scope),
        "fraud": viewer.can(Cap.FRAUD),
        "viewed_by": viewer.can(Cap.AUDIT),
    }


def _member_context(
    snapshot: services.Snapshot, viewer: Viewer, revealed: frozenset[ContactField]
) -> dict[str, Any]:
    customer = visible_record(snapshot.customer, viewer, revealed=revealed)
    today = timezone.localdate()
    schedule = sorted(
        customer.expiry_schedule or (), key=lambda lot: day_of(lot.expiry_date) or today
    )
    upcoming = next_expiry(schedule, today=today)
    upcoming_day = day_of(upcoming.expiry_date) if upcoming else None
    programs = [
        {
            "summary": program,
            "expression": describe_expression(program.expression_relation, program.upgrade),
            "history": [
                change
                for change in customer.slab_history or ()
                if change.program_id in (None, program.program_id)
            ],
        }
        for program in customer.programs or ()
    ]
    return {
        "snapshot": snapshot,
        "customer": customer,
        "revealed": revealed,
        "programs": programs,
        "schedule": schedule,
        "chart": expiry_by_month(schedule, today=today),
        "next_expiry": upcoming,
        "days_left": (upcoming_day - today).days if upcoming_day else None,
    }


def _coupon_context(
    user_id: int, query: CouponQuery, viewer: Viewer, record: services.Snapshot | None = None
) -> dict[str, Any]:
    context = _coupon_controls(user_id, query)
    try:
        context["coupons"] = services.coupon_page(
            user_id=user_id, query=query, store_code=viewer.transaction_scope or "", record=record
        )
    except CapillaryError as error:
        context["coupons_problem"] = problem_from(error)
    return context


def _coupon_controls(user_id: int, query: CouponQuery) -> dict[str, Any]:
    return {
        "coupon_query": query,
        "coupon_urls": {
            "current": _coupon_url(user_id, query),
            "previous": _coupon_url(user_id, replace(query, page=query.page - 1)),
            "next": _coupon_url(user_id, replace(query, page=query.page + 1)),
        },
    }


def _coupon_url(user_id: int, query: CouponQuery) -> str:
    """The coupon partial's own URL keeps the page position (and works as a plain link)."""
    params = {"page": query.page, "order": query.order_by, "dir": query.direction}
    if query.status:
        params["status"] = query.status
    return f"{reverse('customer-coupons', args=[user_id])}?{urlencode(params)}"


def _transactions_context(
    user_id: int, kind: str, viewer: Viewer, record: services.Snapshot | None = None
) -> dict[str, Any]:
    context = _transaction_controls(user_id, kind)
    scope = viewer.transaction_scope
    if scope is None:
        return context | {"transactions": None}
    try:
        context["transactions"] = services.recent_transactions(
            user_id=user_id, type=kind, store_code=scope, record=record
        )
    except CapillaryError as error:
        context["transactions_problem"] = problem_from(error)
    return context


def _transaction_controls(user_id: int, kind: str) -> dict[str, Any]:
    url = f"{reverse('customer-transactions', args=[user_id])}?{urlencode({'type': kind})}"
    return {"transaction_type": kind, "transactions_url": url}


def _search_failure(error: CapillaryError) -> tuple[str, int]:
    if isinstance(error, CustomerNotFound):
        return "not_found", 404
    if isinstance(error, CustomerDeleted):
        return "deleted", 410
    return "upstream_error", 503


def _search_feedback(
    request: HtmxHttpRequest,
    form: SearchForm,
    *,
    status: int,
    outcome: str = "",
    problem: Any = None,
) -> HttpResponse:
    context = {"form": form, "outcome": outcome, "problem": problem}
    if request.htmx:
        context["clear_workspace"] = True
        response = TemplateResponse(request, "lookup/_search.html", context, status=status)
        return retarget(reswap(response, "outerHTML"), "#search")
    return TemplateResponse(request, "lookup/search.html", context, status=status)


def _member_gone(request: HtmxHttpRequest, outcome: str, *, status: int) -> HttpResponse:
    context = {"form": SearchForm(), "outcome": outcome}
    if request.htmx:
        response = TemplateResponse(
            request, "lookup/search.html#member-gone", context, status=status
        )
        return retarget(reswap(response, "innerHTML"), "#workspace")
    return TemplateResponse(request, "lookup/search.html", context, status=status)


def _scope(request: HtmxHttpRequest) -> str:
    return viewer_of(request).transaction_scope or ""


AUDIT_OUTCOMES = {400: "invalid", 404: "not_found", 410: "deleted", 503: "upstream_error"}


def _audited(
    request: HtmxHttpRequest,
    response: HttpResponse,
    user_id: int,
    *,
    action: str = "view_customer",
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """One audit event for what this response showed of the member (or failed to)."""
    record(
        request,
        action=action,
        outcome=AUDIT_OUTCOMES.get(response.status_code, "ok"),
        member_id=user_id,
        detail=detail,
        request_id=_request_id(response),
    )
    return response


def _request_id(response: HttpResponse) -> str | None:
    """Capillary's request id behind what the response showed (or failed to), for the audit."""
    data: dict[str, Any] = getattr(response, "context_data", None) or {}
    problem = data.get("problem") or data.get("coupons_problem") or data.get("transactions_problem")
    shown = data.get("snapshot") or data.get("coupons") or data.get("transactions")
    return problem.request_id if problem else getattr(shown, "request_id", None)
