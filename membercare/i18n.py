"""The dashboard's language: the user's own choice, else the browser's, else LANGUAGE_CODE.

Django's LocaleMiddleware picks the language of a request from the language cookie (the menu's
choice of someone signed out, on the sign-in page) or Accept-Language, else LANGUAGE_CODE.
`UserLanguageMiddleware`, after authentication, puts a signed-in user's own choice (kept on their
staff profile, `StaffProfile.language`) over that. The choice is read from the database at
sign-in and kept in the session, which the menu's view updates with the profile.

`capillary_language()` is the code Capillary's `language` header takes for the active language,
so extended-field labels come back in the agent's language.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from membercare.access.models import StaffProfile

SESSION_KEY = "membercare_language"


def supported(code: str | None) -> str | None:
    """`code` when it is one of LANGUAGES, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def profile_language(user: Any) -> str:
    """The language the user chose, or "" for none (their browser's)."""
    chosen = StaffProfile.objects.filter(user=user).values_list("language", flat=True).first()
    return supported(chosen) or ""


def remember_language(request: HttpRequest, user: Any) -> None:
    """At sign-in: the user's choice into the session, so requests need not read the profile."""
    request.session[SESSION_KEY] = profile_language(user)


def choose_language(request: HttpRequest, code: str) -> None:
    """The signed-in user chose `code`: kept on their profile and in this session."""
    user: Any = request.user
    profile, created = StaffProfile.objects.get_or_create(user=user, defaults={"language": code})
    if not created and profile.language != code:
        profile.language = code
        profile.save(update_fields=["language"])  # not an access change (access/signals.py)
    request.session[SESSION_KEY] = code


class UserLanguageMiddleware:
    """Activates a signed-in user's own language, after LocaleMiddleware chose the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated:
            code = request.session.get(SESSION_KEY)
            if code is None:
                code = request.session[SESSION_KEY] = profile_language(user)
            if supported(code):
                translation.activate(code)
                request.LANGUAGE_CODE = code
        return self.get_response(request)


def capillary_language() -> str:
    """The active language as Capillary's `language` header takes it: "en", "ar", "zh", "id"."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
