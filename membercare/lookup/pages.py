"""The customer page: one frozen value per rendering, built by one function from the data.

A view builds the page (`customer_page`), records one audit event from it and renders it. What the
page shows decides its HTTP status, the audit outcome and the Capillary request id behind it, once,
here: nothing is read back out of a template context.

A partial request builds only what its partial shows: a coupon page asks for coupons, not for the
member's whole record.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from membercare.access.capabilities import Cap
from membercare.access.masking import ContactField, visible_record, visible_transactions
from membercare.access.policy import Shows, Viewer
from membercare.audit.events import RecentViewer, recent_viewers
from membercare.capillary import (
    CapillaryError,
    Card,
    Customer,
    CustomerDeleted,
    CustomerNotFound,
    DelayedAccrual,
    ExpiredPoints,
    PartnerProgram,
    PointsEntry,
    PointsExpiry,
    ProgramSummary,
    PromotionPoints,
    RenewStrategy,
    TierChange,
    UpgradeStrategy,
    Warning,
    WarningKind,
)
from membercare.capillary import (
    Program as OrgProgram,
)
from membercare.lookup import services
from membercare.lookup.charts import MonthBar, day_of, expiry_by_month, next_expiry
from membercare.lookup.forms import (
    REVEAL_FIELD_CHOICES,
    CouponCodeForm,
    CouponForm,
    RevealForm,
    TransactionForm,
    VerifyForm,
    WhatIfForm,
)
from membercare.lookup.outcomes import Outcome
from membercare.lookup.problems import Problem, problem_from
from membercare.lookup.projection import Later, ProgramWhatIf, WhatIf, what_if
from membercare.lookup.services import (
    BillSearch,
    CouponFind,
    CouponPage,
    CouponQuery,
    Snapshot,
    TransactionList,
)
from membercare.lookup.tier_words import describe_expression
from membercare.lookup.upstream import LookupLimited
from membercare.lookup.verification import contact_matches


class Panel(StrEnum):
    """A panel of the customer view: its partial, its section's id and its URL (customer-<name>)."""

    PROFILE = "profile"
    TIERS = "tiers"
    POINTS = "points"
    COUPONS = "coupons"
    TRANSACTIONS = "transactions"


@dataclass(frozen=True)
class Program:
    """One loyalty program's tier standing, with its upgrade rule in words and its history.

    `upgrade` and `renewal` pair each of today's strategies with the what-if's (None until the
    agent asks for one); `currency` is the program's, from configuration ("" unknown).
    """

    summary: ProgramSummary
    expression: str
    history: tuple[TierChange, ...]
    upgrade: tuple[tuple[UpgradeStrategy, Later | None], ...] = ()
    renewal: tuple[tuple[RenewStrategy, Later | None], ...] = ()
    what_if: ProgramWhatIf | None = None
    currency: str = ""
    # The program's soonest lot of points still to expire, and the days until it (the header's).
    next_expiry: PointsExpiry | None = None
    days_left: int | None = None


@dataclass(frozen=True)
class CardRow:
    card: Card
    expired: bool


@dataclass(frozen=True)
class ProgramRow:
    """One of the org's programs (or, without the programs list, one the member is in), with
    the member's tier in it and its partner programs."""

    name: str
    description: str | None
    points_to_currency_ratio: Decimal | None
    is_default: bool
    tier: str | None  # the member's tier in it; None: not enrolled (or not shown)
    partners: tuple[PartnerProgram, ...]


@dataclass(frozen=True)
class ExpiryLot:
    """A line of the expiry schedule with the name of its program (never its id)."""

    lot: PointsExpiry
    program: str


@dataclass(frozen=True)
class Notices:
    """Capillary's item warnings in plain words, by the panel they concern."""

    member: tuple[Warning, ...] = ()  # fraud (for those who see fraud), merged, other
    tiers: tuple[Warning, ...] = ()
    points: tuple[Warning, ...] = ()
    profile: tuple[Warning, ...] = ()

    @property
    def points_failed(self) -> Warning | None:
        return next((w for w in self.points if w.kind is WarningKind.POINTS_FAILED), None)


