"""Hostile answers through the whole dashboard: the customer page and its panels, never a 500.

Capillary is replayed at the HTTP boundary (the `capillary` fixture); the same answers over real
sockets, with slow and broken bytes too, are in tests/capillary/test_hostile_upstream.py.
"""

from typing import Any

import pytest
from django.urls import reverse

from tests.capillary.conftest import envelope, full_view_item
from tests.lookup.conftest import ENDPOINT, GOLD

pytestmark = pytest.mark.django_db

PAGES = ["customer", "customer-profile", "customer-tiers", "customer-points", "customer-coupons"]
PAGES += ["customer-transactions"]
# Echoed identifiers must stay as they are for the answer to be matched to the question.
ECHOES = {"user_id", "id", "email", "mobile", "external_id", "card_number", "card_external_id"}


def with_every_string(value: Any, suffix: str) -> Any:
    """`value` with `suffix` added to every string in it, but the echoed identifiers."""
    if isinstance(value, dict):
        return {
            key: item if key in ECHOES else with_every_string(item, suffix)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [with_every_string(item, suffix) for item in value]
    return value + suffix if isinstance(value, str) else value


def test_lone_surrogates_in_every_field_never_break_a_page(group_admin_client, capillary):
    item = with_every_string(full_view_item(), "\ud800")
    item["firstname"] = "\udfffTom"
    capillary.get(ENDPOINT, json=envelope(item))  # json.dumps writes the escape "\ud800"

    for name in PAGES:
        response = group_admin_client.get(reverse(name, args=[GOLD]))
        assert response.status_code == 200, name
        assert "\ufffd" in response.content.decode(), name
    page = group_admin_client.get(reverse("customer", args=[GOLD])).content.decode()
    assert "\ufffdTom" in page


def test_a_lone_surrogate_in_the_name_shows_as_initials_for_an_agent(agent_client, capillary):
    item = full_view_item()
    item["firstname"] = "\ud800"
    capillary.get(ENDPOINT, json=envelope(item))

    response = agent_client.get(reverse("customer", args=[GOLD]))

    assert response.status_code == 200


def test_json_nested_too_deeply_is_the_panels_retryable_problem(agent_client, capillary):
    capillary.get(ENDPOINT, body="[" * 100_000 + "]" * 100_000)

    response = agent_client.get(reverse("customer", args=[GOLD]))

    assert response.status_code == 503
    html = response.content.decode()
    assert "Capillary sent an answer we couldn&#x27;t read." in html
    assert "Retry" in html


def test_an_answer_over_the_size_limit_is_the_panels_retryable_problem(
    agent_client, capillary, settings
):
    settings.CAPILLARY_MAX_BODY_BYTES = 4096
    item = full_view_item()
    item["notes"] = "n" * 5000
    capillary.get(ENDPOINT, json=envelope(item))

    response = agent_client.get(reverse("customer", args=[GOLD]))

    assert response.status_code == 503
    assert "Capillary sent an answer we couldn&#x27;t read." in response.content.decode()


def test_a_name_of_100000_characters_is_cut_and_the_page_stays_small(group_admin_client, capillary):
    item = full_view_item()
    item["firstname"] = "T" * 100_000
    capillary.get(ENDPOINT, json=envelope(item))

    response = group_admin_client.get(reverse("customer", args=[GOLD]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "T" * 1999 + "…" in html
    assert "T" * 2000 not in html
    assert len(html) < 100_000
