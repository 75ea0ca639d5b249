"""The agent's inputs: the search box and the controls of the coupon and transaction panels."""

from django import forms

from membercare.capillary.identifiers import IdentifierKind

KIND_CHOICES = [("", "Detect automatically")] + [
    (kind.value, kind.label) for kind in IdentifierKind
]

COUPON_ORDER_CHOICES = [("created_date", "Issue date"), ("valid_till", "Expiry date")]
COUPON_DIRECTION_CHOICES = [("desc", "Newest first"), ("asc", "Oldest first")]
COUPON_STATUS_CHOICES = [
    ("", "All statuses"),
    ("active", "Active"),
    ("redeemed", "Redeemed"),
    ("expired", "Expired"),
]
TRANSACTION_TYPE_CHOICES = [
    ("ALL", "All types"),
    ("REGULAR", "Regular"),
    ("RETURN", "Return"),
    ("NOT_INTERESTED", "Not interested"),
    ("NOT_INTERESTED_RETURN", "Not interested return"),
    ("MIXED", "Mixed"),
]
MAX_COUPON_PAGE = 1000


class KindForm(forms.Form):
    """A form with the identifier-kind override menu ("Detect automatically" by default)."""

    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES, required=False)

    def identifier_kind(self) -> IdentifierKind | None:
        value = self.cleaned_data.get("kind")
        return IdentifierKind(value) if value else None


class SearchForm(KindForm):
    q = forms.CharField(
        label="Find a member",
        max_length=256,
        strip=True,
        error_messages={
            "required": "Type an email, mobile, external ID or card number.",
            "max_length": "That's too long to be a member identifier.",
        },
    )


class CouponControls(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_COUPON_PAGE, required=False)
    order = forms.ChoiceField(choices=COUPON_ORDER_CHOICES, required=False)
    dir = forms.ChoiceField(choices=COUPON_DIRECTION_CHOICES, required=False)
    status = forms.ChoiceField(choices=COUPON_STATUS_CHOICES, required=False)


class TransactionControls(forms.Form):
    type = forms.ChoiceField(choices=TRANSACTION_TYPE_CHOICES, required=False)


VERIFY_FIELD_CHOICES = [("mobile", "Mobile"), ("email", "Email"), ("name", "Name")]
REVEAL_FIELD_CHOICES = [
    ("name", "Name"),
    ("mobile", "Mobile"),
    ("email", "Email"),
    ("external_id", "External ID"),
    ("cards", "Cards"),
    ("fields", "More fields"),
]


class VerifyForm(forms.Form):
    field = forms.ChoiceField(label="Check", choices=VERIFY_FIELD_CHOICES)
    value = forms.CharField(
        label="What the caller says",
        max_length=256,
        error_messages={"required": "Type what the caller says."},
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=REVEAL_FIELD_CHOICES)
    reason = forms.CharField(
        label="Reason",
        min_length=10,
        max_length=300,
        error_messages={
            "required": "Say why you need to see it.",
            "min_length": "Say why you need to see it, in a few words (10 characters or more).",
        },
    )


class PreviewForm(forms.Form):
    user_id = forms.IntegerField(
        label="Capillary user ID",
        min_value=1,
        max_value=999_999_999_999,
        error_messages={
            "required": "Type a Capillary user ID.",
            "invalid": "A user ID is a number.",
        },
    )


class BulkForm(KindForm):
    identifiers = forms.CharField(
        label="Identifiers, one per line",
        widget=forms.Textarea,
        max_length=50 * 260,
        error_messages={"required": "Paste at least one identifier."},
    )

    def clean_identifiers(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["identifiers"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError("Paste at least one identifier.")
        if len(lines) > 50:
            raise forms.ValidationError(f"At most 50 at a time ({len(lines)} given).")
        return lines
