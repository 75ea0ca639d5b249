"""Failed sign-ins, limited per username and per address (django-axes, in the database).

axes counts the failures and refuses a locked-out sign-in; this module says so to the person and
lets admins see who is locked out and lift it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    """A username or an address that may not sign in until `until`."""

    kind: str  # "username" or "address"
    value: str
    failures: int
    until: datetime


def cool_off() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a clear page, 429 with Retry-After, the same whoever was locked.

    It does not say whether the username exists, nor which of username or address tripped it.
    """
    minutes = settings.SIGN_IN_LOCKOUT_MINUTES
    context = {"minutes": minutes, "failure_limit": settings.SIGN_IN_FAILURE_LIMIT}
    # Rendered now: axes swaps it in after the view's response has been through the middleware.
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def current_lockouts() -> list[Lockout]:
    """Who is locked out now, by username and by address, latest first."""
    since = timezone.now() - cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    lockouts = []
    for kind, field in (("username", "username"), ("address", "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.SIGN_IN_FAILURE_LIMIT)
        )
        lockouts += [
            Lockout(kind, row[field], row["failures"], row["last"] + cool_off()) for row in rows
        ]
    return sorted(lockouts, key=lambda lockout: lockout.until, reverse=True)


def unlock(*, kind: str, value: str) -> int:
    """Lift a lockout now; the count of failed attempts forgotten."""
    if kind == "username":
        return reset(username=value)
    return reset(ip=value)
