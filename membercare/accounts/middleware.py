"""Sessions that run out: idle too long, or older than their lifetime, end on their next request."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from membercare.accounts import sessions
from membercare.accounts.sessions import Ending


class SessionLimitsMiddleware:
    """Ends an idle or too-old session before the view runs.

    The request then goes on signed out, so LoginRequiredMiddleware (process_view, after every
    middleware's __call__) sends it to the sign-in page, htmx requests with HX-Redirect.
    Placed after MessageMiddleware, so the sign-in page can say why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            # The page asking how long it has left is not activity (static/js/session.js).
            asking = request.method == "GET" and request.path_info == reverse("session-status")
            ending = sessions.check(request, touch=not asking)
            if ending is not None:
                sessions.end_current(request, ending)
                messages.info(request, _message(ending))
        return self.get_response(request)


def _message(ending: Ending) -> str:
    return ending.message.format(
        idle=int(sessions.idle_timeout().total_seconds() // 60),
        hours=int(sessions.lifetime().total_seconds() // 3600),
    )
