"""What an agent types, turned into exactly one Capillary identifier, or refused before any HTTP.

`GET /v1.1/customer/get` takes one identifier kind per call and treats comma-separated values as a
bulk lookup (CONTRACT.md section 1). An agent's input must never become a bulk call by accident, so
`parse_identifier` refuses commas and returns a single `Identifier` whose value is already in the
form Capillary stores (digits-only mobile with country code, lower-case email, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ._text import gettext_noop, translated
from .errors import InvalidIdentifier

MAX_INPUT_LENGTH = 256  # checked before anything else: no work at all on absurd input
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit
MAX_EXTERNAL_ID_LENGTH = 64


class IdentifierKind(StrEnum):
    """The identifier kinds of CONTRACT.md section 1. The value is the query parameter's name."""

    MOBILE = "mobile"
    EMAIL = "email"
    EXTERNAL_ID = "external_id"
    USER_ID = "id"
    CARD_NUMBER = "card_number"
    CARD_EXTERNAL_ID = "card_external_id"

    @property
    def label(self) -> str:
        """The kind's name for agents, in the active language."""
        return translated(_LABELS[self])


_LABELS = {
    IdentifierKind.MOBILE: gettext_noop("Mobile"),
    IdentifierKind.EMAIL: gettext_noop("Email"),
    IdentifierKind.EXTERNAL_ID: gettext_noop("External ID"),
    IdentifierKind.USER_ID: gettext_noop("User ID"),
    IdentifierKind.CARD_NUMBER: gettext_noop("Card number"),
    IdentifierKind.CARD_EXTERNAL_ID: gettext_noop("Card external ID"),
}


@dataclass(frozen=True, slots=True)
class Identifier:
    """One member identifier, already normalised (build it with `parse_identifier`)."""

    kind: IdentifierKind
    value: str


# What agents type in other scripts, as the ASCII that Capillary stores: Arabic-Indic (٠-٩) and
# Extended Arabic-Indic, i.e. Persian and Urdu (۰-۹), digits; the full-width forms of ASCII that
# Chinese, Japanese and Korean input methods give (０-９, ＋, ＠, Ａ-Ｚ, （, －, ...) and their
# ideographic space. The invisible direction marks that come with a number copied from
# right-to-left text (LRM, RLM, ALM, embeddings, isolates) are dropped.
_TO_ASCII: dict[int, int | None] = {
    **{0x0660 + n: ord("0") + n for n in range(10)},
    **{0x06F0 + n: ord("0") + n for n in range(10)},
    **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)},
    0x3000: ord(" "),
    **dict.fromkeys((0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A))),
}


def to_ascii(raw: str) -> str:
    """`raw` with digits, plus signs and other ASCII typed in another script made ASCII.

    "+٩٧١ ٥٠ ١٢٣ ٤٥٦٧" and "＋９７１５０１２３４５６７" are "+971 50 123 4567" and "+971501234567";
    everything else is left as it is (letters of other scripts included). Applied by
    `detect_kind` and `parse_identifier` before anything else, so every input they see (the
    search box, the verify field, bulk lines) is read the same way.
    """
    return raw.translate(_TO_ASCII)


# Separators people type inside phone and card numbers.
_MOBILE_SEPARATORS = str.maketrans("", "", " -.()")
_CARD_SEPARATORS = str.maketrans("", "", " -")
_DIGITS = re.compile(r"[0-9]+")
# A pragmatic, ASCII-only address: dot-atom local part, dotted domain of DNS labels with a TLD.
_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_CARD_NUMBER = re.compile(r"[A-Z0-9]{6,32}")
# External ids are free-form on Capillary's side; we accept a safe, printable subset that cannot
# split a query string or a header and covers what brands use (codes like "DEMO-SILVER", "ts1234").
_EXTERNAL_ID = re.compile(rf"[A-Za-z0-9._:@/#+~=-]{{1,{MAX_EXTERNAL_ID_LENGTH}}}")
_USER_ID = re.compile(r"[1-9][0-9]{0,11}")
_DIAL_CODE = re.compile(r"[1-9][0-9]{0,3}")

_INVALID_MESSAGES = {
    IdentifierKind.MOBILE: gettext_noop("That doesn't look like a mobile number."),
    IdentifierKind.EMAIL: gettext_noop("That doesn't look like an email address."),
    IdentifierKind.EXTERNAL_ID: gettext_noop("That doesn't look like an external ID."),
    IdentifierKind.USER_ID: gettext_noop(
        "A user ID is a number of up to 12 digits, without a leading zero."
    ),
    IdentifierKind.CARD_NUMBER: gettext_noop("That doesn't look like a card number."),
    IdentifierKind.CARD_EXTERNAL_ID: gettext_noop("That doesn't look like a card external ID."),
}


