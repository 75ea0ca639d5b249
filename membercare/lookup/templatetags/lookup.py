from decimal import Decimal

from django import template
from django.utils.formats import get_format

from membercare.lookup import tier_words

register = template.Library()


@register.filter
def strategy_name(based_on: str) -> str:
    """CUMULATIVE_PURCHASES reads "purchases"."""
    return tier_words.strategy_name(based_on or "")


@register.filter
def amount(value: int | Decimal | float | None) -> str:
    """Thousands separators, and no ".00" on whole numbers; "–" when Capillary sent nothing.

    In the active language's marks: 12,345.50 in English, 12.345,50 in Indonesian.
    """
    # Formatted here rather than with humanize's intcomma: a page shows a hundred of these.
    if value is None or value == "":
        return "–"
    if isinstance(value, (Decimal, float)) and value == int(value):
        value = int(value)
    if isinstance(value, int):
        return _local_marks(f"{value:,}")
    if isinstance(value, (Decimal, float)):
        return _local_marks(f"{value:,.2f}")
    return str(value)


def _local_marks(formatted: str) -> str:
    """A number formatted with "," and "." in the active language's separators."""
    thousands, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")
    if (thousands, decimal) == (",", "."):
        return formatted
    return formatted.translate({ord(","): thousands, ord("."): decimal})


@register.filter
def humanize_code(value: str | None) -> str:
    """NOT_INTERESTED_RETURN reads "Not interested return"."""
    return (value or "").replace("_", " ").capitalize()


@register.filter
def money(value: int | Decimal | float | None, currency: str = "") -> str:
    """A points worth with two decimals and the program's currency when known: "INR 1,298.50"."""
    if value is None or value == "":
        return "–"
    shown = _local_marks(f"{Decimal(value):,.2f}")
    return f"{currency} {shown}" if currency else shown


@register.filter
def ratio(value: Decimal | None, currency: str = "") -> str:
    """A points-to-currency ratio as exact as Capillary gave it: 0.25, 0.001 (not 0.00), after
    the program's currency when known ("INR 0.25")."""
    if value is None:
        return "–"
    shown = _local_marks(f"{Decimal(value).normalize():,f}")
    return f"{currency} {shown}" if currency else shown
