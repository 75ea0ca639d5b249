"""At most SIGN_INS_AT_ONCE sign-in checks (a password, a second-factor code) per process at once.

A sign-in's POST is CPU: the password's Argon2id (17 ms), a new session key, the session index,
the audit event. At shift start a hundred agents sign in within seconds, on the same threads as
the agents already on calls; unbounded, the checks take the interpreter from the lookups (200
agents signing in within 10 s: searches meanwhile answered p95 1.4-1.9 s against 0.26 s after,
docs/benchmarks.md). Bounded, the others wait their turn without using any CPU, and lookups keep
theirs. A check that waits longer than SIGN_IN_WAIT_SECONDS is answered "Busy: try again" (503,
`Retry-After`) rather than held. The sign-in page itself (GET) never waits.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from membercare.errors import busy
from membercare.setting_semaphore import SettingSemaphore

logger = logging.getLogger(__name__)


def one_turn_each[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """The view's POSTs take one of this process's sign-in turns (SIGN_INS_AT_ONCE; 0: no bound)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or not settings.SIGN_INS_AT_ONCE:
            return view(request, *args, **kwargs)
        turns = _turns.get()
        if not turns.acquire(timeout=settings.SIGN_IN_WAIT_SECONDS):
            logger.warning("sign-in refused: %s checks under way", settings.SIGN_INS_AT_ONCE)
            return busy(request)
        try:
            return view(request, *args, **kwargs)
        finally:
            turns.release()

    return wrapper  # type: ignore[return-value]


_turns = SettingSemaphore("SIGN_INS_AT_ONCE")
