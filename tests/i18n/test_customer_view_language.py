"""The agent's customer view reads in their language: no English left among its words."""

import re

import pytest
from django.urls import reverse

from tests.lookup.conftest import GOLD, answer_member, capillary  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# Headings, buttons and labels of every panel of the view, as English writes them.
ENGLISH = [
    "Coupons",
    "Recent transactions",
    "Tier progress",
    "Points",
    "Verify the caller",
    "Profile",
    "Refresh",
    "End call",
    "Expiring",
    "Segments",
    "Previous",
    "Next",
    "Look up",
    "to go",
    "days left",
    "The figures add up",
    "A return",
]


def words(html: str) -> str:
    """The text a browser shows: tags dropped, runs of whitespace as one space."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def customer_view(client, capillary, language: str) -> str:  # noqa: F811
    answer_member(capillary)
    answer = client.get(reverse("customer", args=[GOLD]), headers={"accept-language": language})
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.parametrize("language", ["ar", "zh-hans", "id"])
def test_the_customer_view_has_no_english_left(agent_client, capillary, language):  # noqa: F811
    text = words(customer_view(agent_client, capillary, language))
    left = [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]
    assert left == [], f"{language}: {left} in {text[:400]}"


def test_the_english_view_has_those_words(agent_client, capillary):  # noqa: F811
    """The list above is the view's: in English each of these is on the page."""
    text = words(customer_view(agent_client, capillary, "en"))
    assert [word for word in ENGLISH if not re.search(rf"\b{word}\b", text)] == []


@pytest.mark.parametrize(
    ("language", "date"),
    [
        ("zh-hans", r"\d{4}年\d{1,2}月\d{1,2}日"),
        ("id", r"\d{1,2} [A-Z][a-z]+ \d{4}"),
        ("en", r"\d{1,2} [A-Z][a-z]{2} \d{4}"),
    ],
)
def test_the_customer_views_dates_are_the_languages(agent_client, capillary, language, date):  # noqa: F811
    assert re.search(date, words(customer_view(agent_client, capillary, language)))


def test_the_pager_arrows_point_the_way_the_page_reads(agent_client, capillary):  # noqa: F811
    for language, previous, following in (("en", "←", "→"), ("ar", "→", "←")):
        page = customer_view(agent_client, capillary, language)
        pager = re.search(r'<nav class="pager".*?</nav>', page, re.S)
        assert pager, language
        arrows = re.findall(r'<span\s+aria-hidden="true">(.)</span>', pager.group(0))
        assert arrows == [previous, following], language


# Capillary's codes as the view shows them in English (membercare/lookup/code_words.py): the gold
# member's card (ACTIVE), type (LOYALTY), opt-in (OPTIN), bills (REGULAR, RETURN), tier change
# (UPGRADE) and subscriptions (SUBSCRIBED, UNSUBSCRIBED; TRANS, BULK).
CODES_IN_ENGLISH = [
    "Active",
    "Loyalty",
    "Opted in",
    "Regular",
    "Return",
    "Upgrade",
    "Subscribed",
    "Unsubscribed",
    "transactional",
    "promotional",
]


@pytest.mark.parametrize("language", ["ar", "zh-hans", "id"])
def test_capillarys_codes_are_in_the_agents_language(agent_client, capillary, language):  # noqa: F811
    text = words(customer_view(agent_client, capillary, language))
    left = [word for word in CODES_IN_ENGLISH if re.search(rf"\b{word}\b", text)]
    assert left == [], f"{language}: {left}"


def test_the_english_view_shows_those_codes_in_words(agent_client, capillary):  # noqa: F811
    text = words(customer_view(agent_client, capillary, "en"))
    assert [word for word in CODES_IN_ENGLISH if not re.search(rf"\b{word}\b", text)] == []
    assert "ACTIVE" not in text
    assert "SUBSCRIBED" not in text