_NOTICE_PANELS = {
    WarningKind.FRAUD: ("member",),
    WarningKind.MERGED: ("member",),
    WarningKind.OTHER: ("member",),
    WarningKind.POINTS_FAILED: ("tiers", "points"),
    WarningKind.TOP_TIER: ("tiers",),
    WarningKind.LOWEST_TIER: ("tiers",),
    WarningKind.UPGRADE_CRITERIA_FAILED: ("tiers",),
    WarningKind.RENEWAL_CRITERIA_FAILED: ("tiers",),
    WarningKind.SUBSCRIPTIONS_FAILED: ("profile",),
    WarningKind.SEGMENTS_FAILED: ("profile",),
}


@dataclass(frozen=True)
class Pending:
    """One program's delayed (pending) points and when each part is released."""

    program: str
    accrual: DelayedAccrual


@dataclass(frozen=True)
class Promotion:
    program: str
    grant: PromotionPoints


@dataclass(frozen=True)
class PointsDetail:
    """What the points panel shows on demand, from one call asking only for points."""

    pending: tuple[Pending, ...] | None  # None: Capillary sent no delayed accrual
    promotions: tuple[Promotion, ...] | None
    history: tuple[PointsEntry, ...] | None  # issued and redeemed, newest first
    history_program: str
    request_id: str | None = None


@dataclass(frozen=True)
class Record:
    """The member's record as this viewer may see it, and what the panels draw from it."""

    snapshot: Snapshot
    customer: Customer  # masked for this viewer (membercare.access.masking)
    revealed: frozenset[ContactField]
    programs: tuple[Program, ...]
    schedule: tuple[PointsExpiry, ...]  # soonest first
    chart: tuple[MonthBar, ...]
    next_expiry: PointsExpiry | None
    days_left: int | None
    expiry_lots: tuple[ExpiryLot, ...] = ()  # the schedule, each lot with its program's name
    expired_lots: tuple[tuple[ExpiredPoints, str], ...] = ()  # each with its program's name
    next_expiry_program: str = ""
    notices: Notices = field(default_factory=Notices)
    cards: tuple[CardRow, ...] | None = None
    program_list: tuple[ProgramRow, ...] | None = None


class OwnData:
    """A panel that asks Capillary for what it shows: its controls, then its data or its problem."""

    form: CouponForm | TransactionForm
    result: CouponPage | TransactionList | None
    problem: Problem | None

    @property
    def outcome(self) -> Outcome:
        if not self.form.is_valid():
            return Outcome.INVALID
        return self.problem.outcome if self.problem else Outcome.OK

    @property
    def request_id(self) -> str | None:
        shown = self.problem or self.result
        return shown.request_id if shown else None


@dataclass(frozen=True)
class CouponPanel(OwnData):
    form: CouponForm
    query: CouponQuery
    url: str  # this page of coupons, as a link
    previous_url: str
    next_url: str
    result: CouponPage | None = None  # the page of coupons, when Capillary gave it
    problem: Problem | None = None
    # Finding a coupon by its code: the form, and what it found (the list is not shown then).
    code_form: CouponCodeForm | None = None
    found: CouponFind | None = None

    @property
    def searching(self) -> bool:
        return self.code_form is not None and self.code_form.is_bound

    @property
    def outcome(self) -> Outcome:
        if self.searching and self.code_form and not self.code_form.is_valid():
            return Outcome.INVALID
        return super().outcome

    @property
    def request_id(self) -> str | None:
        if self.found is not None:
            return self.found.request_id
        return super().request_id


@dataclass(frozen=True)
class TransactionPanel(OwnData):
    form: TransactionForm
    type: str
    url: str
    result: TransactionList | None = None
    problem: Problem | None = None

    @property
    def search(self) -> BillSearch:
        return self.result.search if self.result else BillSearch(type=self.type)

    @property
    def searched(self) -> bool:
        """The agent asked for more than the first view's newest bills."""
        return not replace(self.search, store_code="").in_first_view


