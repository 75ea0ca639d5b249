"""The app's URLconf with views that fail, for the 500 and 503 pages' tests (test_error_pages)."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from membercare.access.policy import public
from membercare.urls import urlpatterns as app_urlpatterns


class Bug(Exception):
    pass


@public
def broken(request: HttpRequest) -> HttpResponse:
    raise Bug("a bug in a view")


@public
def locked(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")  # what SQLite says once its timeout has passed


urlpatterns = [
    *app_urlpatterns,
    path("broken/", broken, name="broken"),
    path("locked/", locked, name="locked"),
]
