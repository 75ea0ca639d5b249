"""Health checks for the load balancer: `/healthz` (the process is alive), `/readyz` (it can serve).

Both are public and say nothing of members or users; PrivateResponsesMiddleware makes them
`no-store` like every dynamic answer, so no proxy answers for a dead instance.

`/readyz` is 503 when the database or the cache cannot be used: this instance cannot sign anyone
in nor show anything, and the load balancer should send its traffic elsewhere. The Capillary
circuit breaker's state is reported, but an open breaker does not make the instance unready: the
breaker is shared by every instance (in Redis), so it would take the whole fleet out of the load
balancer at once, and agents would get the balancer's error page instead of the dashboard's own
"Capillary is not answering; retrying in N s", with the audit trail and admin pages, which need
no Capillary, gone too.
"""

import logging
import uuid
from importlib import import_module

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from membercare.access.policy import public

logger = logging.getLogger(__name__)

BREAKER_MODULE = "membercare.lookup.upstream"
BREAKER_STATES = ("closed", "open", "half_open")


@public
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: no database, no cache, nothing that can be slow."""
    return HttpResponse("ok", content_type="text/plain")


@public
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "cache": _cache()}
    ready = all(result == "ok" for result in checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "unready", "checks": checks}
    # The breaker's state lives in the cache: when that just failed, reading it would only wait
    # for the same timeout again (a hung Redis: REDIS_SOCKET_TIMEOUT), so it is "unknown".
    state = breaker_state() if checks["cache"] == "ok" else _unknown_breaker()
    if state is not None:
        body["breaker"] = state  # reported, never a reason to be unready (see above)
    return JsonResponse(body, status=200 if ready else 503)


def breaker_state() -> str | None:
    """The Capillary circuit breaker's state ("closed", "open", "half_open"); "unknown" when it
    cannot be read; None when there is no breaker in this build."""
    try:
        module = import_module(BREAKER_MODULE)
    except ModuleNotFoundError as error:
        if error.name != BREAKER_MODULE:
            raise  # the module is there but something it imports is not: a real bug
        return None
    read = getattr(module, "breaker_state", None)
    if read is None:
        return None
    try:
        return str(read())
    except Exception as error:  # its store (Redis) may be down: readyz reports the cache then
        logger.warning("readyz: the breaker's state could not be read: %s", type(error).__name__)
        return "unknown"


def _unknown_breaker() -> str | None:
    """ "unknown", or None when this build has no breaker (as breaker_state says)."""
    try:
        import_module(BREAKER_MODULE)
    except ModuleNotFoundError:
        return None
    return "unknown"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not ready"; the reason goes to the log
        logger.warning("readyz: database unreachable: %s: %s", type(error).__name__, error)
        return "error"
    return "ok"


def _cache() -> str:
    # A key of its own per check, so that two processes checking at once never read each other's.
    key, value = f"health:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        round_trip = cache.get(key)
        cache.delete(key)
    except Exception as error:
        logger.warning("readyz: cache unreachable: %s: %s", type(error).__name__, error)
        return "error"
    if round_trip != value:
        logger.warning("readyz: the cache did not give back what was just set")
        return "error"
    return "ok"
