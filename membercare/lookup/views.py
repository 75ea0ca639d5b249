"""The agent's screen: one search box, and the customer view whose panels are htmx partials.

Every panel URL answers with its partial to htmx and with the whole page otherwise, so each link
and form works without JavaScript. Every view declares the capability it needs; what a viewer may
not see is removed from the record before any template gets it (membercare.access.masking).

A customer view reads top to bottom: build the page (membercare.lookup.pages), record one audit
event from it, render it.
"""

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import Group
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget

from membercare import metrics
from membercare.access.capabilities import Cap
from membercare.access.masking import visible_record
from membercare.access.policy import requires, viewer_for_group, viewer_of
from membercare.audit.events import record
from membercare.capillary import CapillaryError, Identifier, InvalidIdentifier, detect_kind
from membercare.http import HtmxHttpRequest
from membercare.lookup import calls, services, upstream
from membercare.lookup.bulk import BulkRow, look_up_lines
from membercare.lookup.forms import (
    BulkForm,
    CouponCodeForm,
    CouponForm,
    PreviewForm,
    RevealForm,
    SearchForm,
    TransactionForm,
    VerifyForm,
    WhatIfForm,
)
from membercare.lookup.outcomes import Outcome
from membercare.lookup.pages import CustomerPage, Panel, audit_detail, customer_page
from membercare.lookup.problems import problem_from
from membercare.lookup.upstream import LookupLimited

CUSTOMER_PAGE = "lookup/customer.html"


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
        _record_search(request, None, Outcome.INVALID)
        return _search_feedback(request, form, outcome=Outcome.INVALID)
    try:
        identifier = services.read_identifier(
            text=form.cleaned_data["q"], kind=form.identifier_kind()
        )
    except InvalidIdentifier as error:
        _record_search(request, None, Outcome.INVALID)
        form.add_error("q", error.message)
        return _search_feedback(request, form, outcome=Outcome.INVALID)
    viewer = viewer_of(request)
    try:
        upstream.count_lookup(user_id=request.user.pk)  # LookupLimited when over the limit
        found = services.find_member(
            identifier=identifier, store_code=viewer.transaction_scope or ""
        )
    except CapillaryError as error:
        outcome = Outcome.of(error)
        _record_search(request, identifier, outcome, request_id=error.request_id)
        return _search_feedback(request, form, outcome=outcome, error=error)

    outcome = Outcome.MERGED if found.merged_from else Outcome.OK
    if found.merged_from:
        messages.info(
            request,
            _("The account you looked up was merged into this one, which Capillary keeps."),
        )
    url = reverse("customer", args=[found.user_id])
    if not request.htmx:
        _record_search(
            request, identifier, outcome, member_id=found.user_id, request_id=found.request_id
        )
        # The GET that follows records the view; this search already counted the lookup.
        request.session[_COUNTED] = found.user_id
        return HttpResponseRedirect(url, status=303)
    # The view comes in the same answer, from the record the search brought (or the cache's),
    # at no further upstream cost; the search's one audit event says it was opened.
    # The search box comes along, keeping what was typed and dropping earlier messages.
    page = customer_page(user_id=found.user_id, viewer=viewer, in_hand=found.snapshot)
    _record_search(
        request,
        identifier,
        outcome,
        member_id=found.user_id,
        request_id=found.request_id,
        opened=True,
    )
    calls.begin(request.session, page)
    form.leave_focus_alone()
    response = _render(request, page, template="lookup/found.html", form=form)
    return push_url(retarget(reswap(response, "innerHTML"), "#workspace"), url)