@dataclass(frozen=True)
class CustomerPage:
    """Everything one rendering of the customer page shows, in whatever state its data is."""

    user_id: int
    viewer: Viewer
    urls: dict[str, str]  # reversed once: the page links to each several times
    panel: Panel | None = None  # the panel this rendering is about (None: the whole view)
    record: Record | None = None
    gone: Outcome | None = None  # NOT_FOUND or DELETED: there is no member to show
    gone_request_id: str | None = None
    problem: Problem | None = None  # the record could not be had
    coupons: CouponPanel | None = None
    transactions: TransactionPanel | None = None
    viewed_by: tuple[RecentViewer, ...] = ()
    what_if_form: WhatIfForm | None = None  # the tier panel's "in N days"
    what_if: WhatIf | None = None
    what_if_problem: Problem | None = None
    points_detail: PointsDetail | None = None  # the points panel's detail, when asked for
    points_detail_problem: Problem | None = None
    verify_form: VerifyForm | None = None  # the profile's forms: built only when it is shown
    verified: bool | None = None  # the verify's answer: match, no match, or no check made
    reveal_forms: dict[str, RevealForm] = field(default_factory=dict)
    refused: bool = False  # a verify or reveal form that did not validate

    @property
    def shows(self) -> Shows:
        return self.viewer.shows

    @property
    def customer(self) -> Customer | None:
        return self.record.customer if self.record else None

    @property
    def points_detail_url(self) -> str:
        """The points panel with its detail (pending, promotion points, history)."""
        return f"{self.urls['points']}?detail=1"

    @property
    def what_if_url(self) -> str:
        """The tier panel in the days asked for (a failed what-if's Retry)."""
        form = self.what_if_form
        days = form.cleaned_data["days"] if form and form.is_bound and form.is_valid() else 30
        return f"{self.urls['tiers']}?{urlencode({'days': days})}"

    @property
    def outcome(self) -> Outcome:
        """What the agent was shown of what they asked for."""
        if self.gone:
            return self.gone
        if self.panel is Panel.COUPONS and self.coupons:
            return self.coupons.outcome
        if self.panel is Panel.TRANSACTIONS and self.transactions:
            return self.transactions.outcome
        if self.problem:
            return self.problem.outcome
        if self.panel is Panel.TIERS and self.what_if_form and self.what_if_form.is_bound:
            if not self.what_if_form.is_valid():
                return Outcome.INVALID
            if self.what_if_problem:
                return self.what_if_problem.outcome
        if self.panel is Panel.POINTS and self.points_detail_problem:
            return self.points_detail_problem.outcome
        if self.refused:
            return Outcome.INVALID
        if self.verified is not None:
            return Outcome.MATCH if self.verified else Outcome.NO_MATCH
        return Outcome.OK

    @property
    def status(self) -> int:
        return self.outcome.status

    @property
    def request_id(self) -> str | None:
        """Capillary's request id behind what the page showed (or failed to), for the audit."""
        if self.panel is Panel.COUPONS and self.coupons:
            return self.coupons.request_id
        if self.panel is Panel.TRANSACTIONS and self.transactions:
            return self.transactions.request_id
        if self.problem:
            return self.problem.request_id
        if self.panel is Panel.TIERS and (self.what_if or self.what_if_problem):
            return (self.what_if or self.what_if_problem).request_id  # type: ignore[union-attr]
        if self.panel is Panel.POINTS and (self.points_detail or self.points_detail_problem):
            shown = self.points_detail or self.points_detail_problem
            return shown.request_id  # type: ignore[union-attr]
        return self.record.snapshot.request_id if self.record else self.gone_request_id


