"""The second factor's pages: enrolment, the verify step, Security, and an admin's reset.

Plain forms, no htmx: each step is a whole page and works without JavaScript. The views check
the form's shape and call one service; the services check codes and write the audit trail.
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from membercare.access.capabilities import Cap
from membercare.access.policy import requires, signed_in, viewer_of
from membercare.accounts import sessions
from membercare.accounts.sign_in_turns import one_turn_each
from membercare.http import HtmxHttpRequest
from membercare.mfa import services
from membercare.mfa.forms import AppCodeForm, RecoveryCodeForm
from membercare.mfa.middleware import safe_next

SETUP_PAGE = "mfa/setup.html"
VERIFY_PAGE = "mfa/verify.html"
CODES_PAGE = "mfa/recovery_codes.html"
SECURITY_PAGE = "mfa/security.html"
# While the second factor is pending, the sections' links would only lead back here.
NO_SECTIONS: dict[str, bool] = {}


@signed_in
@require_http_methods(["GET", "POST"])
def setup(request: HtmxHttpRequest) -> HttpResponse:
    """Scan (or type) the secret, confirm with a first code, then see the recovery codes once."""
    user: Any = request.user
    next_url = _next(request)
    if not _owes_second_factor(request):
        return HttpResponseRedirect(next_url)
    if services.app_device(user=user):
        return HttpResponseRedirect(_step("mfa-verify", next_url))
    device = services.enrolment_device(user=user)
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        check, codes = services.confirm_enrolment(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if check.passed:
            _verified(request, check)
            return _recovery_codes_page(request, codes, continue_to=next_url, enrolled=True)
        form.add_error("code", _refusal(check))
        status = _status(check)
    elif form.is_bound:
        status = 422
    context = {
        "form": form,
        "secret": services.secret_text(device),
        "qr_code": services.qr_code_svg(device),
        "next": next_url,
        "nav": NO_SECTIONS,
    }
    return TemplateResponse(request, SETUP_PAGE, context, status=status)


@signed_in
@require_http_methods(["GET", "POST"])
@one_turn_each
def verify(request: HtmxHttpRequest) -> HttpResponse:
    """A code from the app, or a recovery code (which is then used up)."""
    user: Any = request.user
    next_url = _next(request)
    if not _owes_second_factor(request):
        return HttpResponseRedirect(next_url)
    if not services.app_device(user=user):
        return HttpResponseRedirect(_step("mfa-setup", next_url))
    posted = request.POST if request.method == "POST" else None
    recovery = posted is not None and "recovery_code" in posted
    form = AppCodeForm(None if recovery else posted)
    recovery_form = RecoveryCodeForm(posted if recovery else None)
    bound = recovery_form if recovery else form
    field = "recovery_code" if recovery else "code"
    status = 200
    if bound.is_valid():
        code = bound.cleaned_data[field]
        verify_code = services.verify_recovery_code if recovery else services.verify_app_code
        check = verify_code(user=user, code=code, request=request)
        if check.passed:
            _verified(request, check)
            if recovery:
                # To Security, which says how many are left and makes new ones.
                left = services.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code: %(left)d left. Lost your phone? Ask "
                        "an admin to reset your second factor.",
                        "You signed in with a recovery code: %(left)d left. Lost your phone? Ask "
                        "an admin to reset your second factor.",
                        left,
                    )
                    % {"left": left},
                )
                return HttpResponseRedirect(reverse("mfa-security"))
            return HttpResponseRedirect(next_url)
        bound.add_error(field, _refusal(check))
        status = _status(check)
    elif bound.is_bound:
        status = 422
    context = {
        "form": form,
        "recovery_form": recovery_form,
        "recovery_open": recovery,
        "next": next_url,
        "nav": NO_SECTIONS,
    }
    return TemplateResponse(request, VERIFY_PAGE, context, status=status)


@signed_in
@require_GET
def security(request: HtmxHttpRequest) -> TemplateResponse:
    return _security_page(request, AppCodeForm())


@signed_in
@require_POST
def recovery_codes(request: HtmxHttpRequest) -> HttpResponse:
    """New recovery codes for a current code from the app; the old ones stop working."""
    user: Any = request.user
    if not services.app_device(user=user):
        messages.info(request, _("You have no second factor set up, so no recovery codes either."))
        return HttpResponseRedirect(reverse("mfa-security"), status=303)
    form = AppCodeForm(request.POST)
    if not form.is_valid():
        return _security_page(request, form, status=422)
    check, codes = services.regenerate_recovery_codes(
        user=user, code=form.cleaned_data["code"], request=request
    )
    if not check.passed:
        form.add_error("code", _refusal(check))
        return _security_page(request, form, status=_status(check))
    return _recovery_codes_page(request, codes, continue_to=reverse("mfa-security"))


@requires(Cap.GROUPS)
@require_POST
def reset(request: HtmxHttpRequest, user_id: int) -> HttpResponse:
    """An admin removes a user's second factor (a lost phone): they enrol again at next sign-in."""
    user = get_object_or_404(get_user_model(), pk=user_id)
    removed = services.reset(user=user, actor=request.user, request=request)
    name = user.get_username()
    if removed:
        messages.success(
            request,
            _("Reset the second factor of %(user)s: they set it up again at their next sign-in.")
            % {"user": name},
        )
    else:
        messages.info(
            request, _("%(user)s had no second factor set up: nothing to reset.") % {"user": name}
        )
    return HttpResponseRedirect(_next(request, default=reverse("groups")), status=303)


