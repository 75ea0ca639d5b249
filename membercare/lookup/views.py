"""The agent's screen: one search box, and the customer view whose panels are htmx partials.

Every panel URL answers with its partial to htmx and with the whole page otherwise, so each
link and form works without JavaScript.
"""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, reswap, retarget

from membercare.capillary.errors import (
    CapillaryError,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
)
from membercare.capillary.identifiers import detect_kind
from membercare.http import HtmxHttpRequest
from membercare.lookup import services
from membercare.lookup.charts import day_of, describe_expression, expiry_by_month, next_expiry
from membercare.lookup.forms import (
    COUPON_DIRECTION_CHOICES,
    COUPON_ORDER_CHOICES,
    COUPON_STATUS_CHOICES,
    TRANSACTION_TYPE_CHOICES,
    CouponControls,
    SearchForm,
    TransactionControls,
)
from membercare.lookup.problems import problem_from
from membercare.lookup.services import CouponQuery

CUSTOMER_PAGE = "lookup/customer.html"


@require_GET
def home(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "lookup/search.html", {"form": SearchForm()})


@require_POST
def detect(request: HtmxHttpRequest) -> TemplateResponse:
    """What kind of identifier the agent is typing (no upstream call)."""
    kind = detect_kind(request.POST.get("q", "")[:256])
    return TemplateResponse(request, "lookup/_search.html#detected-kind", {"detected": kind})


@require_POST
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Find the member and open their view. A POST, so identifiers stay out of URLs and logs."""
    form = SearchForm(request.POST)
    if not form.is_valid():
        return _search_feedback(request, form, status=422)
    try:
        found = services.find_member(text=form.cleaned_data["q"], kind=form.identifier_kind())
    except InvalidIdentifier as error:
        form.add_error("q", error.message)
        return _search_feedback(request, form, status=422)
    except CustomerNotFound:
        return _search_feedback(request, form, status=404, outcome="not-found")
    except CustomerDeleted:
        return _search_feedback(request, form, status=410, outcome="deleted")
    except CapillaryError as error:
        return _search_feedback(request, form, status=503, problem=problem_from(error))

    if found.merged_from:
        messages.info(
            request,
            "The account you looked up was merged into this one, which Capillary keeps.",
        )
    url = reverse("customer", args=[found.user_id])
    if not request.htmx:
        return HttpResponseRedirect(url, status=303)
    # The record is in the cache now: the view renders from it, at no further upstream cost.
    response = _customer_response(request, found.user_id, template=f"{CUSTOMER_PAGE}#customer-view")
    response = retarget(reswap(response, "innerHTML"), "#workspace")
    return push_url(response, url)


@require_GET
def customer(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    # htmx asks for the view alone (Retry); a history restore or a plain visit gets the page.
    as_partial = request.htmx and not request.htmx.history_restore_request
    template = f"{CUSTOMER_PAGE}#customer-view" if as_partial else CUSTOMER_PAGE
    return _customer_response(request, user_id, template=template)


@require_POST
def refresh(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Ask Capillary again, bypassing the cache."""
    services.forget_member(user_id=user_id)
    if not request.htmx:
        return HttpResponseRedirect(reverse("customer", args=[user_id]), status=303)
    return _customer_response(request, user_id, template=f"{CUSTOMER_PAGE}#customer-view")


@require_GET
def profile(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, "profile")


@require_GET
def tiers(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, "tier-progress")


@require_GET
def points(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, "points")


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
    return _panel(request, user_id, "coupon-history", _coupon_context(user_id, query))


@require_GET
def transactions(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    controls = TransactionControls(request.GET)
    if not controls.is_valid():
        invalid = {"transactions_invalid": True, "transactions": None}
        return _panel(request, user_id, "transactions", invalid, status=400)
    kind = controls.cleaned_data["type"] or services.DEFAULT_TRANSACTION_TYPE
    return _panel(request, user_id, "transactions", _transactions_context(user_id, kind))


def _panel(
    request: HtmxHttpRequest,
    user_id: int,
    name: str,
    own_data: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A panel's partial for htmx; the whole page, with this panel's state, for a plain request.

    Panels with `own_data` (coupons, transactions) fetched what they show themselves; the
    others render from the member's record.
    """
    if request.htmx and own_data is not None:
        if any(key.endswith("_problem") for key in own_data):
            status = 503
        context = _page_context(user_id) | own_data
        return TemplateResponse(request, f"{CUSTOMER_PAGE}#{name}", context, status=status)
    template = f"{CUSTOMER_PAGE}#{name}" if request.htmx else CUSTOMER_PAGE
    response = _customer_response(request, user_id, template=template, extra=own_data)
    if response.status_code == 200:
        response.status_code = status
    return response


def _customer_response(
    request: HtmxHttpRequest, user_id: int, *, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    try:
        snapshot = services.member_snapshot(user_id=user_id)
    except CustomerNotFound:
        return _member_gone(request, "not-found", status=404)
    except CustomerDeleted:
        return _member_gone(request, "deleted", status=410)
    except CapillaryError as error:
        # The page still works: each panel shows the problem with a Retry.
        context = _page_context(user_id) | {"problem": problem_from(error)}
        return TemplateResponse(request, template, context | (extra or {}), status=503)

    context = _page_context(user_id) | _member_context(snapshot)
    if extra is None or "coupons" not in extra:
        context |= _coupon_context(user_id, CouponQuery())
    if extra is None or "transactions" not in extra:
        context |= _transactions_context(user_id, services.DEFAULT_TRANSACTION_TYPE)
    return TemplateResponse(request, template, context | (extra or {}))


def _page_context(user_id: int) -> dict[str, Any]:
    """What every rendering of the customer page needs, whatever state its data is in."""
    return {
        "user_id": user_id,
        "problem": None,
        "form": SearchForm(),
        "coupon_order_choices": COUPON_ORDER_CHOICES,
        "coupon_direction_choices": COUPON_DIRECTION_CHOICES,
        "coupon_status_choices": COUPON_STATUS_CHOICES,
        "transaction_type_choices": TRANSACTION_TYPE_CHOICES,
        **_coupon_controls(user_id, CouponQuery()),
        **_transaction_controls(user_id, services.DEFAULT_TRANSACTION_TYPE),
    }


def _member_context(snapshot: services.Snapshot) -> dict[str, Any]:
    customer = snapshot.customer
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
        "programs": programs,
        "schedule": schedule,
        "chart": expiry_by_month(schedule, today=today),
        "next_expiry": upcoming,
        "days_left": (upcoming_day - today).days if upcoming_day else None,
    }


def _coupon_context(user_id: int, query: CouponQuery) -> dict[str, Any]:
    context = _coupon_controls(user_id, query)
    try:
        context["coupons"] = services.coupon_page(user_id=user_id, query=query)
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


def _transactions_context(user_id: int, kind: str) -> dict[str, Any]:
    context = _transaction_controls(user_id, kind)
    try:
        context["transactions"] = services.recent_transactions(user_id=user_id, type=kind)
    except CapillaryError as error:
        context["transactions_problem"] = problem_from(error)
    return context


def _transaction_controls(user_id: int, kind: str) -> dict[str, Any]:
    url = f"{reverse('customer-transactions', args=[user_id])}?{urlencode({'type': kind})}"
    return {"transaction_type": kind, "transactions_url": url}


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
