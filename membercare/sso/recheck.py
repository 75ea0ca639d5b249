"""Asking the provider again, every OIDC_RECHECK_SECONDS, whether an SSO user may still be here.

At sign-in the session (server-side: only its id is in the browser's cookie) keeps the provider's
tokens. When a re-check is due, the provider is asked on the server, with OIDC_TIMEOUT: a
refresh-token grant when it gave a refresh token, else userinfo with the access token. Then:

- it refuses (invalid_grant, 401: the user was disabled or deleted there): the session ends;
- it answers: the claims are applied again, so a group removed there is removed here, and with
  no mapped group left the session ends;
- it cannot be reached: the session carries on, failing open for a bounded time only: when two
  re-check intervals have passed since the provider last confirmed the user, the session ends.
  A provider outage of a few minutes does not sign a call center out; a longer one does not
  leave a leaver signed in.
"""

import hashlib
import time
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from membercare.sso import accounts, provider
from membercare.sso.accounts import Refusal
from membercare.sso.backend import SSOBackend, refusal_for

SESSION_KEY = "membercare.sso"
GRACE_INTERVALS = 2


class Ending(StrEnum):
    """Why a re-check ended the session: the audit outcome, and what the user reads."""

    GONE = "sso_gone"
    NO_ACCESS = "sso_no_access"
    UNREACHABLE = "sso_unreachable"
    UNCHECKABLE = "sso_uncheckable"

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES = {
    Ending.GONE: (
        "Your organisation's sign-in no longer accepts your account, so you were signed out."
    ),
    Ending.NO_ACCESS: "Your organisation no longer gives you access to membercare.",
    Ending.UNREACHABLE: (
        "Your organisation's sign-in could not be reached to confirm your access for a while, so "
        "you were signed out. Please sign in again."
    ),
    Ending.UNCHECKABLE: "Single sign-on settings changed. Please sign in again.",
}


def remember(request: HttpRequest, tokens: dict[str, Any]) -> None:
    """At sign-in: what a re-check needs, in the server-side session."""
    now = time.time()
    request.session[SESSION_KEY] = {
        "issuer": settings.OIDC_ISSUER,
        "refresh_token": tokens.get("refresh_token") or "",
        "access_token": tokens.get("access_token") or "",
        "checked_at": now,
        "confirmed_at": now,
    }


def is_sso_session(request: HttpRequest) -> bool:
    return SESSION_KEY in request.session


def recheck(request: HttpRequest) -> Ending | None:
    """If a re-check is due, ask the provider; why the session must end, or None."""
    state = dict(request.session[SESSION_KEY])
    if not provider.enabled() or state.get("issuer") != settings.OIDC_ISSUER:
        return Ending.UNCHECKABLE  # SSO switched off or moved: nobody can confirm this session
    now = time.time()
    interval = settings.OIDC_RECHECK_SECONDS
    if now - state["checked_at"] < interval:
        return None
    # htmx fires several requests at once: one of them asks, the others go on meanwhile.
    lock = "sso-recheck:" + hashlib.sha256((request.session.session_key or "").encode()).hexdigest()
    if not cache.add(lock, 1, timeout=int(4 * settings.OIDC_TIMEOUT) + 1):
        return None
    try:
        return _ask(request, state, now=now, interval=interval)
    finally:
        cache.delete(lock)


def _ask(
    request: HttpRequest, state: dict[str, Any], *, now: float, interval: float
) -> Ending | None:
    backend = SSOBackend()
    try:
        if state["refresh_token"]:
            tokens = backend.refreshed(state["refresh_token"])
            claims = backend.verified_claims(tokens, nonce=None)
        else:
            tokens = {}
            claims = backend.userinfo(state["access_token"])
    except Exception as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
        if refusal is not Refusal.UNREACHABLE:
            return Ending.GONE
        state["checked_at"] = now
        request.session[SESSION_KEY] = state
        return (
            Ending.UNREACHABLE
            if now - state["confirmed_at"] >= GRACE_INTERVALS * interval
            else None
        )
    identity = getattr(request.user, "sso_identity", None)
    if identity is None or str(claims["sub"]) != identity.subject:
        return Ending.GONE
    if not accounts.update(request.user, claims, request=request):
        return Ending.NO_ACCESS
    state.update(
        refresh_token=tokens.get("refresh_token") or state["refresh_token"],
        access_token=tokens.get("access_token") or state["access_token"],
        checked_at=now,
        confirmed_at=now,
    )
    request.session[SESSION_KEY] = state
    return None
