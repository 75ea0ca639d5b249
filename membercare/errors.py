"""The 403 and 404 pages (templates/403.html, 404.html): Django's own views, except that an htmx
request gets the page's message alone, to swap into the panel that asked, rather than a whole page
(header, landmarks and all) inside it. The 500 and CSRF pages stay Django's: they render with no
request context (templates/_bare.html)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views import defaults


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
