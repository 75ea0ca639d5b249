"""One log line per request, and a request id that every log line and audit event of it carries.

The id comes from the load balancer's `X-Request-ID` when that is a safe token (so its logs and
ours join), else it is made here; the response sends it back. It lives in a contextvar for the
request's duration: `RequestIdFilter` puts it on every log record, `membercare.audit.events.record`
into `AuditEvent.trace_id`. Capillary's own request ids (`X-Cap-Requestid`) of the calls made
during the request are collected beside it (`note_upstream_request_id`, called where upstream calls
are timed: membercare/metrics.py) and logged with the request's line, so one line leads from our
id to Capillary's.

No personal data: the line names the route pattern (`customer/<int:user_id>/`), never the path's
values nor its query string, and the staff user's id, not their username.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("membercare.request")

HEADER = "X-Request-ID"
# What we accept from the load balancer: a token that is safe in a log line and a header, and fits
# AuditEvent.trace_id (uuids, nginx's $request_id, hex trace ids).
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
# An unresolved path (a 404) is logged with any segment that could be an identifier cut out.
_UNSAFE_SEGMENT = re.compile(r"[^/]*(?:@|\d{4,}|%)[^/]*")


@dataclass
class RequestContext:
    request_id: str
    upstream_request_ids: list[str] = field(default_factory=list)


_current: ContextVar[RequestContext | None] = ContextVar("membercare_request", default=None)


def current_request_id() -> str:
    """This request's id, or "" outside a request (a management command, a test)."""
    context = _current.get()
    return context.request_id if context else ""


def note_upstream_request_id(request_id: str | None) -> None:
    """Remember a Capillary request id for this request's log line (outside a request: nothing)."""
    context = _current.get()
    if context is not None and request_id and request_id not in context.upstream_request_ids:
        context.upstream_request_ids.append(request_id[:128])


def incoming_or_new(value: str | None) -> str:
    """The load balancer's id when it is a safe token, else a new one."""
    if value and _SAFE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` ("-" outside a request) to every record, for both log formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class RequestLogMiddleware:
    """First in MIDDLEWARE: times the whole request and sets its id before anything logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(request_id=incoming_or_new(request.headers.get(HEADER)))
        token = _current.set(context)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = context.request_id
            duration_ms = (time.perf_counter() - started) * 1000
            logger.info(
                "%s %s %d %.0fms",
                request.method,
                _route(request),
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": _route(request),
                    "status": response.status_code,
                    "duration_ms": round(duration_ms, 1),
                    "user_id": _user_id(request),
                    "upstream_request_ids": context.upstream_request_ids,
                },
            )
            _count_response(response.status_code)
            return response
        finally:
            _current.reset(token)


def _route(request: HttpRequest) -> str:
    """The URL pattern that matched (values replaced by their names), or a path cut to be safe."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route
    return _UNSAFE_SEGMENT.sub(":redacted", request.path)


def _user_id(request: HttpRequest) -> int | None:
    # A staff user's primary key: it joins the audit trail, and unlike a username it names nobody.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _count_response(status: int) -> None:
    from membercare import metrics  # imported here: metrics imports this module

    metrics.HTTP_RESPONSES.labels(status_class=f"{status // 100}xx").inc()
