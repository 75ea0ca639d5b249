"""Staff accounts: your own password; admins see sessions and lockouts, and end or lift them."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from membercare import i18n
from membercare.access.capabilities import Cap
from membercare.access.policy import public, requires, signed_in
from membercare.accounts import lockout, sessions
from membercare.accounts.forms import (
    ConfirmPasswordForm,
    EndSessionsForm,
    LanguageForm,
    UnlockForm,
)
from membercare.accounts.models import SignedInSession
from membercare.accounts.sessions import Ending
from membercare.audit.events import record
from membercare.audit.models import Action
from membercare.mfa.middleware import safe_next


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, plus: the user's other sessions end, and the change is audited.

    A user who signs in through their organisation (no usable password here) is told where their
    password lives instead.
    """

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password-change")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user  # signed in (LoginRequiredMiddleware)
        if not user.has_usable_password():
            return TemplateResponse(request, "accounts/password_elsewhere.html", status=409)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        others = sessions.active(user=self.request.user).exclude(
            session_key=self.request.session.session_key
        )
        other_ids = list(others.values_list("pk", flat=True))
        response = super().form_valid(form)  # keeps this session signed in, under a new key
        ended = sessions.end_sessions(
            SignedInSession.objects.filter(pk__in=other_ids),
            ending=Ending.PASSWORD_CHANGED,
            request=self.request,
        )
        record(self.request, action=Action.PASSWORD_CHANGE, detail={"sessions": ended})
        said = _("Your password was changed.")
        if ended:
            said += " " + ngettext(
                "Your %(count)d other session was signed out.",
                "Your %(count)d other sessions were signed out.",
                ended,
            ) % {"count": ended}
        messages.success(self.request, said)
        return response


password_change = signed_in(PasswordChangeView.as_view())


@public
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left before its idle timeout; a POST counts as activity.

    For the page's warning before the timeout (static/js/session.js). Public, so that a signed-out
    page hears `signed_in: false` instead of a redirect to the sign-in page.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False})
    if request.method == "POST":
        sessions.mark_used(request)
    return JsonResponse({"signed_in": True, "seconds_left": sessions.idle_seconds_left(request)})


@public
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language menu (a plain POST form, no JS needed): the choice, then back.

    Public, so the sign-in page has the menu too: there the choice lives in the language cookie;
    for a signed-in user on their profile as well (membercare/i18n.py), so it follows them to
    other browsers.
    """
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next", "")
    if not next_url or not safe_next(request, next_url) or not next_url.startswith("/"):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url, status=303)
    if not form.is_valid():
        return response
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        i18n.choose_language(request, code)
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


@signed_in
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    """Sign out everywhere else (a forgotten shared computer, a lost laptop).

    A local user types their password again first, so that a session left open somewhere cannot
    sign its owner out of the others; an SSO user has no password here to type.
    """
    user: Any = request.user
    if user.has_usable_password():
        form = ConfirmPasswordForm(request.POST, user=user)
        if not form.is_valid():
            messages.error(request, _("Type your password to sign out your other sessions."))
            return _back_to("mfa-security", "#sessions")
    others = sessions.active(user=user).exclude(session_key=request.session.session_key)
    ended = sessions.end_sessions(others, ending=Ending.BY_USER, request=request)
    if ended:
        said = ngettext(
            "Signed out %(count)d other session.", "Signed out %(count)d other sessions.", ended
        ) % {"count": ended}
    else:
        said = _("No other sessions to sign out.")
    messages.success(request, said)
    return _back_to("mfa-security", "#sessions")


@requires(Cap.GROUPS)
@require_GET
def sign_ins(request: HttpRequest) -> TemplateResponse:
    """Who is signed in now, and who is locked out."""
    context = {
        "sessions": sessions.active(),
        "lockouts": lockout.current_lockouts(),
        "current_key": request.session.session_key,
        "idle_minutes": int(sessions.idle_timeout().total_seconds() // 60),
        "lifetime_hours": int(sessions.lifetime().total_seconds() // 3600),
        "lockout_minutes": int(lockout.cool_off().total_seconds() // 60),
    }
    return TemplateResponse(request, "accounts/sign_ins.html", context)


@requires(Cap.GROUPS)
@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(SignedInSession, pk=session_id)
    username = session.user.get_username()
    if session.session_key == request.session.session_key:
        messages.error(request, _("That is this session: sign out instead."))
    else:
        one = SignedInSession.objects.filter(pk=session.pk)
        sessions.end_sessions(one, ending=Ending.BY_ADMIN, request=request)
        messages.success(request, _("Ended a session of %(user)s.") % {"user": username})
    return _back_to("sign-ins")


@requires(Cap.GROUPS)
@require_POST
def sessions_end(request: HttpRequest) -> HttpResponse:
    """End every session of one user, or of everyone but the admin (a suspected compromise)."""
    form = EndSessionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whose sessions to end."))
        return _back_to("sign-ins")
    chosen = sessions.active().exclude(session_key=request.session.session_key)
    if not form.cleaned_data["everyone"]:
        chosen = chosen.filter(user__username=form.cleaned_data["username"])
    ended = sessions.end_sessions(chosen, ending=Ending.BY_ADMIN, request=request)
    if form.cleaned_data["everyone"]:
        said = ngettext(
            "Ended %(count)d session of everyone else.",
            "Ended %(count)d sessions of everyone else.",
            ended,
        ) % {"count": ended}
    else:
        said = ngettext(
            "Ended %(count)d session of %(user)s.", "Ended %(count)d sessions of %(user)s.", ended
        ) % {"count": ended, "user": form.cleaned_data["username"]}
    messages.success(request, said)
    return _back_to("sign-ins")


@requires(Cap.GROUPS)
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a lockout to lift."))
        return _back_to("sign-ins")
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    lockout.unlock(kind=kind, value=value)
    record(request, action=Action.UNLOCKED, detail={"kind": kind, "value": value[:150]})
    if kind == "username":
        said = _("Lifted the lockout of username %(value)s.")
    else:
        said = _("Lifted the lockout of address %(value)s.")
    messages.success(request, said % {"value": value})
    return _back_to("sign-ins")


def _back_to(name: str, fragment: str = "") -> HttpResponseRedirect:
    """After a change, the page it was made from (303: the browser GETs it)."""
    return HttpResponseRedirect(reverse(name) + fragment, status=303)