def customer_page(
    *,
    user_id: int,
    viewer: Viewer,
    panel: Panel | None = None,
    partial: bool = False,
    coupon_form: CouponForm | None = None,
    transaction_form: TransactionForm | None = None,
    coupon_code_form: CouponCodeForm | None = None,
    verify_form: VerifyForm | None = None,
    reveal_form: RevealForm | None = None,
    limited: LookupLimited | None = None,
    in_hand: Snapshot | None = None,
    what_if_form: WhatIfForm | None = None,
    points_detail: bool = False,
) -> CustomerPage:
    """The customer page for `viewer`, or, with `partial`, only what `panel`'s partial shows.

    The forms are the agent's input: the coupon and transaction controls, a verify, a reveal.
    `limited`: the agent reached their lookup limit; nothing is read, and the page says so.
    `in_hand`: the member's record when this request already holds it (a search's), so that it is
    not read back from the cache.
    `what_if_form`: the tier panel's "in N days", asked for (one more call, tier data only).
    `points_detail`: the points panel's detail, asked for (one more call, points only).
    """
    only = panel if partial else None
    page = CustomerPage(user_id=user_id, viewer=viewer, urls=_urls(user_id), panel=panel)
    if limited is not None:  # every panel shows this problem instead of reading
        page = replace(page, problem=problem_from(limited))
    store_code = viewer.transaction_scope or ""
    snapshot: Snapshot | None = None
    try:
        if only in (None, Panel.PROFILE, Panel.TIERS, Panel.POINTS) and not limited:
            snapshot, problem = _read(
                lambda: in_hand or services.member_snapshot(user_id=user_id, store_code=store_code)
            )
            page = replace(page, problem=problem)
        if only in (None, Panel.COUPONS) and viewer.can(Cap.COUPONS):
            form = coupon_form or CouponForm.showing(CouponQuery())
            coupons = _coupon_panel(page, form, store_code, snapshot, coupon_code_form)
            page = replace(page, coupons=coupons)
        if only in (None, Panel.TRANSACTIONS) and viewer.transaction_scope is not None:
            shown = transaction_form or TransactionForm.showing(
                services.DEFAULT_TRANSACTION_TYPE, store_scope=store_code or None
            )
            transactions = _transaction_panel(page, shown, store_code, snapshot)
            page = replace(page, transactions=transactions)
    except (CustomerNotFound, CustomerDeleted) as error:
        # Whichever read found it out, the member is not there: no panel has anything to show.
        return replace(page, gone=Outcome.of(error), gone_request_id=error.request_id)

    if only is None and viewer.can(Cap.AUDIT):
        page = replace(page, viewed_by=tuple(recent_viewers(member_id=user_id)))
    shows_profile = only in (None, Panel.PROFILE)
    page = _with_record(page, snapshot, verify_form, reveal_form, forms=shows_profile)
    page = replace(page, what_if_form=what_if_form or WhatIfForm())
    if what_if_form is not None and only in (None, Panel.TIERS):
        page = _with_what_if(page, what_if_form)
    if points_detail and only in (None, Panel.POINTS):
        page = _with_points_detail(page)
    return page


def _with_what_if(page: CustomerPage, form: WhatIfForm) -> CustomerPage:
    """The tier panel with "in N days" beside today: one call asking for tier data alone."""
    if not form.is_valid() or page.record is None or not page.viewer.can(Cap.TIERS):
        return page
    days = form.cleaned_data["days"]
    try:
        later, problem = _read(lambda: services.tier_projection(user_id=page.user_id, days=days))
    except (CustomerNotFound, CustomerDeleted) as error:
        return replace(page, gone=Outcome.of(error), gone_request_id=error.request_id)
    if later is None:
        return replace(page, what_if_problem=problem)
    record = page.record
    projection = what_if(
        today=record.customer, later=later.customer, days=days, on_day=timezone.localdate()
    )
    programs = tuple(_with_projection(program, projection) for program in record.programs)
    return replace(page, what_if=projection, record=replace(record, programs=programs))


def _with_projection(program: Program, projection: WhatIf) -> Program:
    later = projection.of(program.summary.program_id)
    if later is None:
        return program
    renewal = program.summary.renewal.strategies if program.summary.renewal else ()
    return replace(
        program,
        upgrade=tuple(zip(program.summary.upgrade, later.upgrade, strict=False)),
        renewal=tuple(zip(renewal, later.renewal, strict=False)),
        what_if=later,
    )


