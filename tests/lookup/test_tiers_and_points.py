"""Issue 11's caller questions in the tier and points panels and the profile, against the sandbox
over real HTTP: "when do I reach the next tier?" (the what-if), "what are my points worth?"
(worth, available, pending, promotion points, the history, the reconciliation), and the rest of
the record (programs, segments, cards, Capillary's warnings)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from membercare.access.capabilities import Cap
from membercare.audit.models import AuditEvent
from tests.lookup.test_customer_view import section
from tests.lookup.test_group_preview import previewer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

GOLD, PLATINUM, DIAMOND, CONFIRMED, PARTIAL = 50000002, 50000003, 50000004, 50000006, 50000013
HTMX = {"HX-Request": "true"}


def sent(request) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}


def text(html: str) -> str:
    """What a person reads: tags gone, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- Item 3: "when do I reach the next tier?" ---------------------------------------------------


def test_the_tier_panel_offers_in_n_days_with_30_by_default_and_asks_nothing_more(
    agent_client, upstream
):
    tiers = section(
        agent_client.get(reverse("customer", args=[PLATINUM])).content.decode(), "tiers"
    )
    assert upstream.count == 1  # the view's one call: no what-if until the agent asks
    assert re.search(r'<form method="get" action="/customers/50000003/tiers/"', tiers)
    assert re.search(
        r'<input type="number" name="days" value="30"[^>]*min="0"[^>]*max="365"', tiers
    )
    assert "In 30 days" not in tiers


def test_in_n_days_is_one_call_asking_only_for_tier_data(agent_client, upstream):
    agent_client.get(reverse("customer", args=[PLATINUM]))
    upstream.reset()
    url = reverse("customer-tiers", args=[PLATINUM])
    response = agent_client.get(url, {"days": "30"}, headers=HTMX)
    assert response.status_code == 200
    assert upstream.count == 1
    params = sent(upstream.requests[0])
    assert params["gap_to_upgrade_for"] == params["gap_to_renew_for"] == "30"
    assert params["coupon_limit"] == "0"
    asked = {name for name, value in params.items() if value == "true"}
    assert asked == {"user_id", "mlp", "tier_upgrade_criteria", "membership_retention_criteria"}
    # Asked again within the TTL: from the cache.
    agent_client.get(url, {"days": "30"}, headers=HTMX)
    assert upstream.count == 1


def test_the_two_year_tracker_gap_grows_and_says_why(agent_client):
    url = reverse("customer-tiers", args=[PLATINUM])
    html = agent_client.get(url, {"days": "30"}, headers=HTMX).content.decode()
    assert html.strip().startswith('<section id="tiers"')
    words = text(html)
    assert "with no purchase after today" in words
    # Today 61,946 of 250,000 on the 730-day window; in 30 days its oldest purchases have left it.
    assert re.search(r"of the purchases leave the 730-day window by \d+ \w+ 20\d\d", words)
    assert re.search(r'<progress class="later" max="100" value="\d+"', html)
    # Dining's calendar-year tracker starts again on 1 January.
    assert re.search(r"The Dining Spend This Year count starts again on 1 Jan 20\d\d", words)


def test_the_tier_panel_shows_the_upgrade_and_retention_criteria_with_the_what_if(agent_client):
    url = reverse("customer-tiers", args=[PLATINUM])
    words = text(agent_client.get(url, {"days": "30"}, headers=HTMX).content.decode())
    assert "Upgrade to Diamond Diamond: lifetime purchases of 200,000 and current points" in words
    assert "Keep Platinum visits 12 · purchases 60,000 · points 6,000" in words


def test_zero_days_shows_no_moving_gap(agent_client):
    url = reverse("customer-tiers", args=[PLATINUM])
    html = agent_client.get(url, {"days": "0"}, headers=HTMX).content.decode()
    assert "In 0 days" in text(html)
    assert 'class="what-if-reason"' not in html


