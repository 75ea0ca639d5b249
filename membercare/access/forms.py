"""Forms of the access-group pages: they validate input; the services decide and write."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from membercare.access.services import NAME_MAX_LENGTH


class GroupNameForm(forms.Form):
    """Create or rename: a name, trimmed. Uniqueness is the service's to check (it holds a lock)."""

    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": _("A group needs a name."),
            "max_length": _("A group's name has at most %(limit_value)d characters."),
        },
    )


GRANTED = {"true": True, "on": True, "1": True, "false": False, "off": False, "0": False}


class CapabilityForm(forms.Form):
    """One cell of the matrix: a hidden "false" then a checkbox "true", so the last value wins.

    "on" (a checkbox without a value) and "1"/"0" are understood too; anything else is refused,
    so that a malformed request never revokes by accident.
    """

    granted = forms.CharField(
        max_length=8, error_messages={"required": _("Say whether the capability is granted.")}
    )

    def clean_granted(self) -> bool:
        value = self.cleaned_data["granted"].lower()
        if value not in GRANTED:
            raise forms.ValidationError(_("Say whether the capability is granted."), code="invalid")
        return GRANTED[value]


class AddMemberForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        strip=True,
        error_messages={"required": _("Type the username of the person to add.")},
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        User = get_user_model()
        try:
            self.cleaned_data["user"] = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise forms.ValidationError(
                _("No user has the username “%(username)s”. Check the spelling."),
                code="unknown",
                params={"username": username},
            ) from None
        return username

    @property
    def user(self) -> Any:
        return self.cleaned_data["user"]
