"""The shared cache (Redis) holds member records and sessions: encrypted, so it shows none of them.

A Redis dump, a replica or anyone with access to the cache port would otherwise read whole member
records in plain pickles. Every value is pickled, then encrypted and authenticated with Fernet
(`cryptography`); only values that decrypt with one of our keys are ever unpickled.

Keys come from `CACHE_ENCRYPTION_KEYS` (comma-separated Fernet keys: the first encrypts, all
decrypt, so a key can be rotated in without emptying the cache). Without it, one key is derived
from SECRET_KEY (and decrypting keys from SECRET_KEY_FALLBACKS), so `make run` and the tests need
nothing. A value that does not decrypt (a key rotated out, tampering) is a cache miss, never an
error: the cache is only ever a copy.

The local-memory cache (the default without REDIS_URL) lives inside the process and is not
encrypted.
"""

import base64
import pickle
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import ImproperlyConfigured

# Small integers stay plain Redis integers, as Django stores them, so that counters (verify
# attempts) keep Redis' atomic INCR. Larger ones might be an identifier (a user id, a mobile
# number): they are encrypted like every other value.
PLAIN_INT_LIMIT = 100_000


class Undecryptable(Exception):
    """A cached value none of our keys opens: treated as a miss."""


def derived_key(secret: str) -> bytes:
    """A Fernet key derived from a secret (SECRET_KEY) with HKDF, for this one purpose."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"membercare cache values")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


def configured_keys() -> list[bytes]:
    """The keys from the settings, the encrypting one first."""
    given = [key.strip() for key in settings.CACHE_ENCRYPTION_KEYS if key.strip()]
    if given:
        return [key.encode() for key in given]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [derived_key(secret) for secret in secrets]


def _fernet(keys: Iterable[bytes]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        # Never the key itself in the message: it is a secret.
        raise ImproperlyConfigured(
            "CACHE_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 "
            "bytes; make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)."
        ) from None


class FernetSerializer:
    """Django's Redis serializer interface (dumps/loads), encrypting what it pickles."""

    def __init__(self, keys: Iterable[bytes] | None = None) -> None:
        self._fernet = _fernet(configured_keys() if keys is None else keys)

    def dumps(self, obj: Any) -> bytes | int:
        if type(obj) is int and abs(obj) < PLAIN_INT_LIMIT:  # not bool: type(), as Django does
            return obj
        return self._fernet.encrypt(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))

    def loads(self, data: bytes) -> Any:
        try:
            return int(data)
        except ValueError:
            pass
        try:
            plain = self._fernet.decrypt(data)
        except InvalidToken:
            raise Undecryptable from None
        return pickle.loads(plain)  # noqa: S301 - authenticated by our key: we wrote it


class EncryptedRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with a value that does not decrypt read as a miss."""

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except Undecryptable:
            return default

    def get_many(self, keys: Iterable[Any]) -> dict[Any, Any]:
        keys = list(keys)
        try:
            return super().get_many(keys)
        except Undecryptable:  # one of them is junk: read them one by one, the junk a miss
            found = {key: self.get(key, _MISSING) for key in keys}
            return {key: value for key, value in found.items() if value is not _MISSING}


_MISSING = object()


class EncryptedRedisCache(RedisCache):
    """Django's RedisCache with every value encrypted (FernetSerializer unless OPTIONS say)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = EncryptedRedisCacheClient
        self._options: dict[str, Any] = {"serializer": FernetSerializer, **self._options}