@pytest.mark.parametrize("days", ["366", "-1", "soon", ""])
def test_days_outside_0_to_365_are_refused_before_any_call(agent_client, upstream, days):
    agent_client.get(reverse("customer", args=[PLATINUM]))
    upstream.reset()
    url = reverse("customer-tiers", args=[PLATINUM])
    response = agent_client.get(url, {"days": days}, headers=HTMX)
    assert response.status_code == 400
    assert upstream.count == 0
    assert 'class="feedback bad" role="alert"' in response.content.decode()


def test_in_n_days_works_without_js_as_the_whole_page(agent_client):
    response = agent_client.get(reverse("customer-tiers", args=[PLATINUM]), {"days": "45"})
    html = response.content.decode()
    assert "<html" in html
    assert "In 45 days" in text(section(html, "tiers"))
    assert 'value="45"' in section(html, "tiers")


def test_the_what_if_is_audited_with_its_days(agent_client):
    agent_client.get(reverse("customer-tiers", args=[PLATINUM]), {"days": "30"}, headers=HTMX)
    event = AuditEvent.objects.filter(action="view_panel").latest("id")
    assert event.detail == {"panel": "tiers", "what_if_days": 30}
    assert event.member_id == PLATINUM


def test_a_top_tier_member_says_so_in_words(agent_client):
    tiers = section(agent_client.get(reverse("customer", args=[DIAMOND])).content.decode(), "tiers")
    assert "already in the highest tier: nothing to upgrade to. (91012)" in text(tiers)


def test_a_failed_points_service_says_why_tiers_and_points_are_missing(agent_client):
    html = agent_client.get(reverse("customer", args=[PARTIAL])).content.decode()
    assert "Tier details are not available: Capillary's points service failed (91001)." in text(
        section(html, "tiers")
    )
    assert "Points details are not available: Capillary's points service failed (91001)." in text(
        section(html, "points")
    )


@pytest.mark.parametrize(
    ("name", "params", "lacking"),
    [
        ("customer-tiers", {"days": "30"}, Cap.TIERS),
        ("customer-points", {"detail": "1"}, Cap.POINTS),
    ],
)
def test_the_what_if_and_points_detail_need_their_capability(upstream, name, params, lacking):
    granted = {Cap.LOOKUP, Cap.TIERS, Cap.POINTS} - {lacking}
    client = previewer(f"without-{lacking.value}", *granted)
    response = client.get(reverse(name, args=[PLATINUM]), params, headers=HTMX)
    assert response.status_code == 403
    assert upstream.count == 0


# --- Item 4: "what are my points worth?" --------------------------------------------------------


def test_each_program_shows_its_points_worth_available_and_pending(agent_client, settings):
    settings.PROGRAM_CURRENCIES = {"1": "INR", "*": "INR"}
    points = section(
        agent_client.get(reverse("customer", args=[PLATINUM])).content.decode(), "points"
    )
    words = text(points)
    # Aurora Rewards: 5,194 points at 0.25 a point; Aurora Dining: 4,033 at 0.1.
    assert "Aurora Rewards 5,194 points worth INR 1,298.50" in words
    assert (
        "1 point = INR 0.25 · 5,194 available for redemption (INR 1,298.50) · 366 pending" in words
    )
    assert "Aurora Dining 4,033 points worth INR 403.30" in words


def test_without_a_configured_currency_the_worth_says_so(agent_client, settings):
    settings.PROGRAM_CURRENCIES = {}
    words = text(
        section(agent_client.get(reverse("customer", args=[PLATINUM])).content.decode(), "points")
    )
    assert "5,194 points worth 1,298.50" in words
    assert "1 point = 0.25 in the program's currency" in words


def test_each_programs_figures_are_reconciled(agent_client):
    words = text(
        section(agent_client.get(reverse("customer", args=[PLATINUM])).content.decode(), "points")
    )
    assert (
        "✓ The figures add up: 5,621 lifetime − 189 redeemed − 407 expired − 69 returned + 238 "
        "adjusted = 5,194 current points." in words
    )


