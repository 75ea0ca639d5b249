"""Reads behind the agent's screen: find a member, and the parts of their record each panel shows.

A customer view costs one upstream call (`FULL_VIEW`), cached briefly under a keyed hash so panel
refreshes and re-opens within the TTL cost none. The first view brings three pages of coupons;
other coupon pages and transaction filters other than the first view's ask Capillary for just that
part.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from membercare import metrics
from membercare.capillary import (
    FULL_VIEW,
    Coupon,
    Customer,
    CustomerQuery,
    Identifier,
    IdentifierKind,
    MalformedResponse,
    Transaction,
    coupons_page,
    parse_identifier,
    points_detail,
    tier_what_if,
    transactions_only,
)
from membercare.hashing import keyed_hash
from membercare.i18n import capillary_language
from membercare.lookup import upstream

COUPON_PAGE_SIZE = 10
# The pages the first view's call brings (FULL_VIEW asks one coupon more, to know of a next page).
FIRST_VIEW_COUPON_PAGES = ((FULL_VIEW.coupon_limit or 1) - 1) // COUPON_PAGE_SIZE
RECENT_TRANSACTIONS = 10
# A bill search shows this many of what it finds, newest first (the API sends every match).
BILL_SEARCH_SHOWN = 25
# Finding a coupon by its code: one call for the member's coupons, at most this many (the API has
# no code filter). 1,000 is four times the largest wallet we know of (the demo's 250) and about
# 250 kB of JSON: docs/contract-notes.md, "Finding a coupon by its code".
COUPON_CODE_SEARCH_LIMIT = 1000

# The first view asks for the newest coupons of every status and for transactions of every type:
# a coupon page or a transaction filter with these values is answered from that one call.
DEFAULT_COUPON_ORDER = "created_date"
DEFAULT_COUPON_DIRECTION = "desc"
DEFAULT_TRANSACTION_TYPE = "ALL"


@dataclass(frozen=True)
class Snapshot:
    """A member's record as Capillary gave it, and when."""

    customer: Customer
    fetched_at: datetime

    @property
    def request_id(self) -> str | None:
        return self.customer.request_id


@dataclass(frozen=True)
class Found:
    """The outcome of a search: the member, and the user id asked for when it was merged away."""

    user_id: int
    merged_from: str | None
    request_id: str | None = None  # Capillary's, of the call that found them
    # The record the search's call brought, in hand for the view of the same request; never
    # cached with the search (the record has its own key), so a search from the cache has none.
    snapshot: Snapshot | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CouponQuery:
    page: int = 1
    order_by: str = DEFAULT_COUPON_ORDER
    direction: str = DEFAULT_COUPON_DIRECTION
    status: str = ""  # "" means every status

    @property
    def offset(self) -> int:
        return (self.page - 1) * COUPON_PAGE_SIZE

    @property
    def in_first_view(self) -> bool:
        """Whether the first view's record holds this page (its newest coupons, every status)."""
        same_order = replace(self, page=1) == CouponQuery()
        return same_order and self.page <= FIRST_VIEW_COUPON_PAGES

    def params(self) -> dict[str, str | int]:
        """The query as the coupon panel's URL carries it (so a page can be linked and reloaded)."""
        params: dict[str, str | int] = {
            "page": self.page,
            "order": self.order_by,
            "dir": self.direction,
        }
        return params | ({"status": self.status} if self.status else {})


@dataclass(frozen=True)
class CouponPage:
    query: CouponQuery
    coupons: tuple[Coupon, ...]
    has_next: bool
    fetched_at: datetime
    request_id: str | None = None

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1


