"""`manage.py capillary_check` says what is wrong with the connection, or OK with timings."""

from io import StringIO

import pytest
import requests
from django.core.management import CommandError, call_command
from django.test import override_settings

from .conftest import BASE_URL, GET_URL, envelope, failed_item, recorded

pytestmark = pytest.mark.usefixtures("capillary_settings")


@pytest.fixture
def capillary_settings():
    with override_settings(CAPILLARY_BASE_URL=BASE_URL, CAPILLARY_RETRIES=0):
        yield


def run_check() -> str:
    out = StringIO()
    call_command("capillary_check", stdout=out)
    return out.getvalue()


def test_not_found_counts_as_ok_with_round_trip_time_and_request_id(rsps):
    rsps.get(
        GET_URL,
        json=envelope(failed_item({"user_id": "1"}, 1012), code=500),
        status=500,
        headers={"X-Cap-Requestid": "req-42"},
    )

    output = run_check()

    assert output.startswith("OK: ")
    assert " ms, request id req-42" in output
    params = rsps.calls[0].request.url.split("?", 1)[1]
    assert "id=1&" in params
    assert "registered_store=false" in params
    assert "coupon_limit=0" in params


def test_a_found_member_counts_as_ok(rsps):
    rsps.get(GET_URL, json=recorded("full-view-gold.json"))
    assert run_check().startswith("OK: ")


@pytest.mark.parametrize(
    ("answer", "diagnosis"),
    [
        ({"status": 401, "json": recorded("error-401.json")}, "bad credentials"),
        (
            {"status": 403, "json": recorded("error-403-4000.json")},
            "access group lacks Customer read",
        ),
        (
            {"body": requests.ConnectTimeout()},
            "unreachable: Capillary could not be reached in time.",
        ),
        ({"body": requests.ConnectionError()}, "unreachable"),
        ({"status": 502, "body": "<html>Bad gateway</html>"}, "unreachable"),
        ({"status": 200, "body": "<html>login</html>"}, "unexpected answer"),
        ({"status": 429, "headers": {"Retry-After": "30"}}, "rate limited, retry after 30 s"),
    ],
)
def test_each_failure_is_named_and_exits_non_zero(rsps, answer, diagnosis):
    rsps.get(GET_URL, **answer)
    with pytest.raises(CommandError, match=diagnosis):
        run_check()


def test_a_missing_base_url_is_reported_as_misconfigured(rsps):
    with (
        override_settings(CAPILLARY_BASE_URL=""),
        pytest.raises(CommandError, match="misconfigured: CAPILLARY_BASE_URL is not set"),
    ):
        run_check()
