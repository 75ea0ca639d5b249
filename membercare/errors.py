"""The 403, 404 and 503 pages (templates/403.html, 404.html, 503.html): Django's own views, except
that an htmx request gets the page's message alone, to swap into the panel that asked, rather than a
whole page (header, landmarks and all) inside it. The 500, 503 and CSRF pages render with no request
context (templates/_bare.html): they must not need the database."""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults

logger = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 5


def _message(request: HttpRequest, template: str, status: int) -> HttpResponse:
    response = render(request, f"{template}#error-message", status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return _message(request, "403.html", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return _message(request, "404.html", 404)
    return defaults.page_not_found(request, exception)


class DatabaseBusyMiddleware:
    """A view whose database was too busy or away (OperationalError: SQLite's lock held past its
    timeout in a sign-in storm, PostgreSQL refusing connections) answers 503 with `Retry-After`
    and a page that says so, instead of a 500: the agent can simply try again. Its transaction
    was rolled back, so nothing was half done. Errors in middleware after the view (the session's
    save) still reach the 500 page; the SQLite timeout (settings.py) makes those rare."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("database busy: %s", type(exception).__name__, exc_info=exception)
        return busy(request)


def busy(request: HttpRequest) -> HttpResponse:
    """503 "Busy: try again", with `Retry-After`: the whole page, or its message for htmx."""
    template = "503.html"
    if request.headers.get("HX-Request") == "true":
        template = "503.html#error-message"
    context = {"retry_after": BUSY_RETRY_SECONDS}
    response = HttpResponse(render_to_string(template, context), status=503)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response