@dataclass(frozen=True)
class BillSearch:
    """What the agent asks of the transactions panel: a type and any of the API's bill filters.

    Blank is "any". One date, as the API takes one (`YYYY-MM-DD`); the store code is replaced by
    the viewer's own store for store managers (`find_bills`).
    """

    type: str = DEFAULT_TRANSACTION_TYPE
    number: str = ""
    on_date: date | None = None
    amount: Decimal | None = None
    store_code: str = ""
    till_code: str = ""
    tenders: bool = False
    credit_notes: bool = False

    @property
    def in_first_view(self) -> bool:
        """Nothing asked beyond the first view's transactions (every type, no filter)."""
        return self == BillSearch()

    @property
    def filters(self) -> tuple[str, ...]:
        """The names of the filters in use (for the audit trail and the call summary)."""
        used = {
            "type": self.type != DEFAULT_TRANSACTION_TYPE,
            "number": bool(self.number),
            "date": self.on_date is not None,
            "amount": self.amount is not None,
            "store": bool(self.store_code),
            "till": bool(self.till_code),
            "tenders": self.tenders,
            "credit_notes": self.credit_notes,
        }
        return tuple(name for name, on in used.items() if on)

    def params(self) -> dict[str, str]:
        """The search as the panel's URL carries it (only what is set)."""
        params = {
            "type": self.type,
            "number": self.number,
            "date": self.on_date.isoformat() if self.on_date else "",
            "amount": str(self.amount) if self.amount is not None else "",
            "store": self.store_code,
            "till": self.till_code,
            "tenders": "on" if self.tenders else "",
            "credit_notes": "on" if self.credit_notes else "",
        }
        return {name: value for name, value in params.items() if value}


@dataclass(frozen=True)
class TransactionList:
    type: str
    transactions: tuple[Transaction, ...]
    fetched_at: datetime
    request_id: str | None = None
    search: BillSearch = field(default_factory=BillSearch)
    found: int = 0  # how many matched, of which `transactions` are the first shown

    @property
    def more(self) -> int:
        """How many matched beyond those shown."""
        return max(self.found - len(self.transactions), 0)


def read_identifier(*, text: str, kind: IdentifierKind | None) -> Identifier:
    """What the agent typed, validated and normalised (InvalidIdentifier, before any call)."""
    return parse_identifier(text, kind, dial_code=settings.CAPILLARY_MOBILE_DIAL_CODE)


def find_member(*, identifier: Identifier, store_code: str = "") -> Found:
    """The member an identifier names: from the cache within the TTL, else one upstream call."""
    key = _cache_key("search", f"{identifier.kind}:{identifier.value}:{store_code}")
    found: Found | None = cache.get(key)
    metrics.cache_read("search", found)
    if found is None:
        found = upstream.coalesced(key, lambda: _search(key, identifier, store_code))
    return found


def _search(key: str, identifier: Identifier, store_code: str) -> Found:
    snapshot = _fetch(identifier, _full_view(store_code))
    customer = snapshot.customer
    if customer.user_id is None:
        # FULL_VIEW asks for user_id; without it there is no page to open.
        raise MalformedResponse(
            "Capillary's answer had no user id.", request_id=customer.request_id
        )
    found = Found(
        user_id=customer.user_id,
        merged_from=customer.merged_from,
        request_id=customer.request_id,
    )
    cache.set(_snapshot_key(found.user_id, store_code), snapshot, settings.CUSTOMER_CACHE_SECONDS)
    cache.set(key, found, settings.CUSTOMER_CACHE_SECONDS)
    return replace(found, snapshot=snapshot)


def member_snapshot(*, user_id: int, store_code: str = "") -> Snapshot:
    """The member's full record: from the cache within the TTL, else one upstream call.

    With a store code (store managers), its transactions are only that store's.
    """
    key = _snapshot_key(user_id, store_code)
    snapshot: Snapshot | None = cache.get(key)
    metrics.cache_read("member", snapshot)
    if snapshot is None:
        snapshot = _fetch_once(key, _by_user_id(user_id), _full_view(store_code))
    return snapshot


def coupon_page(
    *, user_id: int, query: CouponQuery, store_code: str = "", record: Snapshot | None = None
) -> CouponPage:
    """One page of coupons: the first view's pages from its record, others from Capillary alone.

    `record` is the member's record when the caller already holds it (the first view's page).
    """
    if query.in_first_view:
        snapshot = record or member_snapshot(user_id=user_id, store_code=store_code)
        start = query.offset
    else:
        # One more than a page: Capillary sends no total, so the extra one says "there is more".
        upstream = coupons_page(
            limit=COUPON_PAGE_SIZE + 1,
            offset=query.offset,
            order_by=query.order_by,
            sort_order=query.direction,
            status=query.status or None,
        )
        snapshot = _cached_fetch(user_id, upstream, purpose="coupons", variant=str(query))
        start = 0
    coupons = (snapshot.customer.coupons or ())[start:]
    return CouponPage(
        query=query,
        coupons=coupons[:COUPON_PAGE_SIZE],
        has_next=len(coupons) > COUPON_PAGE_SIZE,
        fetched_at=snapshot.fetched_at,
        request_id=snapshot.request_id,
    )


