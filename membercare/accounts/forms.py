from django import forms


class UnlockForm(forms.Form):
    """Which lockout an admin lifts: a username's or an address's."""

    kind = forms.ChoiceField(choices=[("username", "username"), ("address", "address")])
    value = forms.CharField(max_length=150)
