"""Sign-ins, sign-outs and failed sign-ins, into the audit trail.

Connected in `AuditConfig.ready`. Each handler writes exactly one event. (Refused requests are
recorded by membercare.access.policy's `requires`, as `denied` events.)
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from membercare.audit.events import record
from membercare.audit.models import Action

MAX_USERNAME_LENGTH = 150


SSO_BACKEND = "membercare.sso.backend.SSOBackend"


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """How they signed in: Django's login() has set the backend that took them."""
    via = "sso" if getattr(user, "backend", "") == SSO_BACKEND else "password"
    record(request, action=Action.SIGN_IN, actor=user, detail={"via": via})


def on_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Django sends this with `user=None` when nobody was signed in: nothing to record then."""
    if user is None or not user.is_authenticated:
        return
    record(request, action=Action.SIGN_OUT, actor=user)


def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The attempted username only: never the password, nor any other credential."""
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field, credentials.get("username", ""))
    record(
        request,
        action=Action.SIGN_IN_FAILED,
        outcome="failed",
        detail={"username": str(username or "")[:MAX_USERNAME_LENGTH]},
    )
