"""Prometheus metrics (prometheus_client), and the token-protected `/metrics` view that serves them.

What is measured, and where it is counted (small calls at the boundaries):

- `membercare_upstream_seconds{call,outcome}`: each call to Capillary, timed around the client
  call by `timed_upstream` (services' single lookups, bulk lookups).
- `membercare_upstream_items_total{code}`: the item status code of each member Capillary answered
  about (1000 retrieved, 1012 not found, 8015, ...), from the parsed answer or the error it became.
- `membercare_member_cache_total{record,result}`: cache hits and misses of member records.
- `membercare_breaker_state{state}`: 1 for the circuit breaker's current state, read at scrape time.
- `membercare_quota_rejections_total{scope}`, `membercare_lookups_total{via,outcome}`,
  `membercare_audit_write_failures_total`, `membercare_http_responses_total{status_class}`.

No label holds a member's identifier or a user: every label value comes from a short fixed list.

Several processes (gunicorn workers): with PROMETHEUS_MULTIPROC_DIR set in the environment before
the process starts (an empty directory, emptied at each deploy), prometheus_client keeps the values
in files there and `/metrics`, whichever worker answers, adds up every worker's
(docs/operations.md). Without it, each process serves its own values.
"""

import hmac
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from membercare.access.policy import public
from membercare.capillary import (
    CapillaryError,
    ConfigurationError,
    Customer,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
    MalformedResponse,
    RateLimited,
    Unavailable,
)
from membercare.health import BREAKER_STATES, breaker_state
from membercare.request_log import note_upstream_request_id

# From a cached answer's few ms to the client's whole deadline (8 s) and beyond.
_UPSTREAM_BUCKETS = (0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 12, 20)

UPSTREAM_SECONDS = Histogram(
    "membercare_upstream_seconds",
    "Calls to Capillary by kind of call (customer, bulk) and outcome, in seconds.",
    ["call", "outcome"],
    buckets=_UPSTREAM_BUCKETS,
)
UPSTREAM_ITEMS = Counter(
    "membercare_upstream_items",
    "Members Capillary answered about, by item status code (1000 retrieved, 1012 not found...).",
    ["code"],
)
MEMBER_CACHE = Counter(
    "membercare_member_cache",
    "Reads of cached member records (search, member, coupons, transactions): hit or miss.",
    ["record", "result"],
)
QUOTA_REJECTIONS = Counter(
    "membercare_quota_rejections",
    "Lookups refused by a quota: scope org (the org's Capillary budget), user (a user's limit) or "
    "in_flight (a process's calls already waiting for Capillary).",
    ["scope"],
)
"""Incremented by the quota code (issue 9, item 5) wherever it refuses a lookup:
`QUOTA_REJECTIONS.labels(scope="org").inc()` when the org-wide CAPILLARY_RATE_LIMIT budget is
spent, `scope="user"` when a user reaches LOOKUP_RATE_LIMIT, `scope="in_flight"` when a process's
CAPILLARY_MAX_IN_FLIGHT calls are all waiting for Capillary."""
LOOKUPS = Counter(
    "membercare_lookups",
    "Agents' lookups by how (search, bulk) and outcome (ok, not_found, upstream_error...).",
    ["via", "outcome"],
)
AUDIT_WRITE_FAILURES = Counter(
    "membercare_audit_write_failures",
    "Audit events that could not be written (the request failed with them).",
)
HTTP_RESPONSES = Counter(
    "membercare_http_responses",
    "Responses by status class (2xx, 3xx, 4xx, 5xx).",
    ["status_class"],
)


def timed_upstream[T](call: str, fetch: Callable[..., T], /, **kwargs: Any) -> T:
    """`fetch(**kwargs)`, a call to Capillary, timed and counted by outcome and item codes.

    Capillary's request id of the answer goes on the request's log line. Errors are re-raised.
    """
    started = time.perf_counter()
    try:
        result = fetch(**kwargs)
    except CapillaryError as error:
        UPSTREAM_SECONDS.labels(call, outcome_of(error)).observe(time.perf_counter() - started)
        _count_items([error])
        raise
    answers: list[Customer | CapillaryError] = (
        list(result.values()) if isinstance(result, dict) else [result]  # type: ignore[list-item]
    )
    worst = next((e for e in answers if isinstance(e, CapillaryError) and _call_failed(e)), None)
    outcome = outcome_of(worst) if worst is not None else "ok"
    UPSTREAM_SECONDS.labels(call, outcome).observe(time.perf_counter() - started)
    _count_items(answers)
    return result


def outcome_of(error: CapillaryError) -> str:
    """A short, fixed word for what a call came to."""
    match error:
        case CustomerNotFound():
            return "not_found"
        case CustomerDeleted():
            return "deleted"
        case InvalidIdentifier():
            return "invalid"
        case RateLimited():
            return "rate_limited"
        case MalformedResponse():
            return "malformed"
        case ConfigurationError():
            return "configuration"
        case Unavailable() if _timed_out(error):
            return "timeout"
        case Unavailable():
            return "unavailable"
    return "item_error"  # another failing item code (no permission, batch too large, unknown)


def _timed_out(error: CapillaryError) -> bool:
    # The transport words a timeout "... in time." (capillary/transport.py); a dedicated class for
    # deadlines, if one comes, is named so.
    return "Timeout" in type(error).__name__ or error.msgid.endswith("in time.")


def _call_failed(error: CapillaryError) -> bool:
    """Whether the call itself failed (no usable answer), not one member of it."""
    return isinstance(error, Unavailable | MalformedResponse | RateLimited | ConfigurationError)


def _count_items(answers: Iterable[Customer | CapillaryError]) -> None:
    for answer in answers:
        note_upstream_request_id(answer.request_id)
        code = answer.item.code if isinstance(answer, Customer) else answer.code
        # An error without a code had no item to report (a timeout, an outage): not counted here.
        if isinstance(answer, Customer) or (code is not None and not _call_failed(answer)):
            UPSTREAM_ITEMS.labels(code=str(code) if code is not None else "none").inc()


def cache_read(record: str, value: object) -> None:
    """Count one read of a cached member record: a hit unless the cache gave None."""
    MEMBER_CACHE.labels(record=record, result="miss" if value is None else "hit").inc()


# --- The breaker's state, read when Prometheus scrapes ------------------------------------------


class BreakerCollector(Collector):
    """The breaker's state at scrape time: shared in Redis, so any process can say it."""

    def describe(self) -> Iterable[Metric]:
        # What it exposes, without reading it: otherwise registering it calls collect(), and
        # importing this module would read the cache (and wait on a hung Redis).
        return [self._gauge()]

    def collect(self) -> Iterable[Metric]:
        state = breaker_state()
        if state is None:
            return []  # no breaker (yet): nothing rather than a made-up "closed"
        gauge = self._gauge()
        for name in dict.fromkeys([*BREAKER_STATES, state]):
            gauge.add_metric([name], 1.0 if name == state else 0.0)
        return [gauge]

    @staticmethod
    def _gauge() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "membercare_breaker_state",
            "The Capillary circuit breaker: 1 for its current state (closed, open, half_open).",
            labels=["state"],
        )


_BREAKER = BreakerCollector()
REGISTRY.register(_BREAKER)


def exposition() -> bytes:
    """Every metric in Prometheus' text format: every worker's when multi-process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # A fresh registry per scrape, as prometheus_client's multi-process documentation says.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_BREAKER)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@public  # no session: the bearer token below is the access check
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """`/metrics` for Prometheus: `Authorization: Bearer <METRICS_TOKEN>`; off (404) without one."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        response = HttpResponse("A valid metrics token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
