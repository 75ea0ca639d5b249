"""The guard between membercare and Capillary, shared by every process: each call goes through here.

Before a call goes out, in this order:

1. **Capillary's own word**: after a 429, no process calls before its `Retry-After` is over
   (`WaitingForCapillary`, answered at once).
2. **The circuit breaker**: after CAPILLARY_BREAKER_FAILURES timeouts, connection failures or 5xx
   within CAPILLARY_BREAKER_WINDOW_SECONDS it opens, and lookups answer at once (`BreakerOpen`)
   for CAPILLARY_BREAKER_OPEN_SECONDS; then one call at a time is let through as a probe: an
   answer closes it, a failure opens it again.
3. **The organisation's budget**: at most CAPILLARY_RATE_LIMIT calls in any minute, fleet-wide
   (`QuotaSpent`); bulk calls may use only CAPILLARY_BULK_SHARE of it, so that an agent opening a
   member still gets through when bulk lookups would spend it all. Every request counts, the
   client's retries too (a refused connection, a gateway's 502-504: up to CAPILLARY_RETRIES more
   per call): a retry is taken from the budget before it goes out, and is not made when the
   budget has no room for it.

And, per process, **the calls in flight**: at most CAPILLARY_MAX_IN_FLIGHT at once, so that when
Capillary hangs, the threads it would hold until the deadline stay free for sign-ins, health checks
and everything that does not need it. A call that finds them all taken waits for one up to
CAPILLARY_IN_FLIGHT_WAIT_SECONDS (a busy moment passes within it), then is told Capillary is slow
(`TooManyWaiting`).

Beside them: `coalesced`, so that two agents opening the same member at once cause one call, and
`count_lookup` / `count_lookups`, each user's LOOKUP_RATE_LIMIT (the views count what agents do).

All of it lives in Django's cache: Redis in production (every process and machine sees the same
state), local memory otherwise (one process). Counters are small integers, which the encrypting
serializer leaves as plain Redis integers, so `cache.incr` is Redis' atomic INCR. Deadlines are
wall-clock times (`time.time()`) kept in values, never only in a key's TTL, so that every process
reads the same moment.

Why not a library: pybreaker (1.4) counts consecutive failures rather than failures in a window,
its Redis storage wants a raw Redis client (no local-memory fallback) and lets every process
probe at once when it half-opens; purgatory (3.0) is built around asyncio. What is needed here is
four cache keys and a lock, below.
"""

import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, gettext_noop

from membercare import metrics
from membercare.capillary import (
    CapillaryError,
    Customer,
    CustomerQuery,
    Identifier,
    RateLimited,
    Unavailable,
    Words,
    client_from_settings,
    retries_gated,
)
from membercare.setting_semaphore import SettingSemaphore

logger = logging.getLogger(__name__)

NOT_BEFORE_KEY = "upstream:not-before"
OPEN_UNTIL_KEY = "upstream:breaker:open-until"
PROBE_KEY = "upstream:breaker:probe"
# A 429 without a usable Retry-After still means "not now".
DEFAULT_RETRY_AFTER = 5
# A Retry-After longer than this is a broken header, not a plan: nobody waits an hour.
MAX_RETRY_AFTER = 600
# How long the breaker's state outlives its last change in the cache (it is also cleared on close).
STATE_SECONDS = 24 * 3600
# How often someone waiting for another's call looks for its record.
COALESCE_POLL_SECONDS = 0.02


# --- What an agent is told -----------------------------------------------------------------------


class WaitingForCapillary(RateLimited):
    """Capillary answered 429 a moment ago, to this or another process: no call until it said."""

    default_message = "Capillary asked us to wait; no call goes out until its Retry-After is over."
    title = Words(gettext_noop("Capillary asked us to wait."))

    @property
    def detail(self) -> str:
        return gettext("Retrying is possible in %(seconds)s s.") % {"seconds": self.retry_after}


