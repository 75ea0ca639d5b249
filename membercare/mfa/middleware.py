"""Nothing but the second factor for a signed-in user who owes one.

After the password, a user who must use a second factor (see `services.must_use_mfa`) and whose
session is not yet verified by a device reaches only the enrolment or verify step, sign-out and
public views (the sign-in page, the sandbox with its own auth). Everything else, pages, partials,
POSTs and Django's admin, is sent to the step: a plain request by a redirect that keeps where it
was going, an htmx request by HX-Redirect (a plain redirect would swap the step into a panel).
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from membercare.access.policy import PUBLIC, viewer_of
from membercare.mfa import services

ALLOWED_WHILE_PENDING = frozenset({"mfa-setup", "mfa-verify", "logout"})


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or _allowed_while_pending(request, view_func):
            return None
        # Who must use one first: their viewer is computed once per request anyway, while
        # is_verified() loads the session's device.
        if not services.must_use_mfa(user=user, viewer=viewer_of(request)) or user.is_verified():
            return None
        step = reverse("mfa-verify" if services.app_device(user=user) else "mfa-setup")
        if getattr(request, "htmx", False):
            # Come back to the page the partial was on, not to the partial's URL.
            current = request.htmx.current_url_abs_path or ""  # type: ignore[attr-defined]
            return HttpResponseClientRedirect(_with_next(request, step, current))
        going_to = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        return HttpResponseRedirect(_with_next(request, step, going_to))


def _allowed_while_pending(request: HttpRequest, view_func: Callable[..., Any]) -> bool:
    match = request.resolver_match
    if match is not None and match.url_name in ALLOWED_WHILE_PENDING and not match.namespace:
        return True
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    return getattr(view_func, "access_policy", None) == PUBLIC


def _with_next(request: HttpRequest, step: str, next_url: str) -> str:
    if not next_url or next_url == "/" or not safe_next(request, next_url):
        return step
    return f"{step}?{urlencode({'next': next_url})}"


def safe_next(request: HttpRequest, next_url: str) -> bool:
    return url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
