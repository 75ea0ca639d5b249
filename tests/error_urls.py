"""The app's URLconf with one view that fails, for the 500 page's tests (test_error_pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from membercare.access.policy import public
from membercare.urls import urlpatterns as app_urlpatterns


class Bug(Exception):
    pass


@public
def broken(request: HttpRequest) -> HttpResponse:
    raise Bug("a bug in a view")


urlpatterns = [*app_urlpatterns, path("broken/", broken, name="broken")]