def _with_points_detail(page: CustomerPage) -> CustomerPage:
    """The points panel with its detail: one call asking for points alone."""
    if page.record is None or not page.viewer.can(Cap.POINTS):
        return page
    try:
        snapshot, problem = _read(lambda: services.points_details(user_id=page.user_id))
    except (CustomerNotFound, CustomerDeleted) as error:
        return replace(page, gone=Outcome.of(error), gone_request_id=error.request_id)
    if snapshot is None:
        return replace(page, points_detail_problem=problem)
    customer = snapshot.customer
    names = _program_names(page.record.customer) | _program_names(customer)
    summary = customer.points_summary
    pending = None
    if customer.delayed_accrual is not None:
        pending = tuple(
            Pending(program=_name_of(names, accrual.program_id), accrual=accrual)
            for accrual in customer.delayed_accrual
            if accrual.delayed_points or accrual.parts
        )
    promotions = None
    if customer.promotion_points is not None:
        promotions = tuple(
            Promotion(program=_name_of(names, grant.program_id), grant=grant)
            for grant in sorted(
                customer.promotion_points,
                key=lambda grant: day_of(grant.expiry_date) or date.max,
            )
        )
    detail = PointsDetail(
        pending=pending,
        promotions=promotions,
        history=summary.history if summary else None,
        history_program=_name_of(names, summary.program_id) if summary else "",
        request_id=snapshot.request_id,
    )
    return replace(page, points_detail=detail)


def _program_names(customer: Customer) -> dict[int | None, str]:
    names: dict[int | None, str] = {
        program.id: program.name for program in customer.programs_list or () if program.name
    }
    for summary in customer.programs or ():
        if summary.title:
            names[summary.program_id] = summary.title
    return names


def _name_of(names: dict[int | None, str], program_id: int | None) -> str:
    if program_id in names:
        return names[program_id]
    if len(names) == 1:  # one program: whatever names it
        return next(iter(names.values()))
    return "" if program_id is None else _("Program %(id)s") % {"id": program_id}


def currency_of(program_id: int | None) -> str:
    """The program's currency, from configuration (PROGRAM_CURRENCIES; "*" for any other)."""
    currencies: dict[str, str] = settings.PROGRAM_CURRENCIES
    return currencies.get(str(program_id), currencies.get("*", ""))


def _read[T](read: Callable[[], T]) -> tuple[T | None, Problem | None]:
    """What a read of Capillary gave, or the problem that kept it from us.

    A gone member is raised: whichever read finds it out, the whole page is the gone state.
    """
    try:
        return read(), None
    except CapillaryError as error:
        if Outcome.of(error).is_gone:
            raise
        return None, problem_from(error)


def _with_record(
    page: CustomerPage,
    snapshot: Snapshot | None,
    verify_form: VerifyForm | None,
    reveal_form: RevealForm | None,
    *,
    forms: bool,
) -> CustomerPage:
    """The page with the member's record, as masked and revealed, and the verify's answer.

    With `forms`, the profile's verify and reveal forms too, as they stand after this request.
    """
    refused = bool(verify_form and not verify_form.is_valid())
    refused |= bool(reveal_form and not reveal_form.is_valid())
    revealed: frozenset[ContactField] = frozenset()
    if reveal_form and reveal_form.is_valid():
        revealed = frozenset({reveal_form.cleaned_data["field"]})
    reveal_forms: dict[str, RevealForm] = {}
    if forms and page.shows.reveal:  # a form per masked field, for those who may reveal one
        reveal_forms = {name: RevealForm(field=name) for name, _ in REVEAL_FIELD_CHOICES}
    if reveal_form and reveal_form.data.get("field") in reveal_forms:
        reveal_forms[reveal_form.data["field"]] = reveal_form  # with what was typed, and why not
    said: dict[str, Any] = {}
    if verify_form is not None and verify_form.is_valid():
        said = verify_form.cleaned_data
    if forms and (verify_form is None or said):
        # A check made starts the next one afresh: what the caller said does not stay on screen.
        verify_form = VerifyForm(initial={"field": said.get("field", "mobile")})
    page = replace(page, refused=refused, verify_form=verify_form, reveal_forms=reveal_forms)
    if snapshot is None:
        return page
    if said:
        verified = contact_matches(snapshot.customer, said["field"], said["value"])
        page = replace(page, verified=verified)
    return replace(page, record=_record(snapshot, page.viewer, revealed))


