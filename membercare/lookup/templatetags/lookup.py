from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.utils.formats import get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from membercare.lookup import code_words, tier_words

if TYPE_CHECKING:
    from membercare.lookup.pages import CustomerPage

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
    """A Capillary code in words, in the active language (code_words.py): NOT_INTERESTED_RETURN
    reads "Not interested return"; an unknown code humanized."""
    return code_words.code_words(value)


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


# What the page's status region says once a swap has landed (static/js/focus.js reads them from
# data-announce attributes), and the names of the controls that reveal a masked field.
@register.simple_tag
def announce_opened(page: "CustomerPage") -> str:
    """'Layla H., Gold, opened': the member as the view shows them, and their first program's
    tier (when the viewer may see tiers)."""
    customer = page.customer
    if customer is None:
        return gettext("Member %(user_id)s opened") % {"user_id": page.user_id}
    name = customer.full_name or str(page.user_id)
    programs = page.record.programs if page.record else ()
    tier = programs[0].summary.current_tier if programs and page.shows.tiers else None
    if tier:
        return gettext("%(name)s, %(tier)s, opened") % {"name": name, "tier": tier}
    return gettext("%(name)s opened") % {"name": name}


@register.simple_tag
def announce_refreshed(page: "CustomerPage") -> str:
    customer = page.customer
    name = (customer.full_name if customer else "") or str(page.user_id)
    return gettext("%(name)s refreshed") % {"name": name}


@register.simple_tag
def announce_page(panel: str, number: int) -> str:
    """'Coupons page 2', after the pager or a filter."""
    words = {"coupons": gettext("Coupons page %(number)s")}
    return words[panel] % {"number": number}


REVEAL_WORDS = {
    # field: (the control that reveals it, what the status region says once it is)
    "name": (_("Reveal name"), _("Name revealed")),
    "mobile": (_("Reveal mobile"), _("Mobile revealed")),
    "email": (_("Reveal email"), _("Email revealed")),
    "external_id": (_("Reveal external ID"), _("External ID revealed")),
    "cards": (_("Reveal card numbers"), _("Card numbers revealed")),
    "fields": (_("Reveal extended fields"), _("Extended fields revealed")),
}


@register.filter
def reveal_control(field: str) -> str:
    return str(REVEAL_WORDS[field][0]) if field in REVEAL_WORDS else gettext("Reveal")


@register.filter
def revealed_words(field: str) -> str:
    return str(REVEAL_WORDS[field][1]) if field in REVEAL_WORDS else gettext("revealed")