@dataclass(frozen=True)
class CouponFind:
    """The member's coupons whose code is the one typed (or, failing that, contains it)."""

    code: str
    coupons: tuple[Coupon, ...]
    searched: int  # how many of the member's coupons were looked through
    complete: bool  # every coupon of the member was looked through (fewer than the bound)
    fetched_at: datetime
    request_id: str | None = None
    exact: bool = True  # the codes are the one typed; else they contain it

    @property
    def details(self) -> tuple["CouponDetail", ...]:
        now = timezone.localtime().replace(tzinfo=None)  # Capillary's wall clock, as Coupon's
        return tuple(CouponDetail(coupon, coupon.can_redeem_on(now)) for coupon in self.coupons)


@dataclass(frozen=True)
class CouponDetail:
    coupon: Coupon
    can_redeem: bool  # may the member redeem it now (again, for a series that allows it)


def find_coupon(
    *, user_id: int, code: str, store_code: str = "", record: Snapshot | None = None
) -> CouponFind:
    """The member's coupon with this code: from the member's record when it holds it (the newest
    coupons, no call), else from one call for up to COUPON_CODE_SEARCH_LIMIT of the member's
    coupons, cached like the others (the API has no filter by code)."""
    wanted = _code_key(code)
    held = record or cache.get(_snapshot_key(user_id, store_code))
    if held is not None:
        found = _coupons_with(held.customer.coupons or (), wanted, exact=True)
        if found:
            return CouponFind(
                code,
                found,
                len(held.customer.coupons or ()),
                False,
                held.fetched_at,
                held.request_id,
            )
    query = coupons_page(limit=COUPON_CODE_SEARCH_LIMIT + 1)  # one more: "there are more"
    snapshot = _cached_fetch(user_id, query, purpose="coupons", variant="every")
    coupons = (snapshot.customer.coupons or ())[:COUPON_CODE_SEARCH_LIMIT]
    complete = len(snapshot.customer.coupons or ()) <= COUPON_CODE_SEARCH_LIMIT
    found = _coupons_with(coupons, wanted, exact=True)
    exact = bool(found)
    if not found and len(wanted) >= MIN_PARTIAL_CODE:
        found = _coupons_with(coupons, wanted, exact=False)
    return CouponFind(
        code=code,
        coupons=found[:COUPON_PAGE_SIZE],
        searched=len(coupons),
        complete=complete,
        fetched_at=snapshot.fetched_at,
        request_id=snapshot.request_id,
        exact=exact,
    )


MIN_PARTIAL_CODE = 4  # a shorter part of a code would match too many to help


