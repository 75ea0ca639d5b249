"""Writing the audit trail, and the one read the customer view needs ("viewed by").

Callers pass what happened; this module decides what is kept. An identifier's value is only ever
kept as a keyed hash. `detail` is for small, fixed facts; by convention its keys are:

- `panel`: the panel opened (view_panel), e.g. "points"
- `page`: the coupon page number (coupon_page)
- `field`: the field revealed or verified (reveal, verify), e.g. "mobile"
- `reason`: the reason typed for a reveal (shown to auditors, never exported)
- `change`: a description of a group change (group_change)
- `username`: the username typed at a failed sign-in (sign_in_failed), or the member of staff
  whose session ended, lockout was lifted or second factor was reset
- `via`: how someone signed in (sign_in): "password" or "sso"
- `filters`, `found`: a bill search's filter names (never their values) and its matches
  (view_panel); `code_search`, `found`: a coupon looked for by its code (coupon_page)
- `seconds`, `looked_at`: a call's length since the member was opened and how many searches its
  summary lists (call_end)

Never put an identifier's value, a name, an email or a phone number in `detail`.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.http import HttpRequest

from membercare import metrics
from membercare.audit.models import Action, AuditEvent
from membercare.hashing import keyed_hash
from membercare.request_log import current_request_id

IDENTIFIER_HASH_PURPOSE = "audit.identifier"
MAX_DETAIL_KEYS = 20
MAX_DETAIL_TEXT = 500


@dataclass(frozen=True, slots=True)
class RecentViewer:
    """Someone who opened a member, and when they last did."""

    username: str
    at: datetime


def record(
    request: HttpRequest | None = None,
    *,
    action: str,
    outcome: str = "ok",
    actor: AbstractBaseUser | AnonymousUser | None = None,
    member_id: int | None = None,
    identifier_kind: str = "",
    identifier_value: str | None = None,
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    `actor` defaults to the request's user when signed in. `identifier_value` (pass the normalised
    identifier, as sent to Capillary) is hashed and never stored. `request_id` is Capillary's
    X-Cap-Requestid when there was an upstream call; our own request id goes in `trace_id`.
    An unknown `action` raises ValueError. A failed insert is counted, and raised: an event
    that cannot be written fails its request rather than pass unrecorded.
    """
    user: Any = actor  # the project's user model (AUTH_USER_MODEL), or nobody
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    event = AuditEvent(
        action=Action(action),
        outcome=str(outcome)[:32],
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        member_id=int(member_id) if member_id is not None else None,
        identifier_kind=str(identifier_kind or "")[:32],
        identifier_hash=(
            keyed_hash(identifier_value, purpose=IDENTIFIER_HASH_PURPOSE)
            if identifier_value
            else ""
        ),
        detail=_small(detail or {}),
        ip=client_ip(request) if request is not None else None,
        request_id=str(request_id or "")[:128],
        trace_id=current_request_id(),
    )
    try:
        event.save()  # always an INSERT (AuditEvent.save)
    except Exception:
        metrics.AUDIT_WRITE_FAILURES.inc()
        raise
    return event


def recent_viewers(*, member_id: int, limit: int = 10) -> list[RecentViewer]:
    """Who opened this member, newest first: one row per user, with their latest view."""
    rows = (
        AuditEvent.objects.filter(
            member_id=member_id,
            action__in=[Action.VIEW_CUSTOMER, Action.SEARCH],
            outcome="ok",
        )
        .exclude(actor_username="")
        .values("actor_username")
        .annotate(last=Max("at"))
        .order_by("-last", "actor_username")[:limit]
    )
    return [RecentViewer(username=row["actor_username"], at=row["last"]) for row in rows]


def identifier_hash(value: str) -> str:
    """The hash `record()` keeps for an identifier (to find a member's events by identifier)."""
    return keyed_hash(value, purpose=IDENTIFIER_HASH_PURPOSE)


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; or, when AUDIT_TRUST_X_FORWARDED_FOR is on, X-Forwarded-For's first hop."""
    candidate = ""
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        candidate = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
    candidate = candidate or request.META.get("REMOTE_ADDR", "")
    return _valid_ip(candidate)


def _valid_ip(text: str) -> str | None:
    for form in (text, _without_port(text)):
        try:
            return str(ipaddress.ip_address(form))
        except ValueError:
            continue
    return None


def _without_port(text: str) -> str:
    """ "203.0.113.9:443" -> "203.0.113.9"; "[2001:db8::1]:443" -> "2001:db8::1"."""
    if text.startswith("["):
        return text[1:].partition("]")[0]
    host, _, port = text.rpartition(":")
    return host if port.isdigit() and host.count(":") == 0 else text


def _small(detail: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe and bounded: a few keys, short texts, shallow values."""
    value = _small_value(detail, depth=0)
    return value if isinstance(value, dict) else {}


def _small_value(value: Any, *, depth: int) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth < 2 and isinstance(value, dict):
        items = list(value.items())[:MAX_DETAIL_KEYS]
        return {str(k)[:64]: _small_value(v, depth=depth + 1) for k, v in items}
    if depth < 2 and isinstance(value, list | tuple | set | frozenset):
        return [_small_value(item, depth=depth + 1) for item in list(value)[:MAX_DETAIL_KEYS]]
    return str(value)[:MAX_DETAIL_TEXT]
