"""Masking that still lets an agent verify a caller: enough of each value to recognise it, no more.

Applied on the server to the member's record before any template sees it, so no page, partial or
error message can show what the viewer may not see.
"""

from dataclasses import replace
from typing import Literal

from membercare.access.capabilities import Cap
from membercare.access.policy import Viewer
from membercare.capillary import Card, Customer, Field, FraudDetails, Transaction, is_cjk, is_rtl

DOT = "•"
ContactField = Literal["name", "mobile", "email", "external_id", "cards", "fields"]
CONTACT_FIELDS: tuple[ContactField, ...] = (
    "name",
    "mobile",
    "email",
    "external_id",
    "cards",
    "fields",
)


def mask_mobile(value: str | None) -> str | None:
    """919800000002 reads ••••••••0002: the last four digits, which callers can confirm."""
    if not value:
        return value
    keep = 4 if len(value) > 6 else 2
    return DOT * (len(value) - keep) + value[-keep:]


def mask_email(value: str | None) -> str | None:
    """demo.gold@example.com reads d•••@example.com: the first letter and the domain."""
    if not value:
        return value
    local, at, domain = value.partition("@")
    if not at:
        return local[:1] + DOT * 3
    return f"{local[:1]}{DOT * 3}@{domain}"


def initials(first: str | None, last: str | None) -> tuple[str, str]:
    """Each name's first letter, marked as the name's script marks an abbreviation.

    Ada Lovelace reads A. L.; فاطمة الحسيني reads ف. ح. (the article "al-" of a family name is not
    the name, and a right-to-left mark after each period keeps the period beside its letter, so
    the initials read right to left in any paragraph); 王小明 (王 + 小明) reads 王•小• (family name
    first, as Customer.full_name puts it; a period marks no abbreviation in CJK script).
    """
    return _initial(first, family=False), _initial(last, family=True)


# Arabic's definite article, written joined to a family name (الحسيني) or apart from it (آل سعود).
_ARTICLES = ("ال", "آل")
RLM = "\u200f"


def _initial(name: str | None, *, family: bool) -> str:
    words = (name or "").split()
    if not words:
        return ""
    if family and len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    word = words[0]
    if is_cjk(word[0]):
        return word[0] + DOT
    if is_rtl(word[0]):
        if family and word.startswith(_ARTICLES) and len(word) > 3:
            word = word[2:]  # a given name may start so (الهام, Ilham): only family names lose it
        return f"{word[0]}.{RLM}"
    return f"{word[0]}."


def mask_tail(value: str | None, keep: int = 4) -> str | None:
    if not value:
        return value
    keep = min(keep, max(len(value) // 3, 1))
    return DOT * (len(value) - keep) + value[-keep:]


def masked_customer(
    customer: Customer, *, revealed: frozenset[ContactField] = frozenset()
) -> Customer:
    """A copy of the record with every contact field masked, except those revealed for this view."""
    changes: dict[str, object] = {}
    if "name" not in revealed:
        changes["firstname"], changes["lastname"] = initials(customer.firstname, customer.lastname)
    if "mobile" not in revealed:
        changes["mobile"] = mask_mobile(customer.mobile)
    if "email" not in revealed:
        changes["email"] = mask_email(customer.email)
    if "external_id" not in revealed:
        changes["external_id"] = mask_tail(customer.external_id, keep=3)
    if "cards" not in revealed and customer.cards:
        changes["cards"] = tuple(_masked_card(card) for card in customer.cards)
    changes["image_url"] = None  # the member's photo: for those who see contact details only
    if "fields" not in revealed:
        # Custom and extended fields hold personal data (birthdays, addresses): names only.
        changes["custom_fields"] = tuple(_hidden(field) for field in customer.custom_fields)
        changes["extended_fields"] = tuple(_hidden(field) for field in customer.extended_fields)
    return replace(customer, **changes)  # type: ignore[arg-type]


def _masked_card(card: Card) -> Card:
    return replace(
        card,
        card_number=mask_tail(card.card_number),
        card_external_id=mask_tail(card.card_external_id),
    )


def _hidden(field: Field) -> Field:
    return replace(field, value=DOT * 3 if field.value else field.value)


def visible_record(
    customer: Customer, viewer: Viewer, *, revealed: frozenset[ContactField] = frozenset()
) -> Customer:
    """The record as this viewer may see it: contact details masked, parts they lack removed.

    Templates also leave out the panels a viewer lacks; removing the data here as well means a
    template mistake cannot leak it.
    """
    if not viewer.can(Cap.CONTACT):
        customer = masked_customer(customer, revealed=revealed)
    changes: dict[str, object] = {}
    if not viewer.can(Cap.FRAUD):
        changes["fraud"] = FraudDetails(status="")
    if not viewer.can(Cap.POINTS):
        changes |= {
            "expiry_schedule": None,
            "expired_points": None,
            "loyalty_points": None,
            "lifetime_points": None,
            "points_summary": None,
            "promotion_points": None,
            "delayed_accrual": None,
        }
    if not viewer.can(Cap.TIERS):
        changes |= {
            "slab_history": None,
            "tier_update_criteria": None,
            "retention_criteria": None,
        }
    if not viewer.can(Cap.TIERS) and not viewer.can(Cap.POINTS):
        changes["programs"] = None
    if not viewer.can(Cap.COUPONS):
        changes["coupons"] = None
    if viewer.transaction_scope is None:
        changes["transactions"] = None
    elif viewer.transaction_scope and customer.transactions:
        changes["transactions"] = visible_transactions(customer.transactions, viewer)
    return replace(customer, **changes) if changes else customer  # type: ignore[arg-type]


def visible_transactions(
    transactions: tuple[Transaction, ...], viewer: Viewer
) -> tuple[Transaction, ...]:
    """The transactions this viewer may see: for a store manager, their store's only.

    We ask Capillary for one store's (store_code), and keep only that store's whatever comes back:
    an answer that ignores the filter must not show a manager other stores' sales. Store codes
    compare without regard to case (docs/contract-notes.md); one without a store code is dropped.
    """
    scope = viewer.transaction_scope
    if scope is None:
        return ()
    if not scope:
        return transactions
    return tuple(t for t in transactions if _same_store(t.store_code, scope))


def _same_store(code: str | None, scope: str) -> bool:
    return code is not None and code.strip().casefold() == scope.strip().casefold()
