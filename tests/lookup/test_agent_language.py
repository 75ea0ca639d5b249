"""The agent's language goes to Capillary, so extended-field labels come back in it."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import override

from membercare.access.capabilities import AGENTS
from membercare.access.models import StaffProfile
from membercare.lookup import services
from tests.conftest import make_user, signed_in
from tests.lookup.conftest import GOLD, answer_member

pytestmark = pytest.mark.django_db


def agent_speaking(language: str, username: str) -> Any:
    user = make_user(username, AGENTS)
    if language:
        StaffProfile.objects.create(user=user, language=language)
    return signed_in(user)


@pytest.mark.parametrize(
    ("language", "header"), [("ar", "ar"), ("zh-hans", "zh"), ("id", "id"), ("", "en")]
)
def test_capillary_is_asked_in_the_agents_language(capillary, language, header):
    answer_member(capillary)
    client = agent_speaking(language, "speaker")

    assert client.get(reverse("customer", args=[GOLD])).status_code == 200
    (call,) = capillary.calls
    assert call.request.headers["language"] == header


def test_a_record_kept_in_one_language_is_not_shown_to_an_agent_of_another(capillary):
    answer_member(capillary)
    arabic, chinese = agent_speaking("ar", "layla"), agent_speaking("zh-hans", "wei")

    for client in (arabic, chinese, arabic, chinese):
        assert client.get(reverse("customer", args=[GOLD])).status_code == 200

    # One call per language; the second look of each comes from its own language's record.
    assert [call.request.headers["language"] for call in capillary.calls] == ["ar", "zh"]


def test_refresh_forgets_the_member_in_every_language(capillary):
    answer_member(capillary)
    arabic, chinese = agent_speaking("ar", "layla"), agent_speaking("zh-hans", "wei")
    for client in (arabic, chinese):
        client.get(reverse("customer", args=[GOLD]))

    arabic.post(reverse("customer-refresh", args=[GOLD]))
    chinese.get(reverse("customer", args=[GOLD]))

    # Refresh (without JS: back to the page) asks nothing itself; the Chinese record is gone too.
    assert [call.request.headers["language"] for call in capillary.calls] == ["ar", "zh", "zh"]


@pytest.mark.usefixtures("live_upstream")
@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Preferred store"),
        ("ar", "المتجر المفضل"),
        ("zh-hans", "首选门店"),
        ("id", "Toko pilihan"),
    ],
)
def test_the_sandbox_labels_extended_fields_in_the_agents_language(language, label):
    with override(language):
        record = services.member_snapshot(user_id=GOLD).customer
    labels = {field.name: field.label for field in record.extended_fields}
    assert labels["preferred_store"] == label
