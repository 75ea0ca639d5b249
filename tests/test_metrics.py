"""/metrics: behind its token, and what it counts. Capillary is replayed at the HTTP boundary."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from prometheus_client import REGISTRY

from membercare.audit.events import record
from membercare.health import breaker_state
from tests.capillary.conftest import envelope, failed_item, full_view_item

BASE = "http://capillary.test"
ENDPOINT = f"{BASE}/v1.1/customer/get"
GOLD = 50000002
TOKEN = "a-long-random-metrics-token"

pytestmark = pytest.mark.django_db


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def capillary(settings) -> Iterator[responses.RequestsMock]:
    settings.CAPILLARY_BASE_URL = BASE
    settings.CAPILLARY_RETRIES = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def answer_member(mock: responses.RequestsMock) -> None:
    mock.get(ENDPOINT, json=envelope(full_view_item()), headers={"X-Cap-Requestid": "r-1"})


# --- The token --------------------------------------------------------------------------------


def test_there_is_no_metrics_page_without_a_token_configured(anonymous_client, settings):
    settings.METRICS_TOKEN = ""
    response = anonymous_client.get(reverse("metrics"), headers={"Authorization": "Bearer "})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", TOKEN]
)
def test_metrics_need_the_right_bearer_token(anonymous_client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = anonymous_client.get(reverse("metrics"), headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"membercare_" not in response.content


def test_metrics_with_the_token_are_prometheus_text_and_never_cached(
    agent_client, anonymous_client, settings
):
    settings.METRICS_TOKEN = TOKEN
    agent_client.get(reverse("home"))  # a session's request, so that something is counted
    response = anonymous_client.get(
        reverse("metrics"), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    for name in (
        "membercare_upstream_seconds",
        "membercare_upstream_items_total",
        "membercare_member_cache_total",
        "membercare_quota_rejections_total",
        "membercare_lookups_total",
        "membercare_audit_write_failures_total",
        'membercare_http_responses_total{status_class="2xx"}',
    ):
        assert name in text
    assert ("membercare_breaker_state" in text) == (breaker_state() is not None)


# --- What is counted ----------------------------------------------------------------------------


def test_a_search_counts_its_call_its_item_code_its_outcome_and_the_cache(agent_client, capillary):
    answer_member(capillary)
    calls = value("membercare_upstream_seconds_count", call="customer", outcome="ok")
    retrieved = value("membercare_upstream_items_total", code="1000")
    found = value("membercare_lookups_total", via="search", outcome="ok")
    misses = value("membercare_member_cache_total", record="search", result="miss")
    hits = value("membercare_member_cache_total", record="member", result="hit")

    agent_client.post(reverse("search"), {"q": "demo.gold@example.com"})
    agent_client.get(reverse("customer", args=[GOLD]))  # from the record the search kept

    assert value("membercare_upstream_seconds_count", call="customer", outcome="ok") == calls + 1
    assert value("membercare_upstream_items_total", code="1000") == retrieved + 1
    assert value("membercare_lookups_total", via="search", outcome="ok") == found + 1
    assert value("membercare_member_cache_total", record="search", result="miss") == misses + 1
    assert value("membercare_member_cache_total", record="member", result="hit") >= hits + 1


def test_a_member_capillary_does_not_have_counts_as_not_found_with_its_item_code(
    agent_client, capillary
):
    body = envelope(failed_item({"email": "nobody@example.com"}, 1012), code=500)
    capillary.get(ENDPOINT, json=body, status=500)
    not_found = value("membercare_upstream_seconds_count", call="customer", outcome="not_found")
    code = value("membercare_upstream_items_total", code="1012")
    lookups = value("membercare_lookups_total", via="search", outcome="not_found")

    agent_client.post(reverse("search"), {"q": "nobody@example.com"})

    assert (
        value("membercare_upstream_seconds_count", call="customer", outcome="not_found")
        == not_found + 1
    )
    assert value("membercare_upstream_items_total", code="1012") == code + 1
    assert value("membercare_lookups_total", via="search", outcome="not_found") == lookups + 1


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        ({"body": requests.ConnectTimeout()}, "timeout"),
        ({"body": requests.ReadTimeout()}, "timeout"),
        ({"body": requests.ConnectionError()}, "unavailable"),
        ({"status": 503}, "unavailable"),
        ({"status": 429, "headers": {"Retry-After": "30"}}, "rate_limited"),
        ({"status": 200, "body": "<html>gateway</html>"}, "malformed"),
    ],
)
def test_a_failed_call_is_timed_under_its_outcome_and_adds_no_item_code(
    agent_client, capillary, reply, outcome
):
    capillary.get(ENDPOINT, **reply)
    before = value("membercare_upstream_seconds_count", call="customer", outcome=outcome)
    none = value("membercare_upstream_items_total", code="none")

    agent_client.post(reverse("search"), {"q": "demo.gold@example.com"})

    after = value("membercare_upstream_seconds_count", call="customer", outcome=outcome)
    assert after == before + 1
    assert value("membercare_upstream_items_total", code="none") == none


def test_a_bulk_lookup_is_one_timed_call_and_one_item_code_per_member(
    group_admin_client, capillary
):
    body = envelope(full_view_item(), failed_item({"email": "nobody@example.com"}, 1012), code=201)
    capillary.get(ENDPOINT, json=body)
    calls = value("membercare_upstream_seconds_count", call="bulk", outcome="ok")
    codes = value("membercare_upstream_items_total", code="1012")
    lines = value("membercare_lookups_total", via="bulk", outcome="not_found")

    lookup = "demo.gold@example.com\nnobody@example.com"
    response = group_admin_client.post(reverse("bulk-lookup"), {"identifiers": lookup})
    assert response.status_code == 200

    assert value("membercare_upstream_seconds_count", call="bulk", outcome="ok") == calls + 1
    assert value("membercare_upstream_items_total", code="1012") == codes + 1
    assert value("membercare_lookups_total", via="bulk", outcome="not_found") == lines + 1


def test_an_audit_event_that_cannot_be_written_is_counted_and_still_raised(agent):
    failures = value("membercare_audit_write_failures_total")
    table = connection.ops.quote_name("audit_auditevent")
    with transaction.atomic():  # rolled back with the test: the table comes back
        with connection.cursor() as cursor:  # a real failure: the table is not there
            cursor.execute(f"ALTER TABLE {table} RENAME TO audit_elsewhere")
        with pytest.raises(DatabaseError):
            record(action="sign_in", actor=agent)
        transaction.set_rollback(True)
    assert value("membercare_audit_write_failures_total") == failures + 1


def test_an_unknown_audit_action_is_a_bug_not_a_write_failure(agent):
    failures = value("membercare_audit_write_failures_total")
    with pytest.raises(ValueError, match="no_such_action"):
        record(action="no_such_action", actor=agent)
    assert value("membercare_audit_write_failures_total") == failures


# --- Several processes --------------------------------------------------------------------------

COUNT_ONE_LOOKUP = """
import django; django.setup()
from membercare import metrics
metrics.LOOKUPS.labels(via="search", outcome="ok").inc()
"""
EXPOSE = """
import django; django.setup()
from membercare import metrics
print(metrics.exposition().decode())
"""


def run(code: str, multiproc_dir: Path) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    return result.stdout


def test_with_a_multiprocess_directory_metrics_add_up_every_process(tmp_path):
    for _ in range(3):  # three workers, one lookup each, each process gone afterwards
        run(COUNT_ONE_LOOKUP, tmp_path)
    text = run(EXPOSE, tmp_path)  # a fourth answers the scrape
    assert 'membercare_lookups_total{outcome="ok",via="search"} 3.0' in text