class QuotaSpent(RateLimited):
    """The organisation's budget of Capillary calls (CAPILLARY_RATE_LIMIT a minute) is spent."""

    default_message = "The organisation's Capillary budget for this minute is spent."
    title = Words(gettext_noop("Too many lookups across your organisation right now."))

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(retry_after=retry_after, http_status=None)

    @property
    def detail(self) -> str:
        return gettext("Try again in %(seconds)s s.") % {"seconds": self.retry_after}


class BreakerOpen(Unavailable):
    """Capillary failed again and again: lookups answer at once instead of waiting on it."""

    default_message = "The circuit breaker is open: Capillary failed repeatedly."
    title = Words(gettext_noop("Capillary is not answering."))

    def __init__(self, *, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after

    # Unavailable's detail is a class attribute (Words); this one says when to retry.
    @property
    def detail(self) -> str:  # type: ignore[override]
        return gettext(
            "Retrying in %(seconds)s s; meanwhile lookups answer at once instead of "
            "waiting for it. Tell your supervisor if it goes on."
        ) % {"seconds": self.retry_after}


class TooManyWaiting(Unavailable):
    """CAPILLARY_MAX_IN_FLIGHT calls of this process are already waiting for Capillary."""

    default_message = "Too many calls of this process are waiting for Capillary."
    title = Words(gettext_noop("Capillary is answering slowly."))
    detail = Words(gettext_noop("Many lookups are already waiting for it. Retry in a few seconds."))
    # "A few seconds", in the Retry-After header too (RetryAfterMiddleware): a hang fills the
    # places until the breaker opens, within about one read timeout.
    retry_after = 5


class LookupLimited(CapillaryError):
    """The agent made LOOKUP_RATE_LIMIT lookups within a minute: this one is not made."""

    default_message = "This user reached their lookup limit."
    title = Words(gettext_noop("You've reached your lookup limit."))

    def __init__(self, *, limit: int, retry_after: int) -> None:
        super().__init__()
        self.limit = limit
        self.retry_after = retry_after

    @property
    def detail(self) -> str:
        return gettext("You can make %(limit)s lookups a minute; try again in %(seconds)s s.") % {
            "limit": self.limit,
            "seconds": self.retry_after,
        }


# --- The calls -----------------------------------------------------------------------------------


def get_customer(
    *, identifier: Identifier, query: CustomerQuery, language: str | None = None
) -> Customer:
    """The client's `get_customer`, through the guard: one call against the budget.

    `language` (Capillary's `language` header: "ar", "zh", "id") asks for extended-field labels
    in the agent's language."""
    get = client_from_settings().get_customer
    return _guarded(
        "customer", get, calls=1, bulk=False, identifier=identifier, query=query, language=language
    )


def get_customers(
    *, identifiers: Sequence[Identifier], query: CustomerQuery, language: str | None = None
) -> dict[Identifier, Customer | CapillaryError]:
    """The client's `get_customers` (one kind), through the guard, as bulk: one call per chunk of
    CAPILLARY_BATCH_SIZE against the bulk share of the budget."""
    client = client_from_settings()
    calls = max(1, math.ceil(len(set(identifiers)) / client.batch_size))
    get = client.get_customers
    return _guarded(
        "bulk",
        get,
        calls=calls,
        bulk=True,
        identifiers=identifiers,
        query=query,
        language=language,
    )


def _guarded[T](call: str, fetch: Callable[..., T], /, *, calls: int, bulk: bool, **kw: Any) -> T:
    """`fetch(**kw)`, unless Capillary asked to wait, the breaker is open, the budget spent or too
    many of this process's calls are waiting already."""
    _wait_for_capillary()
    # The breaker before the wait for a place: when Capillary hangs, the calls hung on it hold
    # every place until their deadline, and a lookup after the breaker opened answers at once.
    probe = _admit()  # raises BreakerOpen; True when this call is the half-open breaker's probe
    try:
        with _in_flight():
            return _admitted(call, fetch, probe, calls=calls, bulk=bulk, **kw)
    except TooManyWaiting:
        if probe:
            cache.delete(PROBE_KEY)  # the probe never went out: the next call probes
        raise


@contextmanager
def _in_flight() -> Iterator[None]:
    """One of this process's CAPILLARY_MAX_IN_FLIGHT places, or TooManyWaiting.

    Not at once: at 200 agents on a CPU-bound machine, calls answered on time but slowed by the
    CPU filled a worker's twelve places for a moment and two searches were refused; a short wait
    lets that moment pass, while a hang still holds no more than the places and the waiters.
    """
    places = _places.get()
    if not places.acquire(timeout=settings.CAPILLARY_IN_FLIGHT_WAIT_SECONDS):
        metrics.QUOTA_REJECTIONS.labels(scope="in_flight").inc()
        raise TooManyWaiting()
    try:
        yield
    finally:
        places.release()


_places = SettingSemaphore("CAPILLARY_MAX_IN_FLIGHT")


def _admitted[T](
    call: str, fetch: Callable[..., T], probe: bool, /, *, calls: int, bulk: bool, **kw: Any
) -> T:
    try:
        _spend_budget(calls, bulk=bulk)
        # Retries count too: each one the client makes (a refused connection, a gateway's 502-504)
        # is one more request against Capillary's per-key limit, so it goes out only if the budget
        # has room for it, and is counted then.
        with retries_gated(lambda: _retry_allowed(bulk=bulk)):
            result = metrics.timed_upstream(call, fetch, **kw)
    except CapillaryError as error:
        _learn([error], probe=probe)
        raise
    except BaseException:
        if probe:
            cache.delete(PROBE_KEY)  # not Capillary's doing: the next call probes
        raise
    answers = list(result.values()) if isinstance(result, dict) else [result]
    _learn(answers, probe=probe)
    return result


def _learn(answers: list[Any], *, probe: bool) -> None:
    """What the answers say of Capillary: wait (429), failing (breaker) or answering."""
    if any(isinstance(answer, QuotaSpent) for answer in answers):
        if probe:
            cache.delete(PROBE_KEY)  # the probe never went out: the next call probes
        return
    rate_limited = next((a for a in answers if isinstance(a, RateLimited)), None)
    if rate_limited is not None:
        _note_rate_limited(rate_limited)
    if any(isinstance(answer, Unavailable) for answer in answers):
        _failed(probe=probe)  # a timeout, a connection failure, a 5xx
    elif probe:
        _closed()  # Capillary answered (a 429 too: it is there)


# --- 429: Capillary's Retry-After, for every process ---------------------------------------------


def _wait_for_capillary() -> None:
    until = cache.get(NOT_BEFORE_KEY)
    now = time.time()
    if until is not None and now < until:
        raise WaitingForCapillary(retry_after=_seconds(until - now))


def _note_rate_limited(error: RateLimited) -> None:
    wait = min(error.retry_after or DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER)
    cache.set(NOT_BEFORE_KEY, time.time() + wait, timeout=wait + 1)
    logger.warning("Capillary answered 429: no calls for %d s", wait)


# --- The circuit breaker -------------------------------------------------------------------------


def breaker_state() -> str:
    """ "closed", "open" (calls answer at once) or "half_open" (one probe at a time goes out)."""
    until = cache.get(OPEN_UNTIL_KEY)
    if until is None:
        return "closed"
    return "open" if time.time() < until else "half_open"


def _admit() -> bool:
    """Whether this call is the probe; raises BreakerOpen when it may not go out at all."""
    until = cache.get(OPEN_UNTIL_KEY)
    if until is None:
        return False
    now = time.time()
    if now < until:
        raise BreakerOpen(retry_after=_seconds(until - now))
    probe_deadline = now + _call_seconds()
    if cache.add(PROBE_KEY, probe_deadline, timeout=math.ceil(_call_seconds())):
        return True
    # Another call is the probe: its answer decides, within one call's deadline.
    raise BreakerOpen(retry_after=_seconds((cache.get(PROBE_KEY) or now + 1) - now))


def _failed(*, probe: bool) -> None:
    if probe:
        _open("its probe failed")
        return
    failures = _failures().add(1, now=time.time())
    if failures >= settings.CAPILLARY_BREAKER_FAILURES:
        why = f"{failures} failures within {settings.CAPILLARY_BREAKER_WINDOW_SECONDS} s"
        _open(why, again=False)


def _open(why: str, *, again: bool = True) -> None:
    """Open the breaker. `again=False` (a call's failure, not the probe's): only if it is closed.

    Calls under way when it opened fail after it (dozens at once when Capillary hangs): they
    must not open it again, which would push its end later and free the probe's lock while the
    half-open breaker's probe is out, so that a second probe goes. Only the probe reopens it.
    """
    until = time.time() + settings.CAPILLARY_BREAKER_OPEN_SECONDS
    if again:
        cache.set(OPEN_UNTIL_KEY, until, timeout=STATE_SECONDS)
    elif not cache.add(OPEN_UNTIL_KEY, until, timeout=STATE_SECONDS):
        return  # open, or half-open with its probe out, already: one opening for the fleet
    cache.delete(PROBE_KEY)
    logger.warning(
        "Capillary circuit breaker open for %d s: %s", settings.CAPILLARY_BREAKER_OPEN_SECONDS, why
    )


def _closed() -> None:
    cache.delete_many([OPEN_UNTIL_KEY, PROBE_KEY])
    _failures().clear(now=time.time())
    logger.warning("Capillary circuit breaker closed: the probe was answered")


def _failures() -> "Window":
    return Window("upstream:breaker:failures", seconds=settings.CAPILLARY_BREAKER_WINDOW_SECONDS)


# --- The organisation's budget and each user's limit ---------------------------------------------


def _spend_budget(calls: int, *, bulk: bool) -> None:
    granted, wait, budget = _take_budget(calls, bulk=bulk)
    if not granted:
        metrics.QUOTA_REJECTIONS.labels(scope="org").inc()
        logger.warning("Capillary budget spent (%s a minute): a call was not made", budget)
        raise QuotaSpent(retry_after=wait)


def _retry_allowed(*, bulk: bool) -> bool:
    """Whether the client may retry a failed attempt: one more call, taken from the budget."""
    granted, _, budget = _take_budget(1, bulk=bulk)
    if not granted:
        logger.warning("Capillary budget spent (%s a minute): a failed call is not retried", budget)
    return granted > 0


def _take_budget(calls: int, *, bulk: bool) -> tuple[int, int, int]:
    """Take `calls` from the org's budget, all or none: granted, seconds to wait, the budget."""
    budget = settings.CAPILLARY_RATE_LIMIT
    if bulk:
        budget = int(budget * settings.CAPILLARY_BULK_SHARE)
    window = Window("upstream:quota", seconds=60)
    granted, wait = window.take(calls, limit=budget, now=time.time(), partial=False)
    return granted, wait, budget


def count_lookup(*, user_id: int | None) -> None:
    """Count one lookup against the user's LOOKUP_RATE_LIMIT; raises LookupLimited when over."""
    _, refusal = count_lookups(user_id=user_id, lookups=1)
    if refusal is not None:
        raise refusal


def count_lookups(*, user_id: int | None, lookups: int) -> tuple[int, LookupLimited | None]:
    """Count up to `lookups` (bulk lines) against the user's limit: how many may be made, and the
    refusal for the rest (None when all may)."""
    limit = settings.LOOKUP_RATE_LIMIT
    window = Window(f"upstream:user:{user_id}", seconds=60)
    granted, wait = window.take(lookups, limit=limit, now=time.time(), partial=True)
    if granted == lookups:
        return granted, None
    metrics.QUOTA_REJECTIONS.labels(scope="user").inc()
    return granted, LookupLimited(limit=limit, retry_after=wait)


@dataclass(frozen=True)
class Window:
    """A count of events over the last `seconds`, shared through the cache.

    Time is cut into `slices` fixed slices (one counter each, `cache.incr`). A count covers the
    current slice and the `slices` before it, one more than the window: every event of the last
    `seconds` is in it, so a limit held on that count is never exceeded in any such period (at the
    price of counting up to one slice of older events too).
    """

    name: str
    seconds: float
    slices: int = 12

    @property
    def step(self) -> float:
        return self.seconds / self.slices

    def take(self, n: int, *, limit: int, now: float, partial: bool) -> tuple[int, int]:
        """Count up to `n` events if the limit allows: how many were counted, and, when fewer than
        `n`, in how many seconds the rest might be."""
        current = self._index(now)
        total = self._incr(current, n)  # reserve first, then look: two racing takers never both win
        counts = self._counts(current)
        total += sum(counts[:-1])
        over = total - limit
        if over <= 0:
            return n, 0
        granted = max(0, n - over) if partial else 0
        cache.decr(self._key(current), n - granted)  # give back what is not taken
        return granted, self._wait(counts, over, current, now)

    def add(self, n: int, *, now: float) -> int:
        """Count `n` events; the count of the window with them."""
        current = self._index(now)
        self._incr(current, n)
        return sum(self._counts(current))

    def clear(self, *, now: float) -> None:
        current = self._index(now)
        cache.delete_many([self._key(index) for index in self._indexes(current)])

    def _wait(self, counts: list[int], over: int, current: int, now: float) -> int:
        # The oldest slice leaves the count at the next slice boundary, the next one a step later.
        dropped = 0
        for age, count in enumerate(counts):
            dropped += count
            if dropped >= over:
                return _seconds((current + 1 + age) * self.step - now)
        return _seconds(self.seconds)

    def _index(self, now: float) -> int:
        return math.floor(now / self.step)

    def _indexes(self, current: int) -> range:
        return range(current - self.slices, current + 1)

    def _counts(self, current: int) -> list[int]:
        """Each slice's count, oldest first."""
        keys = [self._key(index) for index in self._indexes(current)]
        found = cache.get_many(keys)
        return [int(found.get(key) or 0) for key in keys]

    def _key(self, index: int) -> str:
        return f"{self.name}:{index}"

    def _incr(self, index: int, n: int) -> int:
        key = self._key(index)
        timeout = math.ceil(self.seconds + 2 * self.step)
        for _ in range(2):  # the key may expire between add and incr: then once more
            cache.add(key, 0, timeout=timeout)
            try:
                return cache.incr(key, n)
            except ValueError:
                continue
        raise RuntimeError(f"the counter {self.name} could not be incremented")


# --- Coalescing: one call for many who ask at once -----------------------------------------------


def coalesced[T](key: str, fetch_and_keep: Callable[[], T]) -> T:
    """`fetch_and_keep()`, which stores its result under `key`, made once however many ask at once.

    The first to ask takes a short lock and calls; the others wait (at most one call's deadline)
    for its result to appear under `key`. If it fails or takes too long, they call themselves.
    """
    lock = f"{key}:lock"
    deadline = _call_seconds()
    if cache.add(lock, 1, timeout=math.ceil(deadline)):
        try:
            return fetch_and_keep()
        finally:
            cache.delete(lock)
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        time.sleep(COALESCE_POLL_SECONDS)
        value: T | None = cache.get(key)
        if value is not None:
            return value
        if cache.get(lock) is None:  # the call ended: with its result, or with an error
            value = cache.get(key)
            return value if value is not None else fetch_and_keep()
    return fetch_and_keep()


# --- Small helpers -------------------------------------------------------------------------------


def _call_seconds() -> float:
    """The longest one call to Capillary may take: its deadline (retries included), and a second."""
    return settings.CAPILLARY_DEADLINE_SECONDS + 1


def _seconds(value: float) -> int:
    """Whole seconds to tell an agent: rounded up, so that "in N s" is never early; at least 1."""
    return max(1, math.ceil(value))
