from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class UnlockForm(forms.Form):
    """Which lockout an admin lifts: a username's or an address's."""

    kind = forms.ChoiceField(choices=[("username", "username"), ("address", "address")])
    value = forms.CharField(max_length=150)


class ConfirmPasswordForm(forms.Form):
    """The user's current password, asked again before they end their other sessions."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


class EndSessionsForm(forms.Form):
    """Whose sessions an admin ends at once: one user's, or everyone's but their own."""

    username = forms.CharField(max_length=150, required=False)
    everyone = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("username") and not cleaned.get("everyone"):
            raise forms.ValidationError(_("Say whose sessions to end."))
        return cleaned


class LanguageForm(forms.Form):
    """The header's language menu: one of LANGUAGES, and the page to go back to."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "language-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
