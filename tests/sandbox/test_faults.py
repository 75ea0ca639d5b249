"""Faults on demand, through Django's test client (tests/sandbox/test_live.py: over real HTTP)."""

import json
import time

import pytest
from django.test import Client, override_settings

from membercare.sandbox.catalog import DEMO_BY_KEY
from tests.sandbox.conftest import ENDPOINT, SANDBOX_DB, Call, body, codes, one

pytestmark = SANDBOX_DB
GOLD = DEMO_BY_KEY["gold"]


def email(key: str) -> str:
    return DEMO_BY_KEY[key].email


def test_it_answers_500_internal_server_error_as_plain_text_for_error(call: Call):
    response = call(email=email("error"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"Internal Server Error"
    assert response["X-Cap-Requestid"]


def test_it_answers_429_with_retry_after_for_ratelimited(call: Call):
    response = call(email=email("ratelimited"))
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert len(response.content) < 100
    assert b"response" not in response.content  # not an envelope
    assert response["X-Cap-Requestid"]


def test_it_answers_truncated_json_for_malformed(call: Call):
    response = call(email=email("malformed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.content.startswith(b'{"response":')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert response["X-Cap-Requestid"]


def test_it_answers_an_html_gateway_page_for_html(call: Call):
    response = call(email=email("html"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<html>" in response.content
    assert response["X-Cap-Requestid"]


def test_it_answers_503_with_error_code_4001_for_gateway(call: Call):
    response = call(email=email("gateway"))
    assert response.status_code == 503
    assert body(response)["errorCode"] == 4001
    assert body(response)["response"]["status"]["code"] == 503
    assert response["X-Cap-Requestid"]


@override_settings(SANDBOX_SLOW_SECONDS=0.2)
def test_it_answers_normally_but_late_for_slow(call: Call):
    started = time.monotonic()
    response = call(email=email("slow"))
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert codes(one(response)) == (1000, [])
    assert response["X-Cap-Requestid"]


def test_it_raises_connection_reset_for_reset_where_there_is_no_socket(call: Call):
    # Django's test client has no connection to reset (test_live.py resets real ones).
    with pytest.raises(ConnectionResetError):
        call(email=email("reset"))


@pytest.mark.parametrize("kind", ["email", "mobile", "external_id", "id", "card_number"])
def test_it_misbehaves_whatever_identifier_names_the_fault_identity(call: Call, kind):
    demo = DEMO_BY_KEY["ratelimited"]
    value = {
        "email": demo.email,
        "mobile": demo.mobile,
        "external_id": demo.external_id,
        "id": str(demo.user_id),
        "card_number": demo.card_number,
    }[kind]
    assert call(**{kind: value}).status_code == 429


def test_it_misbehaves_when_a_fault_identity_is_anywhere_in_a_bulk_call(call: Call):
    response = call(email=f"{GOLD.email},nobody@example.com,{email('gateway')}")
    assert response.status_code == 503


@override_settings(SANDBOX_BATCH_LIMIT=2)
def test_it_misbehaves_even_beyond_the_batch_limit(call: Call):
    response = call(email=f"{GOLD.email},{email('silver')},{email('error')}")
    assert response.status_code == 500
    assert response.content == b"Internal Server Error"


def test_it_misbehaves_only_after_authentication(client: Client):
    response = client.get(ENDPOINT, {"email": email("error")})
    assert response.status_code == 401
    assert body(response)["response"]["status"]["code"] == 401


@override_settings(SANDBOX_LATENCY_MS=150)
def test_it_adds_the_configured_latency_to_every_answer(call: Call, client: Client):
    for answer in (lambda: call(email=GOLD.email), lambda: client.get(ENDPOINT)):
        started = time.monotonic()
        answer()
        assert time.monotonic() - started >= 0.15
