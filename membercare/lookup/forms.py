"""The agent's inputs: the search box, the panels' controls, verify and reveal.

Each form holds its constraints once and renders its own widgets, with their current values.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from membercare.capillary import IdentifierKind
from membercare.lookup import services
from membercare.lookup.bulk import MAX_LINES
from membercare.lookup.services import BillSearch, CouponQuery
from membercare.lookup.verification import too_many_attempts


def kind_choices() -> list[tuple[str, str]]:
    """The kinds, labelled in the active language (a callable: read when the menu is drawn)."""
    return [("", str(_("Detect automatically")))] + [
        (kind.value, kind.label) for kind in IdentifierKind
    ]


# The seed's menus, complete: coupon_order_by, coupon_sort_order, coupon_status, type.
COUPON_ORDER_CHOICES = [
    ("created_date", _("Issue date")),
    ("valid_till", _("Expiry date")),
    ("created_by", _("Issued by")),
]
COUPON_DIRECTION_CHOICES = [("desc", _("Newest first")), ("asc", _("Oldest first"))]
COUPON_STATUS_CHOICES = [
    ("", _("All statuses")),
    ("active", _("Active")),
    ("unredeemed", _("Not redeemed")),
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
    ("NI_MIXED", _("Not interested mixed")),
]
# Store and till codes as Capillary writes them (letters, digits, dots, hyphens, underscores).
_CODE = RegexValidator(
    r"^[A-Za-z0-9._-]+$", _("A code has letters, digits, dots and hyphens only.")
)
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
    """The transactions panel's bill search: a type and the API's filters, all optional.

    With `store_scope` (a store manager's store) the store is that one whatever was typed: the
    field is disabled, so Django keeps its initial value and ignores the submitted one.
    """

    type = forms.ChoiceField(label=_("Type"), choices=TRANSACTION_TYPE_CHOICES, required=False)
    number = forms.CharField(
        label=_("Bill number"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 16}),
    )
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 9}),
        error_messages={
            "invalid": _("An amount is a number, such as 1250.50."),
            "max_digits": _("That amount is too large."),
            "max_decimal_places": _("An amount has at most two decimals."),
            "max_whole_digits": _("That amount is too large."),
        },
    )
    store = forms.CharField(
        label=_("Store code"),
        max_length=64,
        required=False,
        validators=[_CODE],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 14}),
    )
    till = forms.CharField(
        label=_("Till code"),
        max_length=64,
        required=False,
        validators=[_CODE],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 12}),
    )
    tenders = forms.BooleanField(label=_("Show tenders"), required=False)
    credit_notes = forms.BooleanField(label=_("Show credit notes"), required=False)

    def __init__(self, *args: Any, store_scope: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transactions-%s")
        super().__init__(*args, **kwargs)
        self.store_scope = store_scope or ""
        if self.store_scope:
            self.fields["store"].disabled = True
            self.initial["store"] = self.store_scope

    @classmethod
    def showing(cls, type: str, *, store_scope: str | None = None) -> "TransactionForm":
        form = cls({"type": type}, store_scope=store_scope)
        form.full_clean()
        return form

    def clean_number(self) -> str:
        number: str = self.cleaned_data["number"].strip()
        if "," in number:
            raise forms.ValidationError(_("One bill number at a time (no commas)."))
        return number

    def clean_amount(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data["amount"]
        if amount is not None and not amount.is_finite():
            raise forms.ValidationError(_("An amount is a number, such as 1250.50."))
        return amount

    @property
    def store_ignored(self) -> bool:
        """A store manager typed another store: their search stayed in their own."""
        typed = str(self.data.get("store", "")).strip()
        return bool(self.store_scope) and bool(typed) and typed.lower() != self.store_scope.lower()

    def transaction_type(self) -> str:
        return self.cleaned_data["type"] or services.DEFAULT_TRANSACTION_TYPE

    def bill_search(self) -> BillSearch:
        """What a valid form asks for; blanks are "any"."""
        data = self.cleaned_data
        return BillSearch(
            type=self.transaction_type(),
            number=data["number"],
            on_date=data["date"],
            amount=data["amount"],
            store_code=self.store_scope or data["store"],
            till_code=data["till"],
            tenders=data["tenders"],
            credit_notes=data["credit_notes"],
        )


class CouponCodeForm(forms.Form):
    """Find a coupon by its code, among the member's coupons."""

    code = forms.CharField(
        label=_("Coupon code"),
        max_length=64,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 16}),
        error_messages={
            "required": _("Type the coupon's code."),
            "max_length": _("That's too long to be a coupon code."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "coupon-code-%s")
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not any(ch.isalnum() for ch in code):
            raise forms.ValidationError(_("Type the coupon's code."))
        return code


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
