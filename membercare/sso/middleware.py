"""The periodic re-check of SSO sessions (recheck.py), before the view runs."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from membercare.accounts import sessions
from membercare.audit.events import record
from membercare.audit.models import Action
from membercare.sso import recheck


class SSORecheckMiddleware:
    """Ends an SSO session the provider no longer confirms.

    The request then goes on signed out, so LoginRequiredMiddleware (process_view, after every
    middleware's __call__) sends it to the sign-in page, and htmx requests with HX-Redirect
    (membercare/middleware.py). After MessageMiddleware, so that the sign-in page can say why.
    Sessions of local accounts carry no SSO state and are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and recheck.is_sso_session(request):
            ending = recheck.recheck(request)
            if ending is not None:
                end_session(request, ending)
        return self.get_response(request)


def end_session(request: HttpRequest, ending: recheck.Ending) -> None:
    """One session_ended event, the session gone, the request anonymous.

    Not Django's logout(): that would record a sign-out the user never asked for. A session that
    is already gone was ended, and recorded, by whoever removed the user's last group.
    """
    if request.session.session_key and request.session.exists(request.session.session_key):
        record(
            request, action=Action.SESSION_ENDED, outcome=ending, detail={"reason": ending.value}
        )
    sessions.forget(request)  # off the list of signed-in sessions, as any ended session
    request.session.flush()
    request.user = AnonymousUser()
    messages.info(request, ending.message)
