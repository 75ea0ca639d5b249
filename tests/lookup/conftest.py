"""Capillary replayed at the HTTP boundary, for the customer page's unit and audit tests."""

from collections.abc import Iterator

import pytest
import responses

from tests.capillary.conftest import envelope, failed_item, full_view_item

BASE = "http://capillary.test"  # .test never resolves: nothing here reaches a network
ENDPOINT = f"{BASE}/v1.1/customer/get"
GOLD = 50000002  # the member of tests/capillary/recorded/full-view-gold.json


@pytest.fixture
def capillary(settings) -> Iterator[responses.RequestsMock]:
    settings.CAPILLARY_BASE_URL = BASE
    settings.CAPILLARY_RETRIES = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def answer_member(mock: responses.RequestsMock, *, request_id: str = "req-member") -> None:
    mock.get(ENDPOINT, json=envelope(full_view_item()), headers={"X-Cap-Requestid": request_id})


def answer_gone(mock: responses.RequestsMock, *, code: int, request_id: str = "req-gone") -> None:
    """Capillary's answer for a member it has not (item 1012) or no longer has (8109)."""
    body = envelope(failed_item({"user_id": str(GOLD)}, code), code=500)
    mock.get(ENDPOINT, json=body, status=500, headers={"X-Cap-Requestid": request_id})


def answer_busy(mock: responses.RequestsMock, *, request_id: str = "req-busy") -> None:
    headers = {"Retry-After": "12", "X-Cap-Requestid": request_id}
    mock.get(ENDPOINT, status=429, headers=headers)
