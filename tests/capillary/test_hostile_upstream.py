"""The real client against a hostile Capillary on 127.0.0.1 (tests/capillary/hostile_server.py).

Every answer comes within the deadline plus 1 s, as the error it stands for, and leaves no
server handler stuck. The deadline is 1 s here to keep the tests fast; the read timeout (5 s) is
longer than the deadline and than the server's pauses between bytes, so only the deadline can end
a slow answer.
"""

import datetime as dt
import ipaddress
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from membercare.capillary import CapillaryClient, client_from_settings
from membercare.capillary._safe_json import CUT_MARKER, MAX_TEXT
from membercare.capillary.errors import CapillaryError, MalformedResponse, Unavailable
from membercare.capillary.identifiers import Identifier, IdentifierKind
from membercare.capillary.query import CustomerQuery
from membercare.capillary.types import Customer

from .conftest import make_client
from .hostile_server import HostileServer

GOLD = Identifier(IdentifierKind.EMAIL, "demo.gold@example.com")
NARROW = CustomerQuery(embed=frozenset({"user_id"}), coupon_limit=0)
DEADLINE = 1.0


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    try:
        assert server.wait_idle(), "a handler of the hostile server is still busy"
    finally:
        server.stop()


@pytest.fixture
def client(hostile: HostileServer) -> Iterator[CapillaryClient]:
    capillary = make_client(
        base_url=hostile.url,
        deadline_seconds=DEADLINE,
        read_timeout=5.0,  # longer than the deadline: only the deadline can end a slow answer
        max_body_bytes=1024 * 1024,
    )
    yield capillary
    capillary.close()


def timed_lookup(client: CapillaryClient) -> tuple[Customer | CapillaryError, float]:
    """The member or the error, and how long it took; any other exception fails the test."""
    started = time.monotonic()
    outcome: Customer | CapillaryError
    try:
        outcome = client.get_customer(identifier=GOLD, query=NARROW)
    except (Unavailable, MalformedResponse) as error:
        outcome = error
    return outcome, time.monotonic() - started


@pytest.mark.parametrize("mode", ["trickle-body", "slow-headers", "hang-after-headers"])
def test_a_slow_answer_ends_at_the_deadline_as_a_retryable_timeout(hostile, client, mode):
    hostile.mode = mode

    outcome, elapsed = timed_lookup(client)

    assert isinstance(outcome, Unavailable)
    assert outcome.retryable
    assert outcome.message == "Capillary did not answer within 1 s."
    assert DEADLINE - 0.1 < elapsed < DEADLINE + 1


def test_the_deadline_comes_from_the_settings(hostile, settings):
    settings.CAPILLARY_BASE_URL = hostile.url
    settings.CAPILLARY_DEADLINE_SECONDS = 0.5
    hostile.mode = "trickle-body"

    outcome, elapsed = timed_lookup(client_from_settings())

    assert isinstance(outcome, Unavailable)
    assert "within 0.5 s" in outcome.message
    assert elapsed < 0.5 + 1


def test_retries_of_a_gateway_error_fit_inside_the_deadline(hostile):
    """Two 503s are retried at once and after 0.5 s; the third attempt trickles, and the call
    still ends at the deadline, not a read timeout or a retry budget later."""
    hostile.script = ["gateway", "gateway"]
    hostile.mode = "trickle-body"
    client = make_client(
        base_url=hostile.url,
        deadline_seconds=1.5,
        connect_timeout=0.2,
        read_timeout=0.3,
        retries=3,
        retry_total_seconds=10.0,
    )

    outcome, elapsed = timed_lookup(client)

    assert hostile.requests == 3
    assert isinstance(outcome, Unavailable)
    assert outcome.message == "Capillary did not answer within 1.5 s."
    assert 1.4 < elapsed < 1.5 + 1


@pytest.mark.parametrize("mode", ["huge-declared", "huge-chunked"])
def test_an_answer_larger_than_the_limit_is_refused_as_malformed(hostile, client, mode):
    hostile.mode = mode

    outcome, elapsed = timed_lookup(client)

    assert isinstance(outcome, MalformedResponse)
    assert "CAPILLARY_MAX_BODY_BYTES" in outcome.message
    assert outcome.request_id == "req-hostile"
    assert elapsed < DEADLINE + 1


def test_json_nested_100000_levels_deep_is_refused_as_malformed(hostile, client):
    hostile.mode = "deep-nesting"

    outcome, elapsed = timed_lookup(client)

    assert isinstance(outcome, MalformedResponse)
    assert "nests deeper than 64 levels" in outcome.message
    assert outcome.retryable
    assert elapsed < DEADLINE + 1


def test_lone_surrogates_in_a_name_become_replacement_characters(hostile, client):
    hostile.mode = "lone-surrogate"

    customer, _ = timed_lookup(client)

    assert isinstance(customer, Customer)
    assert customer.firstname == "\ufffdTom"
    assert customer.lastname == "Saw\ufffdyer"
    customer.full_name.encode("utf-8")  # what rendering a page does; a lone surrogate fails it


def test_a_connection_reset_in_the_middle_of_the_body_is_unavailable(hostile, client):
    hostile.mode = "reset-mid-body"

    outcome, elapsed = timed_lookup(client)

    assert isinstance(outcome, Unavailable)
    assert outcome.message in (
        "The connection to Capillary broke during the answer.",
        "Capillary reset the connection without answering.",
    )
    assert elapsed < DEADLINE + 1


def test_a_very_long_field_is_cut_with_a_marker(hostile, client):
    hostile.mode = "long-field"

    customer, _ = timed_lookup(client)

    assert isinstance(customer, Customer)
    assert len(customer.firstname) == MAX_TEXT
    assert customer.firstname.endswith("T" + CUT_MARKER)


def test_after_a_hostile_answer_the_next_call_is_served_normally(hostile, client):
    hostile.mode = "trickle-body"
    assert isinstance(timed_lookup(client)[0], Unavailable)

    hostile.mode = "ok"
    customer, elapsed = timed_lookup(client)

    assert isinstance(customer, Customer)
    assert customer.user_id == 50000002
    assert elapsed < 0.5


# --- Over TLS, as Capillary is reached in production ---------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, key) PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize("mode", ["trickle-body", "slow-headers"])
def test_over_tls_a_slow_answer_ends_at_the_deadline_too(certificate, monkeypatch, mode):
    cert_path, key_path = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))  # requests trusts it for this test
    server = HostileServer(tls=context)
    try:
        server.mode = "ok"
        client = make_client(base_url=server.url, deadline_seconds=DEADLINE, read_timeout=5.0)
        assert isinstance(timed_lookup(client)[0], Customer)  # TLS works: the cut is the deadline's

        server.mode = mode
        outcome, elapsed = timed_lookup(client)

        assert isinstance(outcome, Unavailable)
        assert outcome.message == "Capillary did not answer within 1 s."
        assert elapsed < DEADLINE + 1
        client.close()
        assert server.wait_idle()
    finally:
        server.stop()