def _record(snapshot: Snapshot, viewer: Viewer, revealed: frozenset[ContactField]) -> Record:
    customer = visible_record(snapshot.customer, viewer, revealed=revealed)
    today = timezone.localdate()
    schedule = tuple(
        sorted(customer.expiry_schedule or (), key=lambda lot: day_of(lot.expiry_date) or today)
    )
    upcoming = next_expiry(schedule, today=today)
    names = _program_names(customer)
    return Record(
        snapshot=snapshot,
        customer=customer,
        revealed=revealed,
        programs=tuple(
            _program(program, customer, schedule=schedule, today=today)
            for program in customer.programs or ()
        ),
        schedule=schedule,
        chart=tuple(expiry_by_month(schedule, today=today)),
        next_expiry=upcoming,
        days_left=_days_until(upcoming, today),
        expiry_lots=tuple(ExpiryLot(lot, _name_of(names, lot.program_id)) for lot in schedule),
        expired_lots=tuple(
            (lot, _name_of(names, lot.program_id)) for lot in customer.expired_points or ()
        ),
        next_expiry_program=_name_of(names, upcoming.program_id) if upcoming else "",
        notices=_notices(customer, viewer),
        cards=_cards(customer),
        program_list=_program_list(customer, tiers=viewer.can(Cap.TIERS)),
    )


def _cards(customer: Customer) -> tuple[CardRow, ...] | None:
    if customer.cards is None:
        return None
    now = timezone.localtime().replace(tzinfo=None)  # Capillary's wall clock
    return tuple(CardRow(card, card.is_expired_on(now)) for card in customer.cards)


def _program_list(customer: Customer, *, tiers: bool) -> tuple[ProgramRow, ...] | None:
    """The programs list with partner programs: the org's (program_summary), else the member's
    own programs with the partner programs linked to them. The member's tier in each only for
    those who see tiers (the profile is every looker's)."""
    mine = {summary.program_id: summary for summary in customer.programs or ()}
    if not tiers:
        mine = {key: replace(summary, current_tier=None) for key, summary in mine.items()}
    if customer.programs_list is not None:
        return tuple(
            _program_row(program, mine.get(program.id)) for program in customer.programs_list
        )
    if customer.programs is None:
        return None
    return tuple(
        ProgramRow(
            name=summary.title or _("Program %(id)s") % {"id": summary.program_id},
            description=summary.description,
            points_to_currency_ratio=summary.points_to_currency_ratio,
            is_default=False,
            tier=summary.current_tier,
            partners=summary.linked_partner_programs,
        )
        for summary in customer.programs
    )


def _program_row(program: OrgProgram, summary: ProgramSummary | None) -> ProgramRow:
    return ProgramRow(
        name=program.name or _("Program %(id)s") % {"id": program.id},
        description=program.description,
        points_to_currency_ratio=program.points_to_currency_ratio,
        is_default=program.is_default,
        tier=summary.current_tier if summary else None,
        partners=program.partner_programs or (summary.linked_partner_programs if summary else ()),
    )


def _notices(customer: Customer, viewer: Viewer) -> Notices:
    """The item's warnings by panel; a fraud warning only for those who may see fraud."""
    by_panel: dict[str, list[Warning]] = {}
    for notice in customer.notices:
        if notice.kind is WarningKind.FRAUD and not viewer.can(Cap.FRAUD):
            continue
        for panel in _NOTICE_PANELS.get(notice.kind, ("member",)):
            by_panel.setdefault(panel, []).append(notice)
    return Notices(**{panel: tuple(notices) for panel, notices in by_panel.items()})


def _program(
    summary: ProgramSummary,
    customer: Customer,
    *,
    schedule: tuple[PointsExpiry, ...] = (),
    today: date | None = None,
) -> Program:
    history = tuple(
        change
        for change in customer.slab_history or ()
        if change.program_id in (None, summary.program_id)
    )
    expression = describe_expression(summary.expression_relation, summary.upgrade)
    renewal = summary.renewal.strategies if summary.renewal else ()
    today = today or timezone.localdate()
    # A lot without a program is the member's only program's (as _name_of reads it).
    only = len(customer.programs or ()) == 1
    own = [
        lot
        for lot in schedule
        if lot.program_id == summary.program_id or (only and lot.program_id is None)
    ]
    upcoming = next_expiry(own, today=today)
    return Program(
        summary=summary,
        expression=expression,
        history=history,
        upgrade=tuple((strategy, None) for strategy in summary.upgrade),
        renewal=tuple((strategy, None) for strategy in renewal),
        currency=currency_of(summary.program_id),
        next_expiry=upcoming,
        days_left=_days_until(upcoming, today),
    )


