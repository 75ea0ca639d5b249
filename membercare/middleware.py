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
