"""One JSON line per request; a request id in every line and audit event of it; no personal data.

Capillary is replayed at the HTTP boundary; the log lines are what the console handler of
settings.LOGGING would write (its formatter and filters), captured in memory.
"""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from membercare.audit.models import AuditEvent
from membercare.request_log import incoming_or_new
from tests.capillary.conftest import envelope, full_view_item
from tests.test_settings import run_settings

BASE = "http://capillary.test"
ENDPOINT = f"{BASE}/v1.1/customer/get"
GOLD = 50000002
GOLD_EMAIL = "demo.gold@example.com"
GOLD_MOBILE = "919800000002"

pytestmark = pytest.mark.django_db


@pytest.fixture
def capillary(settings) -> Iterator[responses.RequestsMock]:
    settings.CAPILLARY_BASE_URL = BASE
    settings.CAPILLARY_RETRIES = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(
            ENDPOINT,
            json=envelope(full_view_item()),
            headers={"X-Cap-Requestid": "cap-req-7"},
        )
        yield mock


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Every record of every logger, at DEBUG, as the JSON console handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging_config: dict[str, Any] = settings.LOGGING
    config = dict(logging_config["formatters"]["json"])
    handler.setFormatter(import_string(config.pop("()"))(**config))
    for name in logging_config["handlers"]["console"]["filters"]:
        filter_config = dict(logging_config["filters"][name])
        handler.addFilter(import_string(filter_config.pop("()"))(**filter_config))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def request_line(stream: io.StringIO) -> dict:
    (line,) = [line for line in lines(stream) if line["logger"] == "membercare.request"]
    return line


def test_a_search_writes_one_json_line_with_its_ids_and_no_identifier(
    agent, agent_client, capillary, log_output
):
    response = agent_client.post(reverse("search"), {"q": GOLD_EMAIL})
    assert response.status_code == 303

    line = request_line(log_output)
    request_id = response["X-Request-ID"]
    assert line["method"] == "POST"
    assert line["path"] == "/search/"
    assert line["status"] == 303
    assert line["duration_ms"] > 0
    assert line["user_id"] == agent.pk
    assert line["request_id"] == request_id
    assert line["upstream_request_ids"] == ["cap-req-7"]
    assert line["level"] == "INFO"
    assert "time" in line


@pytest.mark.parametrize("typed", [GOLD_EMAIL, GOLD_MOBILE])
def test_no_line_of_a_search_holds_the_identifier_or_the_members_details(
    agent_client, capillary, log_output, typed
):
    agent_client.post(reverse("search"), {"q": typed})
    agent_client.get(reverse("customer", args=[GOLD]))

    written = log_output.getvalue()
    assert written  # something was logged, at DEBUG, by several loggers
    for value in (GOLD_EMAIL, GOLD_MOBILE, "demo.gold", "9800000002", str(GOLD)):
        assert value not in written


def test_a_customer_view_is_logged_by_its_route_not_by_the_members_id(
    agent_client, capillary, log_output
):
    agent_client.get(reverse("customer", args=[GOLD]))
    assert request_line(log_output)["path"] == "/customers/<int:user_id>/"


def test_an_unknown_path_is_logged_with_anything_like_an_identifier_cut_out(
    agent_client, log_output
):
    response = agent_client.get("/members/jane.doe@example.com/919800000002/edit?mobile=1")
    assert response.status_code == 404
    path = request_line(log_output)["path"]
    assert path == "/members/:redacted/:redacted/edit"


def test_every_line_of_a_request_and_its_audit_event_carry_the_request_id(
    agent_client, capillary, log_output
):
    response = agent_client.post(reverse("search"), {"q": GOLD_EMAIL})
    request_id = response["X-Request-ID"]

    during = [line for line in lines(log_output) if line["request_id"] != "-"]
    assert {line["request_id"] for line in during} == {request_id}
    assert len(during) >= 2  # the client's line about its call, and the request's own
    event = AuditEvent.objects.get(action="search")
    assert event.trace_id == request_id
    assert event.request_id == "cap-req-7"  # Capillary's, beside ours


def test_the_load_balancers_request_id_is_kept_when_it_is_a_safe_token(anonymous_client):
    incoming = "9f2c4e1a-77b0-4c39-9e0a-2a4f1d3c5b6e"
    response = anonymous_client.get(reverse("healthz"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["", "short", "has space in it", "x" * 65, "evil\nInjected: yes", "<script>alert(1)</script>"],
)
def test_an_unsafe_incoming_request_id_is_replaced_by_a_new_one(incoming):
    made = incoming_or_new(incoming)
    assert made != incoming
    assert len(made) == 32
    assert set(made) <= set("0123456789abcdef")


def test_each_request_gets_its_own_id(anonymous_client):
    first = anonymous_client.get(reverse("healthz"))["X-Request-ID"]
    second = anonymous_client.get(reverse("healthz"))["X-Request-ID"]
    assert first != second


def test_events_recorded_outside_a_request_have_no_trace_id(agent):
    from membercare.audit.events import record

    event = record(action="sign_in", actor=agent)
    assert event.trace_id == ""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "true"}, "plain"),
        ({"DEBUG": "false", "SECRET_KEY": "k"}, "json"),
        ({"DEBUG": "true", "LOG_FORMAT": "json"}, "json"),
        ({"DEBUG": "false", "SECRET_KEY": "k", "LOG_FORMAT": "plain"}, "plain"),
    ],
)
def test_logs_are_json_unless_debug_is_on_or_plain_is_asked_for(env, expected):
    code = (
        "from django.conf import settings; "
        "print(settings.LOGGING['handlers']['console']['formatter'])"
    )
    result = run_settings(env, code=code)
    assert result.stdout.strip() == expected, result.stderr


def test_an_unknown_log_format_is_refused_at_start():
    result = run_settings({"DEBUG": "true", "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT is json or plain" in result.stderr
