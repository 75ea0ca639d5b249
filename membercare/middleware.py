"""Project-wide middleware: login for htmx requests, and responses that no shared cache keeps."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """LoginRequiredMiddleware that sends the whole browser to the login page on an htmx request.

    A plain redirect would be followed by htmx's XHR and the login form swapped into a panel.
    """

    def handle_no_permission(self, request: HttpRequest, view_func: Callable[..., Any]) -> Any:
        if not getattr(request, "htmx", False):
            return super().handle_no_permission(request, view_func)
        # Come back to the page the panel was on, not to the partial's URL.
        current = request.htmx.current_url_abs_path or "/"  # type: ignore[attr-defined]
        if not url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
            current = "/"
        login = redirect_to_login(
            current,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )
        return HttpResponseClientRedirect(login.url)


class PrivateResponsesMiddleware:
    """Every dynamic response may hold personal data: no browser or proxy cache keeps it.

    `Vary: HX-Request` because one URL answers with a page or with its partial.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ["HX-Request"])
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class RetryAfterMiddleware:
    """`Retry-After` on a page that answers 503 or 429 because of a limit that ends.

    What came of a look chooses the status (membercare/lookup/outcomes.py): 503 when the service
    is what is limited (Capillary's circuit breaker open, its own 429 being waited out, the org's
    CAPILLARY_RATE_LIMIT spent: every agent gets the same), 429 when the agent reached their own
    LOOKUP_RATE_LIMIT. The page's problem knows in how many seconds trying again makes sense;
    this says it in the header too (RFC 9110 §10.2.3), for scripts, proxies and monitors. A
    response that already has one (the sign-in lockout's) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response: Any) -> Any:
        if response.status_code in (429, 503) and not response.has_header("Retry-After"):
            seconds = _retry_after(response.context_data or {})
            if seconds:
                response["Retry-After"] = str(seconds)
        return response


def _retry_after(context: dict[str, Any]) -> int | None:
    """Seconds until trying again makes sense, from the page's problem: the search box's, the
    member page's, or the longest of bulk lines' (those beyond the agent's limit)."""
    problem = context.get("problem") or getattr(context.get("page"), "problem", None)
    if getattr(problem, "retry_after", None):
        return int(problem.retry_after)  # type: ignore[union-attr]
    rows = context.get("rows") or []
    waits = [getattr(getattr(row, "error", None), "retry_after", None) for row in rows]
    return max((int(wait) for wait in waits if wait), default=None)