def test_the_expiry_headline_and_schedule_name_the_program(agent_client):
    points = section(agent_client.get(reverse("customer", args=[GOLD])).content.decode(), "points")
    headline = re.search(r'<p class="next-expiry">.*?</p>', points, re.S)
    assert headline
    assert re.search(r"[\d,]+ Aurora (Rewards|Dining) points expire on", text(headline.group(0)))
    schedule = re.search(r"<details><summary>Expiry schedule.*?</details>", points, re.S)
    assert schedule
    assert "Aurora Rewards" in schedule.group(0)
    assert not re.search(r"<td>[12]</td>", schedule.group(0))  # no program ids
    expired = points[points.index("<h3>Expired</h3>") :]
    assert re.search(r"<td>Aurora (Rewards|Dining)</td>", expired)


def test_points_detail_is_one_call_asking_only_for_points(agent_client, upstream):
    agent_client.get(reverse("customer", args=[GOLD]))
    upstream.reset()
    url = reverse("customer-points", args=[GOLD])
    response = agent_client.get(url, {"detail": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert upstream.count == 1
    params = sent(upstream.requests[0])
    asked = {name for name, value in params.items() if value == "true"}
    assert asked == {
        "user_id",
        "mlp",
        "points_summary",
        "promotion_points",
        "delayed_accrual",
        "expiry_schedule",
        "expired_points",
    }
    assert params["coupon_limit"] == "0"
    agent_client.get(url, {"detail": "1"}, headers=HTMX)
    assert upstream.count == 1  # cached


def test_points_detail_shows_pending_promotion_points_and_the_history(agent_client):
    url = reverse("customer-points", args=[GOLD])
    html = agent_client.get(url, {"detail": "1"}, headers=HTMX).content.decode()
    detail = re.search(r'<div id="points-detail".*?</div>', html, re.S)
    assert detail
    words = text(detail.group(0))
    # Pending: 239 in Aurora Rewards over three bills, each with its release date.
    assert re.search(r"Aurora Rewards 213 \d+ \w+ 20\d\d \d+ \w+ 20\d\d BILL-D\d+", words)
    # Promotion points with the issuing store and expiry.
    assert re.search(r"Aurora Dining 399 \d+ \w+ 20\d\d Aurora Online \d+ \w+ 20\d\d", words)
    assert "(on a bill)" in words  # the bill-level promotion
    # The history names its program; issued and redeemed lines.
    assert "Points history (Aurora Rewards)" in words
    assert re.search(r"\+292 Issued on a bill BILL-33000007 Aurora Online", words)
    assert re.search(r"−333 Redeemed BILL-33000010 Aurora Online", words)
    assert "Promotion" in words


def test_points_detail_works_without_js(agent_client):
    response = agent_client.get(reverse("customer-points", args=[GOLD]), {"detail": "1"})
    html = response.content.decode()
    assert "<html" in html
    assert 'id="points-detail"' in section(html, "points")


def test_the_first_view_links_to_the_points_detail(agent_client):
    points = section(agent_client.get(reverse("customer", args=[GOLD])).content.decode(), "points")
    assert (
        '<a href="/customers/50000002/points/?detail=1" '
        'hx-get="/customers/50000002/points/?detail=1">' in points
    )


# --- Item 5: the rest of the record --------------------------------------------------------------


def test_the_profile_lists_programs_with_partner_programs_segments_and_card_expiry(agent_client):
    profile = section(
        agent_client.get(reverse("customer", args=[GOLD])).content.decode(), "profile"
    )
    words = text(profile)
    assert "Aurora Rewards Default Gold 1 point = 0.25" in words
    assert "Aurora Plus supplementary, 365 days" in words
    assert "SkyMiles Partners external · tiers Blue, Silver, Gold" in words
    assert "Aurora Dining Club supplementary, 30 days" in words
    assert "Spend band MEDIUM" in words
    assert re.search(r"Aurora Rewards Card Active expires \d+ \w+ 20\d\d", words)


def test_a_fraud_warning_is_said_in_words_to_those_who_see_fraud(agent_client, manager_client):
    url = reverse("customer", args=[CONFIRMED])
    assert "Capillary has this member marked as fraud. (618)" in text(
        section(agent_client.get(url).content.decode(), "profile")
    )
