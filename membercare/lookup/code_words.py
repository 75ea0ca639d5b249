"""Capillary's codes in words, in the agent's language: ACTIVE reads "Active", "نشطة", "有效".

The customer view shows codes Capillary sends as they are (card and subscription statuses,
member type, opt-in and NDNC, bill types, tier changes, fraud statuses, tender modes...). The
known ones are here, each with a context for the translators; a code Capillary adds later is
shown humanized ("NEW_CODE" reads "New code") until it is given words here.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CODE_WORDS: dict[str, Promise] = {
    # Card status (card_details)
    "ACTIVE": pgettext_lazy("card status", "Active"),
    "INACTIVE": pgettext_lazy("card status", "Inactive"),
    "SUSPENDED": pgettext_lazy("card status", "Suspended"),
    "EXPIRED": pgettext_lazy("card status", "Expired"),
    "BLOCKED": pgettext_lazy("card status", "Blocked"),
    # Member type
    "LOYALTY": pgettext_lazy("member type", "Loyalty"),
    "NON_LOYALTY": pgettext_lazy("member type", "Non-loyalty"),
    # Opt-in and NDNC (the national do-not-call register)
    "OPTIN": pgettext_lazy("opt-in status", "Opted in"),
    "OPTOUT": pgettext_lazy("opt-in status", "Opted out"),
    "NDNC": pgettext_lazy("NDNC status", "On the do-not-call list"),
    "NONE": pgettext_lazy("opt-in or NDNC status", "None"),
    # Bill (transaction) types: the same words as the transaction filter's choices
    "REGULAR": _("Regular"),
    "RETURN": _("Return"),
    "NOT_INTERESTED": _("Not interested"),
    "NOT_INTERESTED_RETURN": _("Not interested return"),
    "MIXED": _("Mixed"),
    "NI_MIXED": _("Not interested mixed"),
    # Tier changes (slab_history)
    "UPGRADE": pgettext_lazy("tier change", "Upgrade"),
    "DOWNGRADE": pgettext_lazy("tier change", "Downgrade"),
    "RENEW": pgettext_lazy("tier change", "Renewal"),
    # Subscriptions: status, channel and priority
    "SUBSCRIBED": pgettext_lazy("subscription status", "Subscribed"),
    "UNSUBSCRIBED": pgettext_lazy("subscription status", "Unsubscribed"),
    "SMS": pgettext_lazy("subscription channel", "SMS"),
    "EMAIL": pgettext_lazy("subscription channel", "Email"),
    "WHATSAPP": pgettext_lazy("subscription channel", "WhatsApp"),
    "PUSH": pgettext_lazy("subscription channel", "Push notifications"),
    "TRANS": pgettext_lazy("subscription priority", "Transactional"),
    "BULK": pgettext_lazy("subscription priority", "Promotional"),
    # Fraud statuses (NONE is "No fraud flag" in the template)
    "MARKED": pgettext_lazy("fraud status", "Marked"),
    "CONFIRMED": pgettext_lazy("fraud status", "Confirmed"),
    "RECONFIRMED": pgettext_lazy("fraud status", "Reconfirmed"),
    "NOT_FRAUD": pgettext_lazy("fraud status", "Not fraud"),
    "INTERNAL": pgettext_lazy("fraud status", "Internal"),
    # Tender modes
    "CARD": pgettext_lazy("tender mode", "Card"),
    "CASH": pgettext_lazy("tender mode", "Cash"),
    "UPI": pgettext_lazy("tender mode", "UPI"),
    "WALLET": pgettext_lazy("tender mode", "Wallet"),
    "POINTS": pgettext_lazy("tender mode", "Points"),
    # Tier trackers' windows
    "MOVING_WINDOW": pgettext_lazy("tracker window", "Moving window"),
    "CALENDAR_BASED_CYCLIC_WINDOW": pgettext_lazy("tracker window", "Calendar cycle"),
    # Partner program types
    "SUPPLEMENTARY": pgettext_lazy("partner program type", "Supplementary"),
    "EXTERNAL": pgettext_lazy("partner program type", "External"),
}


def code_words(code: str | None) -> str:
    """A Capillary code in the active language; an unknown one humanized: "New code"."""
    known = CODE_WORDS.get(code or "")
    if known is not None:
        return str(known)
    return (code or "").replace("_", " ").capitalize()
