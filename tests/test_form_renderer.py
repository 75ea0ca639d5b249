"""The Python widgets render exactly what Django's widget templates render."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from membercare.form_renderer import FormRenderer
from membercare.lookup.forms import (
    BulkForm,
    CouponForm,
    PreviewForm,
    RevealForm,
    SearchForm,
    TransactionForm,
    VerifyForm,
)


class Tricky(forms.Form):
    text = forms.CharField(max_length=5, widget=forms.TextInput(attrs={"data-x": "\"<&>'"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    number = forms.IntegerField(min_value=1, required=False)
    choice = forms.ChoiceField(
        choices=[("", "Any"), ("a&b", mark_safe("<b>A</b>")), ("<c>", "C & D")], required=False
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True}))
    flag = forms.BooleanField(required=False)
    grouped = forms.ChoiceField(choices=[("Group", [("1", "One")])], required=False)


FORMS = [
    Tricky(),
    Tricky({"text": '<script>"x"</script>', "hidden": "&amp;", "number": "7", "choice": "a&b"}),
    Tricky({"choice": "<c>", "body": "line\n<two>", "flag": "on", "grouped": "1"}),
    SearchForm({"q": "demo.gold@example.com", "kind": "email"}),
    CouponForm({"page": "2", "order": "valid_till", "status": "active"}),
    TransactionForm({"type": "RETURN"}),
    VerifyForm({"field": "email", "value": "x"}),
    RevealForm(field="mobile"),
    PreviewForm({"user_id": "12"}),
    BulkForm({"identifiers": "a\nb"}),
]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: type(form).__name__)
def test_every_widget_renders_as_djangos_templates_render_it(form):
    for field in form:
        form.renderer = DjangoTemplates()
        templates = str(field.as_widget())
        form.renderer = FormRenderer()
        ours = str(form[field.name].as_widget())
        assert ours == templates, field.name
