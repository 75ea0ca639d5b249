"""What `responses` cannot fake: refused, reset and silent connections on real local sockets."""

import json
import logging
import time

import pytest
import urllib3.util.connection

from membercare.capillary.errors import Unavailable
from membercare.capillary.identifiers import Identifier, IdentifierKind
from membercare.capillary.query import CustomerQuery

from .conftest import make_client, recorded

GOLD = Identifier(IdentifierKind.EMAIL, "demo.gold@example.com")
NARROW = CustomerQuery(embed=frozenset({"user_id"}), coupon_limit=0)
FOUND = json.dumps(recorded("full-view-gold.json")).encode()


@pytest.fixture
def connection_attempts(monkeypatch):
    """Counts TCP connection attempts (a spy: every attempt still really happens)."""
    attempts = []
    real = urllib3.util.connection.create_connection

    def counting(*args, **kwargs):
        attempts.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    return attempts


def test_a_refused_connection_is_retried_then_unavailable(closed_port_url, connection_attempts):
    client = make_client(base_url=closed_port_url, retries=2)

    with pytest.raises(Unavailable, match="refused the connection"):
        client.get_customer(identifier=GOLD, query=NARROW)

    assert len(connection_attempts) == 3


def test_urllib3s_retry_warning_never_carries_the_identifier(
    closed_port_url, connection_attempts, caplog
):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Unavailable):
        make_client(base_url=closed_port_url, retries=1).get_customer(identifier=GOLD, query=NARROW)

    retry_warnings = [r for r in caplog.records if r.name == "urllib3.connectionpool"]
    assert any("Retrying" in r.getMessage() for r in retry_warnings)
    assert "demo.gold" not in caplog.text
    assert "email=" not in caplog.text


def test_the_redaction_is_on_urllib3s_loggers_whatever_the_handlers():
    """A handler of its own on urllib3's logger (as an error tracker might add) sees no query."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    urllib3_logger = logging.getLogger("urllib3.connectionpool")
    handler = Collect()
    urllib3_logger.addHandler(handler)
    try:
        urllib3_logger.warning("Retrying (%r) after %r: %s", 1, "x", "/get?email=a%40b.io&x=1")
    finally:
        urllib3_logger.removeHandler(handler)
    assert seen == ["Retrying (1) after 'x': /get?[redacted]"]


def test_a_reset_connection_is_unavailable_and_not_retried(scripted_server):
    scripted_server.script = ["reset", (200, {}, FOUND)]
    client = make_client(base_url=scripted_server.url)

    with pytest.raises(Unavailable, match=r"reset|closed"):
        client.get_customer(identifier=GOLD, query=NARROW)

    assert len(scripted_server.paths) == 1  # Capillary may have started on it: don't pile on


def test_a_silent_server_times_out_at_the_read_timeout_without_a_retry(scripted_server):
    scripted_server.script = ["silent"]
    client = make_client(base_url=scripted_server.url, read_timeout=0.3, retries=2)
    started = time.monotonic()

    with pytest.raises(Unavailable, match="did not answer in time"):
        client.get_customer(identifier=GOLD, query=NARROW)

    assert time.monotonic() - started < 1.5
    assert len(scripted_server.paths) == 1


def test_a_503_asking_to_retry_after_30_s_is_retried_at_once_not_after_30_s(scripted_server):
    scripted_server.script = [(503, {"Retry-After": "30"}, b""), (200, {}, FOUND)]
    client = make_client(base_url=scripted_server.url)
    started = time.monotonic()

    customer = client.get_customer(identifier=GOLD, query=NARROW)

    assert customer.user_id == 50000002
    assert time.monotonic() - started < 2
    assert len(scripted_server.paths) == 2


def test_one_session_reuses_its_connection(scripted_server):
    scripted_server.script = [(200, {}, FOUND)] * 3
    client = make_client(base_url=scripted_server.url)
    for _ in range(3):
        client.get_customer(identifier=GOLD, query=NARROW)
    assert scripted_server.connections == 1
