"""Keyed hashes: stable names for personal values that reveal nothing without SECRET_KEY."""

from django.utils.crypto import salted_hmac


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value`, keyed by SECRET_KEY and `purpose` (so hashes differ between uses)."""
    return salted_hmac(f"membercare.{purpose}", value, algorithm="sha256").hexdigest()