def _days_until(lot: PointsExpiry | None, today: date) -> int | None:
    day = day_of(lot.expiry_date) if lot else None
    return (day - today).days if day else None


def _coupon_panel(
    page: CustomerPage,
    form: CouponForm,
    store_code: str,
    snapshot: Snapshot | None,
    code_form: CouponCodeForm | None = None,
) -> CouponPanel:
    query = form.coupon_query() if form.is_valid() else CouponQuery()
    url = page.urls["coupons"]  # the partial's own URL keeps the page position (a plain link too)
    panel = CouponPanel(
        form=form,
        query=query,
        url=f"{url}?{urlencode(query.params())}",
        previous_url=f"{url}?{urlencode(replace(query, page=query.page - 1).params())}",
        next_url=f"{url}?{urlencode(replace(query, page=query.page + 1).params())}",
        code_form=code_form or CouponCodeForm(),
    )
    if panel.searching and code_form is not None:
        # A code search shows what it found, not a page of the list: at most one call.
        panel = replace(panel, url=f"{url}?{urlencode({'code': code_form.data.get('code', '')})}")
        if not code_form.is_valid():
            return panel
        if page.problem:
            return replace(panel, problem=page.problem)
        code = code_form.cleaned_data["code"]
        found, problem = _read(
            lambda: services.find_coupon(
                user_id=page.user_id, code=code, store_code=store_code, record=snapshot
            )
        )
        return replace(panel, found=found, problem=problem)
    if not form.is_valid():
        return panel
    if page.problem:  # the member's record could not be had: neither can their coupons
        return replace(panel, problem=page.problem)
    coupons, problem = _read(
        lambda: services.coupon_page(
            user_id=page.user_id, query=query, store_code=store_code, record=snapshot
        )
    )
    return replace(panel, result=coupons, problem=problem)


def _transaction_panel(
    page: CustomerPage, form: TransactionForm, store_code: str, snapshot: Snapshot | None
) -> TransactionPanel:
    type = form.transaction_type() if form.is_valid() else services.DEFAULT_TRANSACTION_TYPE
    search = form.bill_search() if form.is_valid() else BillSearch()
    url = f"{page.urls['transactions']}?{urlencode(search.params())}"
    panel = TransactionPanel(form=form, type=type, url=url)
    if not form.is_valid():
        return panel
    if page.problem:
        return replace(panel, problem=page.problem)
    # The viewer's store, not the form's, bounds a store manager's search (services.find_bills).
    transactions, problem = _read(
        lambda: services.find_bills(
            user_id=page.user_id, search=search, store_code=store_code, record=snapshot
        )
    )
    if transactions is not None:  # as this viewer may see them: a manager's store's only
        shown = visible_transactions(transactions.transactions, page.viewer)
        transactions = replace(transactions, transactions=shown)
    return replace(panel, result=transactions, problem=problem)


def _urls(user_id: int) -> dict[str, str]:
    names = ("customer", "refresh", *Panel, "verify", "reveal")
    return {
        name: reverse(name if name == "customer" else f"customer-{name}", args=[user_id])
        for name in names
    }


def audit_detail(page: CustomerPage) -> dict[str, Any]:
    """The small, fixed facts of what was looked at (membercare.audit.events' conventions)."""
    detail: dict[str, Any] = {"panel": str(page.panel)} if page.panel else {}
    if page.panel is Panel.COUPONS and page.coupons and page.coupons.form.is_valid():
        query = page.coupons.query
        detail |= {"page": query.page, "order": query.order_by, "dir": query.direction}
    if page.panel is Panel.TRANSACTIONS and page.transactions and page.transactions.form.is_valid():
        detail["type"] = page.transactions.type
        if page.transactions.searched:  # which filters, never their values; how many matched
            detail["filters"] = list(page.transactions.search.filters)
            if page.transactions.result is not None:
                detail["found"] = page.transactions.result.found
    if page.panel is Panel.COUPONS and page.coupons and page.coupons.found is not None:
        detail = {"panel": "coupons", "code_search": True, "found": len(page.coupons.found.coupons)}
    if page.what_if:
        detail["what_if_days"] = page.what_if.days
    if page.points_detail:
        detail["points_detail"] = True
    return detail
