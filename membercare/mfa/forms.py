"""The second factor's forms: a code from the app, or a recovery code. They check the shape;
the services check the code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from membercare.mfa import services


class AppCodeForm(forms.Form):
    """Six digits from the authenticator app; spaces (as some apps show them) are ignored."""

    code = forms.CharField(
        label=_("Code from your app"),
        max_length=20,
        strip=True,
        error_messages={"required": _("Type the 6-digit code your app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not services.looks_like_app_code(code):
            raise forms.ValidationError(
                _("A code from the app is 6 digits, like 123 456."), code="shape"
            )
        return services.normalise_app_code(code)


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes, with or without its hyphens or spaces, in any case."""

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=64,  # 24 characters, with room for the hyphens and spaces people type
        strip=True,
        error_messages={"required": _("Type one of your recovery codes.")},
        widget=forms.TextInput(
            attrs={
                "class": "recovery-code",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_recovery_code(self) -> str:
        code: str = self.cleaned_data["recovery_code"]
        if not services.looks_like_recovery_code(code):
            raise forms.ValidationError(
                _(
                    "A recovery code is 24 letters and digits in groups of four, "
                    "like abcd-efgh-jkmn-pqrs-tuvw-xyz2."
                ),
                code="shape",
            )
        return services.normalise_recovery_code(code)