def _code_key(code: str) -> str:
    """A code as agents read it out: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in code.casefold() if ch.isalnum())


def _coupons_with(coupons: tuple[Coupon, ...], wanted: str, *, exact: bool) -> tuple[Coupon, ...]:
    return tuple(
        coupon
        for coupon in coupons
        if (key := _code_key(coupon.code or "")) and (key == wanted if exact else wanted in key)
    )


def recent_transactions(
    *, user_id: int, type: str, store_code: str = "", record: Snapshot | None = None
) -> TransactionList:
    """The most recent transactions of one type (or ALL, which the first view already has)."""
    return find_bills(
        user_id=user_id, search=BillSearch(type=type), store_code=store_code, record=record
    )


def find_bills(
    *, user_id: int, search: BillSearch, store_code: str = "", record: Snapshot | None = None
) -> TransactionList:
    """The member's bills that match `search`: the first view's from its record, any other
    search one upstream call asking only for transactions (`transactions_only`), cached.

    `store_code` is the viewer's store (store managers): it replaces whatever store the search
    names, so a manager's search never leaves their store, and Capillary is asked for that store's
    only; the page keeps only that store's whatever comes back
    (membercare.access.masking.visible_transactions).
    """
    # Without a filter of their own, a manager's search is the first view's (of their store).
    first_view = replace(search, store_code="").in_first_view if store_code else None
    if store_code:
        search = replace(search, store_code=store_code)
    if first_view or (first_view is None and search.in_first_view):
        snapshot = record or member_snapshot(user_id=user_id, store_code=store_code)
        shown = RECENT_TRANSACTIONS
    else:
        query = transactions_only(
            type=search.type,
            store_code=search.store_code or None,
            number=search.number or None,
            date=search.on_date,
            amount=search.amount,
            till_code=search.till_code or None,
            tenders=search.tenders,
            credit_notes=search.credit_notes,
        )
        snapshot = _cached_fetch(user_id, query, purpose="transactions", variant=repr(search))
        shown = BILL_SEARCH_SHOWN
    found = snapshot.customer.transactions or ()
    return TransactionList(
        type=search.type,
        transactions=found[:shown],
        fetched_at=snapshot.fetched_at,
        request_id=snapshot.request_id,
        search=search,
        found=len(found),
    )


def tier_projection(*, user_id: int, days: int) -> Snapshot:
    """The member's tier standing as of today + `days` (the tier panel's "in N days"), with the
    upgrade and retention criteria: one call asking only for tier data, cached like the others."""
    return _cached_fetch(user_id, tier_what_if(days), purpose="what-if", variant=str(days))


def points_details(*, user_id: int) -> Snapshot:
    """The points panel's detail (pending and promotion points, the points history): one call
    asking only for points, cached like the others."""
    return _cached_fetch(user_id, points_detail(), purpose="points", variant="detail")


def forget_member(*, user_id: int) -> None:
    """Drop all cached of the member: the next reads ask Capillary (the Refresh button).

    Every key of the member holds a generation: a new one orphans them all.
    """
    cache.set(_cache_key("generation", str(user_id)), timezone.now().timestamp(), None)


def _generation(user_id: int) -> float:
    return cache.get(_cache_key("generation", str(user_id)), 0.0)


def _cached_fetch(user_id: int, query: CustomerQuery, *, purpose: str, variant: str) -> Snapshot:
    key = _cache_key(purpose, f"{user_id}:{_generation(user_id)}:{variant}")
    snapshot: Snapshot | None = cache.get(key)
    metrics.cache_read(purpose, snapshot)
    if snapshot is None:
        snapshot = _fetch_once(key, _by_user_id(user_id), query)
    return snapshot


def _fetch_once(key: str, identifier: Identifier, query: CustomerQuery) -> Snapshot:
    """The record, fetched and kept under `key`; asked at once by several, fetched once."""

    def fetch_and_keep() -> Snapshot:
        snapshot = _fetch(identifier, query)
        cache.set(key, snapshot, settings.CUSTOMER_CACHE_SECONDS)
        return snapshot

    return upstream.coalesced(key, fetch_and_keep)


def _fetch(identifier: Identifier, query: CustomerQuery = FULL_VIEW) -> Snapshot:
    # Through the guard: Capillary's Retry-After, the circuit breaker and the org's budget.
    # In the agent's language: extended-field labels come back in it (the keys say which).
    customer = upstream.get_customer(
        identifier=identifier, query=query, language=capillary_language()
    )
    return Snapshot(customer=customer, fetched_at=timezone.now())


def _by_user_id(user_id: int) -> Identifier:
    return Identifier(kind=IdentifierKind.USER_ID, value=str(user_id))


def _full_view(store_code: str) -> CustomerQuery:
    return replace(FULL_VIEW, store_code=store_code) if store_code else FULL_VIEW


def _snapshot_key(user_id: int, store_code: str) -> str:
    return _cache_key("member", f"{user_id}:{_generation(user_id)}:{store_code}")


def _cache_key(purpose: str, value: str) -> str:
    # Keyed, so the cache (Redis in production) never holds a raw identifier in its keys.
    # A record's labels are in the language it was asked in: one record per language, and one
    # generation for them all (Refresh forgets every language's).
    if purpose != "generation":
        value = f"{value}:{capillary_language()}"
    return f"lookup:{purpose}:{keyed_hash(value, purpose=f'cache.{purpose}')}"
