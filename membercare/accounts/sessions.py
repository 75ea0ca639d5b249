"""How long a sign-in lasts: an idle timeout, an absolute lifetime, and sessions ended on demand.

The session carries when it started and when it was last used. `SignedInSession` indexes the
sessions by user, so that an admin can list and end them and a leaver loses them at once. Last use
is written at most once a minute: an active agent costs one session write a minute, not one per
request, and the idle timeout is exact to that minute.
"""

from datetime import timedelta
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membercare.accounts.models import SignedInSession
from membercare.audit.events import client_ip, record
from membercare.audit.models import Action

STARTED = "membercare.started_at"
LAST_SEEN = "membercare.last_seen_at"
TOUCH_EVERY = timedelta(minutes=1)
MAX_USER_AGENT = 200


class Ending(StrEnum):
    """Why a session ended other than by signing out: the audit outcome, and what the user reads."""

    IDLE = "idle"
    LIFETIME = "lifetime"
    BY_ADMIN = "by_admin"
    BY_USER = "by_user"  # from another of their sessions
    DEACTIVATED = "deactivated"
    NO_ACCESS = "no_access"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password

    @property
    def message(self) -> str:
        """What the user reads, in the active language."""
        return str(MESSAGES[self])


MESSAGES = {
    Ending.IDLE: _(
        "You were signed out after {idle} minutes without activity. Please sign in again."
    ),
    Ending.LIFETIME: _("Your session reached its {hours}-hour limit. Please sign in again."),
    Ending.BY_ADMIN: _("An administrator ended your session."),
    Ending.BY_USER: _("You signed this session out from another one."),
    Ending.DEACTIVATED: _("Your account was deactivated."),
    Ending.NO_ACCESS: _("You no longer hold any access to membercare."),
    Ending.PASSWORD_CHANGED: _("Your password was changed in another session."),
}


def idle_timeout() -> timedelta:
    return timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def lifetime() -> timedelta:
    return timedelta(hours=settings.SESSION_LIFETIME_HOURS)


def start(request: HttpRequest, user: Any) -> None:
    """A sign-in: stamp the session and index it (Django has already cycled the session key)."""
    now = timezone.now()
    request.session[STARTED] = now.timestamp()
    request.session[LAST_SEEN] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "started_at": now,
            "last_seen_at": now,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT],
        },
    )
    # Sessions that ran out without a sign-out leave a row behind: sweep them here, not per request.
    SignedInSession.objects.filter(started_at__lt=now - lifetime()).delete()


def forget(request: HttpRequest) -> None:
    """A sign-out: the session is about to be flushed; drop its index row."""
    if request.session.session_key:
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()


def rekey(*, old: str | None, new: str | None) -> None:
    """The session kept its sign-in under a new key (Django cycles it on a password change)."""
    if old and new and old != new:
        SignedInSession.objects.filter(session_key=old).update(session_key=new)


def check(request: HttpRequest, *, touch: bool = True) -> Ending | None:
    """Whether the signed-in request's session has run out (idle or too old); else mark it used.

    With touch=False (the page asking how long it has left) the request does not count as use.
    """
    now = timezone.now()
    started, last_seen = request.session.get(STARTED), request.session.get(LAST_SEEN)
    if started is None or last_seen is None:
        # Signed in by other means than the sign-in view's signal (e.g. a test's force_login).
        start(request, request.user)
        return None
    if now.timestamp() - started > lifetime().total_seconds():
        return Ending.LIFETIME
    if now.timestamp() - last_seen > idle_timeout().total_seconds():
        return Ending.IDLE
    if touch and now.timestamp() - last_seen >= TOUCH_EVERY.total_seconds():
        mark_used(request)
    return None


def mark_used(request: HttpRequest) -> None:
    now = timezone.now()
    request.session[LAST_SEEN] = now.timestamp()
    SignedInSession.objects.filter(session_key=request.session.session_key).update(last_seen_at=now)


def idle_seconds_left(request: HttpRequest) -> int:
    """How long the signed-in session has before its idle timeout (or its lifetime, if sooner)."""
    now = timezone.now().timestamp()
    idle_end = request.session.get(LAST_SEEN, now) + idle_timeout().total_seconds()
    lifetime_end = request.session.get(STARTED, now) + lifetime().total_seconds()
    return max(0, int(min(idle_end, lifetime_end) - now))


def end_current(request: HttpRequest, ending: Ending) -> None:
    """End the request's own session: an audit event, the session gone, the request anonymous.

    Not Django's logout(): that would also record a sign-out the user never asked for.
    """
    record(
        request,
        action=Action.SESSION_ENDED,
        outcome=ending,
        detail={"username": request.user.get_username(), "sessions": 1},
    )
    forget(request)
    request.session.flush()
    request.user = AnonymousUser()


def active(*, user: Any | None = None) -> QuerySet[SignedInSession]:
    """Sessions still usable: used within the idle timeout, and younger than the lifetime."""
    now = timezone.now()
    # last_seen_at lags real use by up to TOUCH_EVERY.
    sessions = SignedInSession.objects.filter(
        last_seen_at__gte=now - idle_timeout() - TOUCH_EVERY,
        started_at__gte=now - lifetime(),
    ).select_related("user")
    return sessions.filter(user=user) if user is not None else sessions


def end_sessions(
    sessions: QuerySet[SignedInSession],
    *,
    ending: Ending,
    request: HttpRequest | None = None,
    actor: Any | None = None,
) -> int:
    """End these sessions now, wherever they are: the next request of each is signed out."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in sessions.select_related("user"):
        # The store's delete() clears the cached copy too (with Redis), not only the table row.
        store(session_key=session.session_key).delete()
        session.delete()
        record(
            request,
            action=Action.SESSION_ENDED,
            outcome=ending,
            actor=actor,
            detail={"username": session.user.get_username(), "sessions": 1},
        )
        ended += 1
    return ended
