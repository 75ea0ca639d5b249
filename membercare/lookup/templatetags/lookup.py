from decimal import Decimal

from django import template

from membercare.lookup import tier_words

register = template.Library()


@register.filter
def strategy_name(based_on: str) -> str:
    """CUMULATIVE_PURCHASES reads "purchases"."""
    return tier_words.strategy_name(based_on or "")


@register.filter
def amount(value: int | Decimal | float | None) -> str:
    """Thousands separators, and no ".00" on whole numbers; "–" when Capillary sent nothing."""
    # Formatted here rather than with humanize's intcomma: a page shows a hundred of these.
    if value is None or value == "":
        return "–"
    if isinstance(value, (Decimal, float)) and value == int(value):
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (Decimal, float)):
        return f"{value:,.2f}"
    return str(value)


@register.filter
def humanize_code(value: str | None) -> str:
    """NOT_INTERESTED_RETURN reads "Not interested return"."""
    return (value or "").replace("_", " ").capitalize()
