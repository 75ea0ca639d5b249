"""Verify a caller without revealing the record: compare what they say with what Capillary has."""

from typing import Any

from django.conf import settings
from django.core.cache import cache

from membercare.capillary import Customer, IdentifierKind, InvalidIdentifier, parse_identifier
from membercare.hashing import keyed_hash

# Guessing a mobile digit by digit must not be a way round the masking.
MAX_ATTEMPTS = 5
ATTEMPT_WINDOW_SECONDS = 10 * 60


def contact_matches(customer: Customer, field: str, said: str) -> bool:
    if field == "name":
        return _words(said) in {
            _words(customer.full_name),
            _words(f"{customer.lastname} {customer.firstname}"),
        }
    kind = IdentifierKind.MOBILE if field == "mobile" else IdentifierKind.EMAIL
    on_record = customer.mobile if field == "mobile" else customer.email
    if not on_record:
        return False
    try:
        value = parse_identifier(said, kind, dial_code=settings.CAPILLARY_MOBILE_DIAL_CODE).value
    except InvalidIdentifier:
        return False
    if kind is IdentifierKind.MOBILE:
        # Callers often leave out the country code: the national number must match in full.
        return value == on_record or (len(value) >= 8 and on_record.endswith(value))
    return value == on_record.strip().lower()


def too_many_attempts(*, user: Any, member_id: int) -> bool:
    """Count this check; True once the user has made MAX_ATTEMPTS for this member recently."""
    key = "verify:" + keyed_hash(f"{user.pk}:{member_id}", purpose="verify.attempts")
    cache.add(key, 0, ATTEMPT_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ATTEMPT_WINDOW_SECONDS)
        attempts = 1
    return attempts > MAX_ATTEMPTS


def _words(text: str) -> str:
    return " ".join(text.casefold().split())
