"""The audit page's filters: a GET form, so a filtered view is a plain URL (no member PII in it)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from membercare.audit.models import Action
from membercare.audit.services import EventFilters

MAX_MEMBER_ID = 2**63 - 1  # a BigIntegerField's range: larger ids cannot exist (nor be queried)


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        label=_("User"),
        max_length=150,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": _("Username"), "autocomplete": "off"}),
        error_messages={"max_length": _("A username has at most 150 characters.")},
    )
    member = forms.IntegerField(
        label=_("Member"),
        min_value=1,
        max_value=MAX_MEMBER_ID,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Capillary user id"),
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        ),
        error_messages={
            "invalid": _("A member is a Capillary user id: digits only."),
            "min_value": _("A member is a Capillary user id: a positive number."),
            "max_value": _("No Capillary user id is that large."),
        },
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("Any action")), *Action.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose an action from the list.")},
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the end date as YYYY-MM-DD.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> EventFilters:
        """The valid form's filters (call after is_valid())."""
        data = self.cleaned_data
        return EventFilters(
            username=data.get("user") or "",
            member_id=data.get("member"),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
