"""A password rule Django lacks: no common word dressed up with digits and symbols.

Django's CommonPasswordValidator compares the whole password with its list of about 20,000
common passwords, so `Password123!`, `Welcome2024!` or `P@ssw0rd2024` pass it: the red team's
weak passwords were mostly such words with a year or a "!" around them, which is exactly what
guessing tools try first. This validator takes off the digits and symbols around the password,
undoes the usual letter-for-symbol swaps (`@` for a, `0` for o, ...) and compares what is left
with the same list and with this site's own names.
"""

import string
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AROUND = string.digits + string.punctuation + string.whitespace
# The swaps people make to satisfy "a symbol and a digit"; 1 stands for i as often as for l.
SWAPPED = {"@": "a", "4": "a", "$": "s", "5": "s", "3": "e", "0": "o", "7": "t", "!": "i"}
SWAPS = [str.maketrans(SWAPPED | {"1": one}) for one in "il"]
# The first words a guesser tries for this site.
SITE_WORDS = frozenset({"membercare", "capillary"})


class CommonWordValidator:
    """Refuses a common password (or the site's name) with digits or symbols around it."""

    def __init__(self) -> None:
        self.words = CommonPasswordValidator().passwords | SITE_WORDS

    def validate(self, password: str, user: Any = None) -> None:
        core = password.strip(AROUND).casefold()
        if not core:
            raise ValidationError(
                _("This password is only digits and symbols."), code="password_no_letters"
            )
        candidates = {core, *(core.translate(swap) for swap in SWAPS)}
        if not candidates.isdisjoint(self.words):
            raise ValidationError(
                _("This password is a common word with digits or symbols around it."),
                code="password_common_word",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a common word with digits or symbols around it.")
