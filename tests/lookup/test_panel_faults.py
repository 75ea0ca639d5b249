"""One panel's trouble stays in that panel. Capillary is replayed at the HTTP boundary."""

import json
from pathlib import Path

import pytest
import responses
from django.urls import reverse

BASE = "http://capillary.test"
ENDPOINT = f"{BASE}/v1.1/customer/get"
SAMPLE = Path(__file__).parent.parent / "capillary" / "samples" / "docs-2018-customer-get-mlp.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def capillary(settings):
    settings.CAPILLARY_BASE_URL = BASE
    settings.CAPILLARY_RETRIES = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def member_answer() -> dict:
    body = json.loads(SAMPLE.read_text())
    body["customers"]["customer"]["user_id"] = "4242"
    return body


def test_a_failing_coupon_page_shows_its_problem_only_in_the_coupon_panel(agent_client, capillary):
    capillary.get(ENDPOINT, json=member_answer(), headers={"X-Cap-Requestid": "req-1"})
    page = agent_client.get(reverse("customer", args=[4242]))
    assert page.status_code == 200
    assert "T. S." in page.content.decode()  # agents see initials

    capillary.replace(
        responses.GET,
        ENDPOINT,
        status=429,
        headers={"Retry-After": "12", "X-Cap-Requestid": "req-2"},
    )
    url = reverse("customer-coupons", args=[4242])
    # Page 4: past the three pages the first view brought, so it asks Capillary.
    response = agent_client.get(f"{url}?page=4", headers={"HX-Request": "true"})
    assert response.status_code == 503
    html = response.content.decode()
    assert html.strip().startswith('<section id="coupons"')
    assert "Capillary is busy." in html
    assert "Retry in 12 s." in html
    assert "Ref. req-2" in html
    assert f'hx-get="{url}?page=4&amp;order=created_date&amp;dir=desc"' in html

    # The other panels still render from the cached record.
    tiers = agent_client.get(reverse("customer-tiers", args=[4242]), headers={"HX-Request": "true"})
    assert tiers.status_code == 200
    assert "Gold" in tiers.content.decode()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            {"body": "<html><body>502 Bad Gateway</body></html>", "status": 200},
            "couldn&#x27;t read",
        ),
        ({"body": '{"response": {"status"', "status": 200}, "couldn&#x27;t read"),
        ({"body": "", "status": 504}, "didn&#x27;t answer"),
        ({"json": {"response": {"status": {"code": 401}}}, "status": 401}, "misconfigured"),
    ],
)
def test_garbage_and_outages_become_panel_messages_never_500(
    agent_client, capillary, answer, message
):
    capillary.get(ENDPOINT, **answer)
    response = agent_client.get(reverse("customer", args=[4242]))
    assert response.status_code == 503
    assert message in response.content.decode()


def test_a_misconfigured_connection_offers_no_retry(agent_client, capillary):
    capillary.get(ENDPOINT, json={"response": {"status": {"code": 401}}}, status=401)
    html = agent_client.get(reverse("customer", args=[4242])).content.decode()
    assert "Tell your administrator." in html
    assert ">Retry</a>" not in html
