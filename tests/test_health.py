"""/healthz and /readyz, as the load balancer sees them: public, no personal data, never cached."""

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from membercare.health import BREAKER_STATES, breaker_state

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_the_database(
    anonymous_client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = anonymous_client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_a_head_request_too(anonymous_client):
    assert anonymous_client.head(reverse("healthz")).status_code == 200


def test_readyz_is_ready_with_the_database_and_the_cache(anonymous_client):
    response = anonymous_client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response  # no session made for a health check


def test_readyz_reports_the_breaker_when_there_is_one(anonymous_client):
    body = anonymous_client.get(reverse("readyz")).json()
    state = breaker_state()
    if state is None:
        assert "breaker" not in body
    else:
        assert body["breaker"] == state
        assert state in BREAKER_STATES


def test_readyz_says_the_same_to_a_signed_in_user_and_nothing_about_them(agent, agent_client):
    response = agent_client.get(reverse("readyz"))
    assert response.status_code == 200
    assert agent.username not in response.content.decode()
    assert set(response.json()) <= {"status", "checks", "breaker"}


@pytest.fixture
def unreachable_cache(settings) -> None:
    # A Redis where nothing listens (port 9, discard): every cache call is refused at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }


def test_readyz_is_503_when_the_cache_is_unreachable(anonymous_client, unreachable_cache):
    response = anonymous_client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unready"
    assert body["checks"] == {"database": "ok", "cache": "error"}
    # The reason is logged, never sent to whoever asked.
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_stays_ok_when_the_cache_is_unreachable(anonymous_client, unreachable_cache):
    assert anonymous_client.get(reverse("healthz")).status_code == 200


@pytest.fixture
def unreachable_database(transactional_db) -> Iterator[None]:
    """The default database pointed where none can be opened, for this test only."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/membercare.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)


def test_readyz_is_503_when_the_database_is_unreachable(anonymous_client, unreachable_database):
    response = anonymous_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "error", "cache": "ok"}


def test_healthz_stays_ok_when_the_database_is_unreachable(anonymous_client, unreachable_database):
    assert anonymous_client.get(reverse("healthz")).status_code == 200


@pytest.fixture
def hanging_redis() -> Iterator[tuple[str, list[socket.socket]]]:
    """A "Redis" that accepts connections and never answers (a hung server, a full network
    buffer): its URL, and the connections it was sent."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", held
    stop.set()
    thread.join()
    for sock in held:
        sock.close()
    server.close()


READYZ = """
import json
import django
django.setup()
from django.core.cache import cache
from django.test import RequestFactory
from membercare.health import readyz
pool = cache._cache._get_connection_pool(write=True)
response = readyz(RequestFactory().get("/readyz"))
print(json.dumps({"status": response.status_code, "body": json.loads(response.content),
                  "timeouts": [pool.connection_kwargs.get("socket_connect_timeout"),
                               pool.connection_kwargs.get("socket_timeout")]}))
"""


def test_readyz_answers_unready_when_redis_hangs_instead_of_hanging_with_it(
    hanging_redis, tmp_path
):
    """The settings give the Redis cache connect and read timeouts (REDIS_CONNECT_TIMEOUT,
    REDIS_SOCKET_TIMEOUT), and /readyz, having seen the cache fail, does not wait on it a second
    time for the breaker's state. (Without a read timeout the check would wait as long as redis-py
    lets a socket wait; the subprocess' own timeout only ends the test if that happens.)"""
    url, connections = hanging_redis
    env = {
        "DJANGO_SETTINGS_MODULE": "membercare.settings",
        "ENV_FILE": "/dev/null",
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'default.sqlite3'}",
        "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.sqlite3'}",
        "REDIS_URL": url,
        "REDIS_CONNECT_TIMEOUT": "0.3",
        "REDIS_SOCKET_TIMEOUT": "0.3",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", READYZ],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["timeouts"] == [0.3, 0.3]  # what redis-py's connections are made with
    assert answer["status"] == 503
    assert answer["body"]["checks"] == {"database": "ok", "cache": "error"}
    assert answer["body"]["breaker"] == "unknown"
    assert len(connections) == 1  # one command tried and given up on, not one per check
