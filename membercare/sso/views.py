"""The two steps of a sign-in through the provider: off to it, and back from it.

mozilla-django-oidc's views do the protocol (state, nonce and PKCE kept in the session; the
`next` page checked). These subclasses read the endpoints from discovery, and turn every way a
sign-in can fail into a page that says what happened, and an `sso_refused` audit event.
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from membercare.access.policy import public
from membercare.audit.events import record
from membercare.audit.models import Action
from membercare.sso import provider, recheck
from membercare.sso.accounts import Refusal, Refused
from membercare.sso.backend import PATH, SSOBackend

# What each refusal tells the person: its status, heading and text ({provider} is its name).
PAGES: dict[Refusal, tuple[int, str | Promise, str | Promise]] = {
    Refusal.NO_ACCESS: (
        403,
        _("No access to membercare"),
        _(
            "Your organisation has not given you access to membercare. Ask your administrator to "
            "add you to one of membercare's groups at {provider}, then sign in again."
        ),
    ),
    Refusal.DEACTIVATED: (
        403,
        _("Account switched off"),
        _("Your membercare account is switched off. Ask a membercare administrator."),
    ),
    Refusal.UNREACHABLE: (
        503,
        _("Sign-in unavailable"),
        _(
            "Signing in with {provider} is not possible right now: it could not be reached. Try "
            "again in a minute; if it goes on, tell your administrator."
        ),
    ),
}
DID_NOT_COMPLETE = (
    400,
    _("Sign-in did not complete"),
    _(
        "Signing in with {provider} did not complete, or the link was already used. Please start "
        "again from the sign-in page."
    ),
)


class StartView(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)  # View's: no settings read
        self.OIDC_OP_AUTH_ENDPOINT = provider.endpoints().authorization
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        states = request.session.get("oidc_states") or {}
        flow = states.pop(request.GET.get("state", ""), None)
        request.session.modified = True  # the state is used up, whatever follows: no replay
        if request.GET.get("error"):
            return refused(request, Refusal.PROVIDER_ERROR)
        if flow is None or not request.GET.get("code"):
            return refused(request, Refusal.EXPIRED)
        if request.GET.get("iss", settings.OIDC_ISSUER) != settings.OIDC_ISSUER:
            # RFC 9207: an answer from another provider than the one we sent the user to.
            return refused(request, Refusal.BAD_TOKEN)
        try:
            user, tokens = SSOBackend().sign_in(
                request,
                code=request.GET["code"],
                nonce=flow["nonce"],
                code_verifier=flow.get("code_verifier"),
            )
        except Refused as refusal:
            return refused(request, refusal.reason, user=refusal.user)
        user.backend = PATH
        self.user = user
        response = self.login_success()  # auth.login: a new session key, the sign_in event
        recheck.remember(request, tokens)
        return response


@public
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Off to the provider's sign-in (its endpoints discovered on the first one)."""
    if not provider.enabled():
        raise Http404
    try:
        provider.endpoints()
    except provider.ProviderUnavailable:
        return refused(request, Refusal.UNREACHABLE)
    return StartView.as_view()(request)


@public
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: signed in and sent on, or a page that says why not."""
    if not provider.enabled():
        raise Http404
    return CallbackView.as_view()(request)


def refused(request: HttpRequest, reason: Refusal, *, user: Any = None) -> TemplateResponse:
    """The page for a refused sign-in, and its `sso_refused` event (the reason only)."""
    record(
        request,
        action=Action.SSO_REFUSED,
        outcome="refused",
        actor=user,
        detail={"reason": reason.value},
    )
    status, heading, text = PAGES.get(reason, DID_NOT_COMPLETE)
    context = {"heading": heading, "text": str(text).format(provider=provider.name())}
    return TemplateResponse(request, "sso/refused.html", context, status=status)
