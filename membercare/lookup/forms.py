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


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Find a member",
        max_length=256,
        strip=True,
        error_messages={
            "required": "Type an email, mobile, external ID or card number.",
            "max_length": "That's too long to be a member identifier.",
        },
    )
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES, required=False)

    def identifier_kind(self) -> IdentifierKind | None:
        value = self.cleaned_data.get("kind")
        return IdentifierKind(value) if value else None


class CouponControls(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_COUPON_PAGE, required=False)
    order = forms.ChoiceField(choices=COUPON_ORDER_CHOICES, required=False)
    dir = forms.ChoiceField(choices=COUPON_DIRECTION_CHOICES, required=False)
    status = forms.ChoiceField(choices=COUPON_STATUS_CHOICES, required=False)


class TransactionControls(forms.Form):
    type = forms.ChoiceField(choices=TRANSACTION_TYPE_CHOICES, required=False)
