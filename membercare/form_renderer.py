"""Django's form renderer, with the plain widgets the dashboard uses written out in Python.

The customer view renders about twenty widgets (the panels' controls, verify, a reveal per field).
Through Django's widget templates each costs a template render per widget, per option and per
attribute list, about 2 ms of the page's 10 (docs/benchmarks.md). These functions produce the
same HTML as those templates (`tests/test_form_renderer.py` renders both and compares); anything
else (option groups, checkboxes, date widgets, the form and field layouts) goes to the templates.
"""

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

INPUT = "django/forms/widgets/input.html"
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "number",
        "email",
        "hidden",
        "search",
        "password",
        "url",
        "checkbox",
        "date",
        "input",
    )
)
SELECT = "django/forms/widgets/select.html"
TEXTAREA = "django/forms/widgets/textarea.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name in INPUTS and widget is not None:
            return _input(widget)
        if template_name == SELECT and widget is not None and not _has_groups(widget):
            return _select(widget)
        if template_name == TEXTAREA and widget is not None:
            return _textarea(widget)
        return super().render(template_name, context, request)


def _input(widget: Mapping[str, Any]) -> SafeString:
    value = widget["value"]
    shown = "" if value is None else f' value="{_value(value)}"'
    return mark_safe(  # noqa: S308 - every part is escaped here
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _select(widget: Mapping[str, Any]) -> SafeString:
    options = "".join(
        f'\n  <option value="{_value(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
        for _, group, _ in widget["optgroups"]
        for option in group
    )
    return mark_safe(  # noqa: S308 - every part is escaped here
        f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'
    )


def _textarea(widget: Mapping[str, Any]) -> SafeString:
    value = _text(widget["value"]) if widget["value"] else ""
    return mark_safe(  # noqa: S308 - every part is escaped here
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _has_groups(widget: Mapping[str, Any]) -> bool:
    return any(name for name, _, _ in widget["optgroups"])


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: `True` is a bare attribute, `False` none at all."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value: Any) -> str:
    """`{{ value }}`: escaped unless already safe."""
    return str(conditional_escape(value))


def _value(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter's plain string is always escaped."""
    return str(escape(f"{value}"))
