"""The agent's inputs: the search box, the panels' controls, verify and reveal.

Each form holds its constraints once and renders its own widgets, with their current values.
"""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from membercare.capillary import IdentifierKind
from membercare.lookup import services
from membercare.lookup.bulk import MAX_LINES
from membercare.lookup.services import CouponQuery
from membercare.lookup.verification import too_many_attempts


def kind_choices() -> list[tuple[str, str]]:
    """The kinds, labelled in the active language (a callable: read when the menu is drawn)."""
    return [("", str(_("Detect automatically")))] + [
        (kind.value, kind.label) for kind in IdentifierKind
    ]


COUPON_ORDER_CHOICES = [("created_date", _("Issue date")), ("valid_till", _("Expiry date"))]
COUPON_DIRECTION_CHOICES = [("desc", _("Newest first")), ("asc", _("Oldest first"))]
COUPON_STATUS_CHOICES = [
    ("", _("All statuses")),
    ("active", _("Active")),
    ("redeemed", _("Redeemed")),
    ("expired", _("Expired")),
]
TRANSACTION_TYPE_CHOICES = [
    ("ALL", _("All types")),
    ("REGULAR", _("Regular")),
    ("RETURN", _("Return")),
    ("NOT_INTERESTED", _("Not interested")),
    ("NOT_INTERESTED_RETURN", _("Not interested return")),
    ("MIXED", _("Mixed")),
]
MAX_COUPON_PAGE = 1000


class KindForm(forms.Form):
    """A form with the identifier-kind override menu ("Detect automatically" by default)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=kind_choices, required=False)

    def identifier_kind(self) -> IdentifierKind | None:
        value = self.cleaned_data.get("kind")
        return IdentifierKind(value) if value else None


class SearchForm(KindForm):
    """The search box. Typing asks what kind of identifier it looks like (no upstream call)."""

    q = forms.CharField(
        label=_("Find a member"),
        max_length=256,
        strip=True,
        widget=forms.SearchInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
                "placeholder": _("Email, mobile, external ID, card number or user ID"),
                "aria-describedby": "detected-kind search-feedback",
                "hx-trigger": "input changed delay:150ms",
                "hx-target": "#detected-kind",
                "hx-swap": "outerHTML",
                "hx-indicator": "#detected-kind",
                "hx-sync": "this:replace",
            }
        ),
        error_messages={
            "required": _("Type an email, mobile, external ID or card number."),
            "max_length": _("That's too long to be a member identifier."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["hx-post"] = reverse("search-detect")

    def leave_focus_alone(self) -> None:
        """For a box swapped in beside a member's view: htmx focuses a swapped-in `autofocus`, which
        would move the agent's typing from the panel they are in to the search box."""
        self.fields["q"].widget.attrs.pop("autofocus", None)

    def found_nobody(self) -> None:
        """The search answered with no member: the box says so to assistive tech too."""
        self.fields["q"].widget.attrs["aria-invalid"] = "true"


class CouponForm(forms.Form):
    """The coupon panel's order, direction and status, and the page the agent is on."""

    page = forms.IntegerField(min_value=1, max_value=MAX_COUPON_PAGE, required=False)
    order = forms.ChoiceField(label=_("Order by"), choices=COUPON_ORDER_CHOICES, required=False)
    dir = forms.ChoiceField(label=_("Direction"), choices=COUPON_DIRECTION_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=COUPON_STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "coupons-%s")  # unique on the page beside other forms
        super().__init__(*args, **kwargs)

    @classmethod
    def showing(cls, query: CouponQuery) -> "CouponForm":
        """The controls as they stand for `query` (the first view's, when nothing was asked)."""
        form = cls(query.params())
        form.full_clean()
        return form

    def coupon_query(self) -> CouponQuery:
        """What a valid form asks for; blanks take the first view's values."""
        data = self.cleaned_data
        return CouponQuery(
            page=data["page"] or 1,
            order_by=data["order"] or services.DEFAULT_COUPON_ORDER,
            direction=data["dir"] or services.DEFAULT_COUPON_DIRECTION,
            status=data["status"],
        )


class TransactionForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=TRANSACTION_TYPE_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transactions-%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def showing(cls, type: str) -> "TransactionForm":
        form = cls({"type": type})
        form.full_clean()
        return form

    def transaction_type(self) -> str:
        return self.cleaned_data["type"] or services.DEFAULT_TRANSACTION_TYPE


class WhatIfForm(forms.Form):
    """The tier panel's "in N days": 0 to 365, 30 unless the agent says otherwise."""

    days = forms.IntegerField(
        label=_("In how many days"),
        min_value=0,
        max_value=365,
        initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 3, "step": 1}),
        error_messages={
            "required": _("Say in how many days (0 to 365)."),
            "invalid": _("Days are a whole number, 0 to 365."),
            "min_value": _("Days are a whole number, 0 to 365."),
            "max_value": _("At most 365 days ahead."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "what-if-%s")
        super().__init__(*args, **kwargs)


VERIFY_FIELD_CHOICES = [("mobile", _("Mobile")), ("email", _("Email")), ("name", _("Name"))]
REVEAL_FIELD_CHOICES = [
    ("name", _("Name")),
    ("mobile", _("Mobile")),
    ("email", _("Email")),
    ("external_id", _("External ID")),
    ("cards", _("Cards")),
    ("fields", _("More fields")),
]


class VerifyForm(forms.Form):
    """What the caller says, to compare with the record; a few checks per member at most.

    Bound with the user and the member, a valid form counts as one check (verification.py).
    """

    field = forms.ChoiceField(label=_("Check"), choices=VERIFY_FIELD_CHOICES)
    value = forms.CharField(
        label=_("What the caller says"),
        max_length=256,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("What the caller says")}
        ),
        error_messages={"required": _("Type what the caller says.")},
    )

    def __init__(self, *args: Any, user: Any = None, member_id: int | None = None, **kwargs: Any):
        kwargs.setdefault("auto_id", "verify-%s")
        super().__init__(*args, **kwargs)
        self.user, self.member_id = user, member_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or self.user is None or self.member_id is None:
            return cleaned
        if too_many_attempts(user=self.user, member_id=self.member_id):
            self.add_error(
                "value", _("Too many checks for this member. Try again in a few minutes.")
            )
        return cleaned


class RevealForm(forms.Form):
    """One field to reveal for this view, and why (the reason goes into the audit trail)."""

    field = forms.ChoiceField(choices=REVEAL_FIELD_CHOICES, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        min_length=10,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. caller asked to update their email")}),
        error_messages={
            "required": _("Say why you need to see it."),
            "min_length": _("Say why you need to see it, in a few words (10 characters or more)."),
        },
    )

    def __init__(self, data: Any = None, *, field: str = "", **kwargs: Any) -> None:
        # One form per field on the page: the field names its widgets' ids.
        field = field or (data or {}).get("field", "")
        known = field in dict(REVEAL_FIELD_CHOICES)
        super().__init__(
            data, initial={"field": field}, auto_id=f"reveal-{field if known else 'x'}-%s", **kwargs
        )


class PreviewForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    user_id = forms.IntegerField(
        label=_("Capillary user ID"),
        min_value=1,
        max_value=999_999_999_999,
        error_messages={
            "required": _("Type a Capillary user ID."),
            "invalid": _("A user ID is a number."),
        },
    )


class BulkForm(KindForm):
    """Up to MAX_LINES identifiers, one per line (the one limit of a bulk lookup)."""

    identifiers = forms.CharField(
        label=_("Identifiers, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        max_length=MAX_LINES * 260,
        error_messages={"required": _("Paste at least one identifier.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["id"] = "id_bulk_kind"  # the search box has id_kind

    @property
    def max_lines(self) -> int:
        return MAX_LINES

    def clean_identifiers(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["identifiers"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Paste at least one identifier."))
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(
                _("At most %(limit)s at a time (%(given)s given).")
                % {"limit": MAX_LINES, "given": len(lines)}
            )
        return lines
