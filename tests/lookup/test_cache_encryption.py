"""Redis holds no readable member record: every value is a Fernet token, keys rotate, junk misses.

Against the real Redis on 127.0.0.1:6379 (skipped when it is not running), on database 9 so that
CI's run on database 7 is never touched, under a key prefix of this test's own so that two runs
at once never see each other's keys.
"""

import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
import redis
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from membercare.cache_crypto import EncryptedRedisCache, FernetSerializer, derived_key
from tests.conftest import signed_in
from tests.lookup.conftest import GOLD, answer_member

REDIS = "redis://127.0.0.1:6379/9"
BACKEND = "membercare.cache_crypto.EncryptedRedisCache"
# The gold member of tests/capillary/recorded/full-view-gold.json, as Capillary sends them.
PERSONAL = ["Grace", "Gold", "919800000002", "demo.gold@example.com", "DEMO-GOLD"]


@pytest.fixture
def raw_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield client
    client.close()


@pytest.fixture
def prefix(raw_redis: redis.Redis) -> Iterator[str]:
    """A key prefix of this test's own; its keys are removed afterwards."""
    name = f"cachecrypto-{uuid.uuid4().hex}"
    yield name
    for key in raw_redis.scan_iter(match=f"{name}:*"):
        raw_redis.delete(key)


def redis_cache(prefix: str, keys: list[bytes] | None = None) -> EncryptedRedisCache:
    options = {"serializer": FernetSerializer(keys)} if keys else {}
    return EncryptedRedisCache(REDIS, {"KEY_PREFIX": prefix, "OPTIONS": options})


def stored(raw_redis: redis.Redis, prefix: str) -> dict[bytes, bytes]:
    """Every key of the prefix and its raw value, as Redis holds them."""
    return {
        key: cast(bytes, raw_redis.get(key) or b"")
        for key in raw_redis.scan_iter(match=f"{prefix}:*")
    }


def test_opening_a_member_leaves_no_name_mobile_or_email_in_redis(
    settings: Any, raw_redis: redis.Redis, prefix: str, capillary: Any, agent: Any
) -> None:
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": REDIS, "KEY_PREFIX": prefix}}
    answer_member(capillary)
    client = signed_in(agent)  # after the switch: the session (cached_db) lands in Redis too
    client.post(reverse("search"), {"q": "demo.gold@example.com"})
    assert client.get(reverse("customer", args=[GOLD])).status_code == 200

    values = stored(raw_redis, prefix)
    assert any(b":lookup:member:" in key for key in values), "the record was cached in Redis"
    assert any(b"django.contrib.sessions" in key for key in values), "a session was cached"
    fernet = Fernet(derived_key(settings.SECRET_KEY))
    for key, value in values.items():
        for text in PERSONAL:
            for form in (text, text.lower(), text.upper()):
                assert form.encode() not in key, (key, form)
                assert form.encode().lower() not in value.lower(), (key, form)
        if value.isdigit():  # a small counter, kept a plain integer for INCR
            assert int(value) < 100_000
        else:
            fernet.decrypt(value)  # a Fernet token of our key, or this raises


def test_values_round_trip_and_none_is_a_value_not_a_miss(raw_redis: Any, prefix: str) -> None:
    shared = redis_cache(prefix)
    shared.set("record", {"email": "demo.gold@example.com"}, 30)
    shared.set("nothing", None, 30)
    assert shared.get("record") == {"email": "demo.gold@example.com"}
    assert shared.get("nothing", "miss") is None
    assert shared.get("absent", "miss") == "miss"
    assert shared.get_many(["record", "nothing", "absent"]) == {
        "record": {"email": "demo.gold@example.com"},
        "nothing": None,
    }
    assert b"demo.gold" not in b"".join(stored(raw_redis, prefix).values())


def test_a_small_counter_stays_a_redis_integer_and_counts(raw_redis: Any, prefix: str) -> None:
    shared = redis_cache(prefix)
    shared.add("attempts", 0, 30)
    assert [shared.incr("attempts") for _ in range(3)] == [1, 2, 3]
    assert shared.get("attempts") == 3
    # An integer that may be an identifier (a user id, a mobile) is encrypted like the rest.
    shared.set("member", GOLD, 30)
    assert str(GOLD).encode() not in b"".join(stored(raw_redis, prefix).values())
    assert shared.get("member") == GOLD


def test_a_new_key_first_reads_what_the_old_one_wrote(raw_redis: Any, prefix: str) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    redis_cache(prefix, [old]).set("record", "written under the old key", 30)
    rotated = redis_cache(prefix, [new, old])
    assert rotated.get("record") == "written under the old key"
    rotated.set("fresh", "written under the new key", 30)
    assert redis_cache(prefix, [new]).get("fresh") == "written under the new key"
    # Once the old key is dropped, what it wrote is a miss, never an error.
    assert redis_cache(prefix, [new]).get("record", "miss") == "miss"


def test_a_corrupted_or_foreign_value_is_a_miss(raw_redis: Any, prefix: str) -> None:
    shared = redis_cache(prefix)
    shared.set("tampered", "a member's record", 30)
    (key,) = stored(raw_redis, prefix)
    token = raw_redis.get(key) or b""
    raw_redis.set(key, token[:-6] + (b"AAAAAA" if not token.endswith(b"AAAAAA") else b"BBBBBB"))
    raw_redis.set(f"{prefix}:1:plain", b"\x80\x05not a token")
    assert shared.get("tampered", "miss") == "miss"
    assert shared.get("plain", "miss") == "miss"
    assert shared.get_many(["tampered", "plain"]) == {}
    shared.set("intact", "still readable", 30)
    assert shared.get_many(["tampered", "intact"]) == {"intact": "still readable"}
    shared.set("tampered", "written again", 30)  # and the next write replaces it
    assert shared.get("tampered") == "written again"


def test_a_bad_key_in_the_settings_is_a_clear_configuration_error(settings: Any) -> None:
    settings.CACHE_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="CACHE_ENCRYPTION_KEYS") as raised:
        FernetSerializer()
    assert "not-a-fernet-key" not in str(raised.value)


def test_without_keys_one_is_derived_from_the_secret_key(settings: Any) -> None:
    settings.CACHE_ENCRYPTION_KEYS = []
    token = FernetSerializer().dumps("value")
    assert isinstance(token, bytes)
    Fernet(derived_key(settings.SECRET_KEY)).decrypt(token)
    settings.CACHE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = FernetSerializer().dumps("value")
    assert isinstance(token, bytes)
    assert FernetSerializer().loads(token) == "value"


def test_the_default_cache_is_encrypted_when_redis_url_is_set(settings: Any) -> None:
    """In CI's second half (REDIS_URL set) the app's own cache is the encrypted one."""
    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("REDIS_URL is not set: the local-memory cache")
    assert settings.CACHES["default"]["BACKEND"] == BACKEND
    assert isinstance(cache._cache._serializer, FernetSerializer)  # type: ignore[attr-defined]