# Helpers


def _owes_second_factor(request: HtmxHttpRequest) -> bool:
    user: Any = request.user
    return not user.is_verified() and services.must_use_mfa(user=user, viewer=viewer_of(request))


def _verified(request: HtmxHttpRequest, check: services.Check) -> None:
    """Mark the session verified by the device (django-otp's login), under a new session key:
    a key seen before the second factor is not the key of the session after it."""
    otp_login(request, check.device)
    request.session.cycle_key()


def _recovery_codes_page(
    request: HtmxHttpRequest, codes: list[str], *, continue_to: str, enrolled: bool = False
) -> TemplateResponse:
    context: dict[str, Any] = {
        "codes": [services.format_recovery_code(code) for code in codes],
        "continue_to": continue_to,
        "enrolled": enrolled,
    }
    if enrolled:
        context["nav"] = NO_SECTIONS  # the sections come with "I have saved these"
    return TemplateResponse(request, CODES_PAGE, context)


def _security_page(
    request: HtmxHttpRequest, form: AppCodeForm, *, status: int = 200
) -> TemplateResponse:
    user: Any = request.user
    device = services.app_device(user=user)
    context = {
        "local": user.has_usable_password(),
        "required": services.must_use_mfa(user=user, viewer=viewer_of(request)),
        "device": device,
        "codes_left": services.recovery_codes_left(user=user) if device else 0,
        "form": form,
        # The page is the user's one place for their own sign-in: sessions and password too.
        "own_sessions": sessions.active(user=user),
        "current_key": request.session.session_key,
    }
    return TemplateResponse(request, SECURITY_PAGE, context, status=status)


def _refusal(check: services.Check) -> str:
    if check.outcome == "throttled":
        return _("Too many wrong codes. Wait %(wait)s, then try again.") % {
            "wait": _seconds(check.wait_seconds)
        }
    refusal = _(
        "That code does not match. Check the time on your phone, and type the code shown now."
    )
    if check.wait_seconds > 1:
        refusal += " " + _("You can try again in %(wait)s.") % {
            "wait": _seconds(check.wait_seconds)
        }
    return refusal


def _status(check: services.Check) -> int:
    return 429 if check.outcome == "throttled" else 422


def _seconds(count: int) -> str:
    return ngettext("%(count)d second", "%(count)d seconds", count) % {"count": count}


def _next(request: HtmxHttpRequest, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and safe_next(request, candidate):
        return candidate
    return default or settings.LOGIN_REDIRECT_URL


def _step(name: str, next_url: str) -> str:
    url = reverse(name)
    if next_url and next_url != settings.LOGIN_REDIRECT_URL:
        url += "?" + urlencode({"next": next_url})
    return url