def detect_kind(raw: str) -> IdentifierKind | None:
    """Guess the kind of identifier an agent typed, for the search box. A guess, not validation.

    Rules, in order (after `to_ascii` and trimming surrounding whitespace):

    1. Contains "@": email.
    2. Remove spaces, hyphens, dots and parentheses. Starts with "+" followed only by digits,
       or with "00" followed by at most 15 digits: mobile (an international number).
    3. Only digits: 10 to 15 digits is a mobile; 16 to 19 digits is a card number (payment-card
       lengths; card numbers are what agents read off plastic). Fewer than 10 or more than 19
       digits: no guess, because short numbers are as likely user ids as mobiles.
    4. Anything else that is a plausible external id (letters, digits and ._:@/#+~=-, up to 64):
       external id.

    User id and card external id are never guessed: they look like other kinds, so the agent
    chooses them explicitly. Returns None when there is no sensible guess.
    """
    text = to_ascii(raw).strip()
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    if "@" in text:
        return IdentifierKind.EMAIL
    compact = text.translate(_MOBILE_SEPARATORS)
    if compact.startswith("+") and _DIGITS.fullmatch(compact[1:]):
        return IdentifierKind.MOBILE
    if _DIGITS.fullmatch(compact):
        if compact.startswith("00") and len(compact) <= 17:
            return IdentifierKind.MOBILE
        if 10 <= len(compact) <= 15:
            return IdentifierKind.MOBILE
        if 16 <= len(compact) <= 19:
            return IdentifierKind.CARD_NUMBER
        return None
    if _EXTERNAL_ID.fullmatch(text):
        return IdentifierKind.EXTERNAL_ID
    return None


def parse_identifier(
    raw: str, kind: IdentifierKind | None = None, *, dial_code: str = ""
) -> Identifier:
    """Validate and normalise one identifier, or raise `InvalidIdentifier` (message for agents).

    Digits and plus signs in other scripts count as ASCII ones (`to_ascii`). With `kind` None the
    kind is guessed by `detect_kind`. Whatever the input, the result is one
    `Identifier` whose value holds no comma, whitespace or control character, so it can never turn
    into a bulk call. Normalisation per kind:

    - email: trimmed, lower-cased, ASCII, sane shape, at most 254 characters.
    - mobile: spaces, hyphens, dots and parentheses removed, then a leading "+" or "00" (the
      international prefix). With `dial_code` (e.g. "91") and no international prefix, a national
      number, given with its trunk "0" or as exactly 10 digits, gets the dial code in front.
      The result is 8 to 15 digits (E.164) and never starts with 0.
    - card number: spaces and hyphens removed, upper-cased, 6 to 32 letters and digits.
    - external id, card external id: 1 to 64 characters from letters, digits and ._:@/#+~=-
      (case kept: Capillary compares them as typed).
    - user id: 1 to 12 digits, no leading zero.

    Normalisation is idempotent: `parse_identifier(result.value, result.kind)` gives `result`.
    Re-parse a normalised mobile without `dial_code`: it already carries its country code, and a
    dial code would take a 10-digit international number for a national one.
    """
    if not isinstance(raw, str):
        raise InvalidIdentifier(gettext_noop("Enter an identifier to look up."), kind=kind)
    if len(raw) > MAX_INPUT_LENGTH:
        raise InvalidIdentifier(gettext_noop("That is too long to be an identifier."), kind=kind)
    text = to_ascii(raw).strip()
    if not text:
        raise InvalidIdentifier(gettext_noop("Enter an identifier to look up."), kind=kind)
    if "," in text:
        raise InvalidIdentifier(
            gettext_noop("Look up one identifier at a time: remove the comma."), kind=kind
        )
    if kind is None:
        kind = detect_kind(text)
        if kind is None:
            raise InvalidIdentifier(
                gettext_noop("We couldn't tell what kind of identifier that is; choose one."),
                kind=None,
            )
    kind = IdentifierKind(kind)
    value = _normalise(text, kind, dial_code)
    if value is None:
        raise InvalidIdentifier(_INVALID_MESSAGES[kind], kind=kind)
    return Identifier(kind=kind, value=value)


def _normalise(text: str, kind: IdentifierKind, dial_code: str) -> str | None:
    """The normalised value, or None when `text` is not a valid identifier of `kind`."""
    match kind:
        case IdentifierKind.EMAIL:
            if not text.isascii() or len(text) > MAX_EMAIL_LENGTH:
                return None
            email = text.lower()
            return email if _EMAIL.fullmatch(email) else None
        case IdentifierKind.MOBILE:
            return _normalise_mobile(text, dial_code)
        case IdentifierKind.CARD_NUMBER:
            card = text.translate(_CARD_SEPARATORS).upper()
            return card if card.isascii() and _CARD_NUMBER.fullmatch(card) else None
        case IdentifierKind.EXTERNAL_ID | IdentifierKind.CARD_EXTERNAL_ID:
            return text if _EXTERNAL_ID.fullmatch(text) else None
        case IdentifierKind.USER_ID:
            return text if _USER_ID.fullmatch(text) else None


def _normalise_mobile(text: str, dial_code: str) -> str | None:
    if dial_code and not _DIAL_CODE.fullmatch(dial_code):
        # A settings mistake, not the agent's: say so loudly rather than mangle numbers.
        raise ValueError("dial_code must be 1 to 4 digits without a leading zero, e.g. '91'.")
    digits = text.translate(_MOBILE_SEPARATORS)
    international = digits.startswith(("+", "00"))
    digits = digits.removeprefix("+") if digits.startswith("+") else digits.removeprefix("00")
    if not _DIGITS.fullmatch(digits):
        return None
    if international:
        # Country codes never start with 0; "+0..." is a typo, and would not survive a re-parse.
        return digits if digits[0] != "0" and 8 <= len(digits) <= 15 else None
    if dial_code:
        if digits.startswith("0"):
            # The trunk prefix: "098000 00001" in India is "91 98000 00001".
            expanded = dial_code + digits[1:]
            # A short expansion could be read as national again on a re-parse; such short
            # numbers are typos anyway.
            return expanded if 11 <= len(expanded) <= 15 else None
        if len(digits) == 10:
            return dial_code + digits
    return digits if 8 <= len(digits) <= 15 else None
