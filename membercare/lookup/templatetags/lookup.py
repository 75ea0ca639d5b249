from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from membercare.lookup import charts

register = template.Library()


@register.filter
def strategy_name(based_on: str) -> str:
    """CUMULATIVE_PURCHASES reads "purchases"."""
    return charts.strategy_name(based_on or "")


@register.filter
def amount(value: int | Decimal | float | None) -> str:
    """Thousands separators, and no ".00" on whole numbers; "–" when Capillary sent nothing."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return intcomma(value)


@register.filter
def humanize_code(value: str | None) -> str:
    """NOT_INTERESTED_RETURN reads "Not interested return"."""
    return (value or "").replace("_", " ").capitalize()