@requires(Cap.LOOKUP)
@require_GET
def customer(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    # htmx asks for the view alone (Retry); a history restore or a plain visit gets the page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    limited = _limited(request, user_id)
    page = customer_page(user_id=user_id, viewer=viewer_of(request), limited=limited)
    _record_look(request, page)
    calls.begin(request.session, page)
    return _render(request, page, partial=partial)


@requires(Cap.LOOKUP)
@require_POST
def end_call(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """End the call: the member leaves the screen and the search box, a `call_end` event records
    the time since the lookup, and the call's summary is shown to copy (never contact data)."""
    call = calls.end(request.session, member_id=user_id)
    now = timezone.now()
    seconds = call.seconds(now) if call else None
    detail = {"seconds": seconds, "looked_at": len(call.notes) if call else 0}
    record(request, action="call_end", member_id=user_id, detail=detail)
    context = {
        "ended": call,
        "ended_user_id": user_id,
        "summary": call.summary(now) if call else "",
        "form": SearchForm(),
    }
    if not request.htmx:
        return TemplateResponse(request, CUSTOMER_PAGE, context)
    response = TemplateResponse(request, "lookup/call_ended.html", context)
    return push_url(retarget(reswap(response, "innerHTML"), "#workspace"), reverse("home"))


@requires(Cap.LOOKUP)
@require_POST
def refresh(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Ask Capillary again, bypassing the cache."""
    services.forget_member(user_id=user_id)
    if not request.htmx:
        return HttpResponseRedirect(reverse("customer", args=[user_id]), status=303)
    page = customer_page(user_id=user_id, viewer=viewer_of(request), limited=_limited(request))
    _record_look(request, page, refresh=True)
    return _render(request, page, partial=True)


@requires(Cap.LOOKUP)
@require_GET
def profile(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    return _panel(request, user_id, Panel.PROFILE)


@requires(Cap.TIERS)
@require_GET
def tiers(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """The tier panel; with `days`, each strategy "in N days" beside today (one more call)."""
    what_if = WhatIfForm(request.GET) if "days" in request.GET else None
    return _panel(request, user_id, Panel.TIERS, what_if_form=what_if)


@requires(Cap.POINTS)
@require_GET
def points(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """The points panel; with `detail`, its pending and promotion points and history too."""
    return _panel(request, user_id, Panel.POINTS, points_detail="detail" in request.GET)


@requires(Cap.COUPONS)
@require_GET
def coupons(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    page = customer_page(
        user_id=user_id,
        viewer=viewer_of(request),
        panel=Panel.COUPONS,
        partial=bool(request.htmx),
        coupon_form=CouponForm(request.GET),
        # `code`: find a coupon by its code among the member's (the list is not shown then).
        coupon_code_form=CouponCodeForm(request.GET) if "code" in request.GET else None,
    )
    _record_look(request, page, action="coupon_page")
    calls.note_coupons(request.session, page)
    return _render(request, page, partial=bool(request.htmx))


@requires(Cap.TRANSACTIONS, Cap.STORE_TRANSACTIONS, any_of=True)
@require_GET
def transactions(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """The transactions panel: the newest bills, or those a bill search finds (one call)."""
    viewer = viewer_of(request)
    page = customer_page(
        user_id=user_id,
        viewer=viewer,
        panel=Panel.TRANSACTIONS,
        partial=bool(request.htmx),
        # A store manager's search stays in their store, whatever they typed.
        transaction_form=TransactionForm(request.GET, store_scope=viewer.transaction_scope),
    )
    _record_look(request, page, action="view_panel")
    calls.note_bills(request.session, page)
    return _render(request, page, partial=bool(request.htmx))


@requires(Cap.VERIFY)
@require_POST
def verify(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Does what the caller says match the record? Answers match / no match, never the value."""
    form = VerifyForm(request.POST, user=request.user, member_id=user_id)
    page = customer_page(
        user_id=user_id,
        viewer=viewer_of(request),
        panel=Panel.PROFILE,
        partial=bool(request.htmx),
        verify_form=form,
    )
    field = form.cleaned_data.get("field") if form.is_valid() else None
    _record_look(request, page, action="verify", field=field)
    return _render(request, page, partial=bool(request.htmx))


@requires(Cap.REVEAL)
@require_POST
def reveal(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """Show one masked field of one member, for this view only, after a reason is given."""
    form = RevealForm(request.POST)
    page = customer_page(
        user_id=user_id,
        viewer=viewer_of(request),
        panel=Panel.PROFILE,
        partial=bool(request.htmx),
        reveal_form=form,
        limited=_limited(request),
    )
    said = form.cleaned_data if form.is_valid() else {}
    _record_look(request, page, action="reveal", field=said.get("field"), reason=said.get("reason"))
    return _render(request, page, partial=bool(request.htmx))


@requires(Cap.GROUPS, Cap.LOOKUP)
@require_GET
def group_preview(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The customer view as members of an access group see it, within the previewer's own rights.

    Previewing opens a member, so it needs "look up members" besides "manage access groups"; and
    it shows only what the group and the previewer may both see (policy.viewer_for_group).
    """
    group = get_object_or_404(Group, pk=group_id)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        context = {"group": group, "preview_form": form}
        return TemplateResponse(request, "lookup/preview.html", context, status=400)
    viewer = viewer_for_group(group, previewer=viewer_of(request))
    page = customer_page(user_id=form.cleaned_data["user_id"], viewer=viewer)
    _record_look(request, page, preview_group=group.name)
    return _render(request, page)


@requires(Cap.LOOKUP, Cap.BULK)
@require_http_methods(["GET", "POST"])
def bulk(request: HtmxHttpRequest) -> HttpResponse:
    """Look up several members at once: who each line names, their tier, and a link to open them."""
    form = BulkForm(request.POST if request.method == "POST" else None)
    if not form.is_bound or not form.is_valid():
        status = 422 if form.is_bound else 200
        return TemplateResponse(request, "lookup/bulk.html", {"form": form}, status=status)
    lines = form.cleaned_data["identifiers"]
    # Each line counts against the agent's lookup limit: those beyond it are not looked up.
    granted, limited = upstream.count_lookups(user_id=request.user.pk, lookups=len(lines))
    rows = look_up_lines(lines=lines[:granted], kind=form.identifier_kind())
    rows += [BulkRow(number, text, error=limited) for number, text in _numbered(lines, granted)]
    if limited is not None:
        form.add_error("identifiers", f"{limited.title} {limited.detail}")
    for row in rows:
        _record_bulk_row(request, row)
    viewer = viewer_of(request)
    shown = [
        replace(row, customer=visible_record(row.customer, viewer)) if row.customer else row
        for row in rows
    ]
    context = {"form": form, "rows": shown, "shows": viewer.shows}
    return TemplateResponse(request, "lookup/bulk.html", context, status=429 if limited else 200)


def _numbered(lines: list[str], start: int) -> list[tuple[int, str]]:
    """The lines from `start` on, with their line numbers (from 1)."""
    return list(enumerate(lines[start:], start=start + 1))


# In the session between a search without JS and the GET of its redirect: the member whose lookup
# the search counted, so that opening them once is one lookup, as with htmx.
_COUNTED = "lookup.counted_member"


def _limited(request: HtmxHttpRequest, user_id: int | None = None) -> LookupLimited | None:
    """Count one lookup against the agent's limit (LOOKUP_RATE_LIMIT); the refusal when over it.

    With `user_id`, the opening of a member the search before it already counted is free.
    """
    if user_id is not None and request.session.pop(_COUNTED, None) == user_id:
        return None
    try:
        upstream.count_lookup(user_id=request.user.pk)
    except LookupLimited as error:
        return error
    return None


def _panel(request: HtmxHttpRequest, user_id: int, panel: Panel, **asked: Any) -> HttpResponse:
    """A panel that shows the member's record: its partial for htmx, else the whole page.

    `asked`: what the agent asked of the panel beyond it (customer_page's what_if_form, ...)."""
    page = customer_page(
        user_id=user_id,
        viewer=viewer_of(request),
        panel=panel,
        partial=bool(request.htmx),
        **asked,
    )
    _record_look(request, page, action="view_panel")
    return _render(request, page, partial=bool(request.htmx))


def _render(
    request: HtmxHttpRequest,
    page: CustomerPage,
    *,
    partial: bool = False,
    template: str = CUSTOMER_PAGE,
    form: SearchForm | None = None,
) -> HttpResponse:
    """The page, or the partial the request asked for: a panel's, else the whole view's."""
    # The search box is on the page, not in a panel's partial.
    context = {"page": page, "form": form or (None if partial else SearchForm())}
    if page.gone and request.htmx:
        # Whatever was asked for, the member is not there: the workspace says so.
        gone = TemplateResponse(
            request, f"{CUSTOMER_PAGE}#member-gone", context, status=page.status
        )
        return retarget(reswap(gone, "innerHTML"), "#workspace")
    if partial:
        template = f"{CUSTOMER_PAGE}#{page.panel or 'customer-view'}"
    return TemplateResponse(request, template, context, status=page.status)


def _record_look(
    request: HtmxHttpRequest, page: CustomerPage, *, action: str = "view_customer", **detail: Any
) -> None:
    """One audit event for what the page showed of the member (or failed to)."""
    facts = audit_detail(page) | {key: value for key, value in detail.items() if value is not None}
    record(
        request,
        action=action,
        outcome=page.outcome,
        member_id=page.user_id,
        detail=facts,
        request_id=page.request_id,
    )


def _record_bulk_row(request: HtmxHttpRequest, row: BulkRow) -> None:
    customer, error = row.customer, row.error
    request_id = customer.request_id if customer else getattr(error, "request_id", None)
    identifier = None if row.outcome is Outcome.INVALID else row.identifier
    _record_search(
        request,
        identifier,
        row.outcome,
        member_id=customer.user_id if customer else None,
        request_id=request_id,
        bulk=True,
    )


def _record_search(
    request: HtmxHttpRequest,
    identifier: Identifier | None,
    outcome: Outcome,
    *,
    member_id: int | None = None,
    request_id: str | None = None,
    bulk: bool = False,
    opened: bool = False,
) -> None:
    """One search event: the identifier's kind and keyed hash, never its value.

    `opened`: the member's view came in the same answer (htmx), so this event stands for the
    opening too, as `view_customer` does after a plain search's redirect.
    """
    metrics.LOOKUPS.labels(via="bulk" if bulk else "search", outcome=str(outcome)).inc()
    detail = {"bulk": True} if bulk else {"opened": True} if opened else None
    record(
        request,
        action="search",
        outcome=outcome,
        member_id=member_id,
        identifier_kind=identifier.kind if identifier else "",
        identifier_value=identifier.value if identifier else None,
        detail=detail,
        request_id=request_id,
    )


def _search_feedback(
    request: HtmxHttpRequest,
    form: SearchForm,
    *,
    outcome: Outcome,
    error: CapillaryError | None = None,
) -> HttpResponse:
    """The search box with what went wrong; for htmx it also closes the member that was open."""
    shown = (Outcome.UPSTREAM_ERROR, Outcome.RATE_LIMITED)
    problem = problem_from(error) if error and outcome in shown else None
    status = 422 if outcome is Outcome.INVALID else outcome.status
    if outcome is not Outcome.INVALID:  # an invalid box already says so, by its errors
        form.found_nobody()
    context = {"form": form, "outcome": outcome, "problem": problem}
    if request.htmx:
        context["clear_workspace"] = True
        response = TemplateResponse(request, "lookup/_search.html", context, status=status)
        return retarget(reswap(response, "outerHTML"), "#search")
    return TemplateResponse(request, "lookup/search.html", context, status=status)
