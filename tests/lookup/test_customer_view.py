"""The customer view and its panels, against the sandbox over real HTTP."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

GOLD, DIAMOND, COUPONS, CONFIRMED, MARKED, NEAR = (
    50000002,
    50000004,
    50000005,
    50000006,
    50000007,
    50000011,
)
PANELS = {
    "customer-profile": "profile",
    "customer-tiers": "tiers",
    "customer-points": "points",
    "customer-coupons": "coupons",
    "customer-transactions": "transactions",
}


def section(html: str, panel_id: str) -> str:
    match = re.search(rf'<section id="{panel_id}".*?</section>', html, re.S)
    assert match, f"no #{panel_id} panel"
    return match.group(0)


def test_customer_view_shows_every_panel_from_one_upstream_call(agent_client, upstream):
    response = agent_client.get(reverse("customer", args=[GOLD]))
    assert response.status_code == 200
    html = response.content.decode()
    for panel_id in PANELS.values():
        section(html, panel_id)
    assert "d•••@example.com" in section(html, "profile")  # masked for agents
    assert "demo.gold@example.com" not in html
    assert re.search(r"as of \d\d:\d\d", html)
    assert upstream.count == 1
    params = parse_qs(urlsplit(upstream.requests[0].url).query)
    assert params["mlp"] == ["true"]
    assert params["coupon_limit"] == ["31"]  # three pages of coupons, and one more


def test_reopening_within_the_ttl_makes_no_upstream_call(agent_client, upstream):
    agent_client.get(reverse("customer", args=[GOLD]))
    upstream.reset()
    agent_client.get(reverse("customer", args=[GOLD]))
    for name in PANELS:
        agent_client.get(reverse(name, args=[GOLD]), headers={"HX-Request": "true"})
    assert upstream.count == 0


def test_refresh_bypasses_the_cache(agent_client, upstream):
    agent_client.get(reverse("customer", args=[GOLD]))
    response = agent_client.post(
        reverse("customer-refresh", args=[GOLD]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="customer-view"' in response.content.decode()
    assert upstream.count == 2


@pytest.mark.parametrize(("name", "panel_id"), PANELS.items())
def test_each_panel_is_a_partial_for_htmx_and_the_whole_page_without_js(
    agent_client, name, panel_id
):
    url = reverse(name, args=[GOLD])
    partial = agent_client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode().strip()
    assert body.startswith(f'<section id="{panel_id}"')
    assert "<html" not in body

    page = agent_client.get(url)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert f'<section id="{panel_id}"' in page.content.decode()


def test_pages_with_personal_data_are_never_stored_and_vary_on_htmx(agent_client):
    response = agent_client.get(reverse("customer", args=[GOLD]))
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]
    assert 'hx-history="false"' in response.content.decode()


def test_strict_csp_with_no_inline_script(agent_client):
    response = agent_client.get(reverse("customer", args=[GOLD]))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag
        assert "nonce=" in tag
    assert "hx-on" not in html
    assert " style=" not in html


def test_tier_bars_show_the_real_percentage(agent_client):
    html = agent_client.get(reverse("customer", args=[NEAR])).content.decode()
    tiers = section(html, "tiers")
    assert '<progress max="100" value="96"' in tiers
    assert "Platinum" in tiers


def test_top_tier_member_has_a_clear_top_tier_state(agent_client):
    tiers = section(agent_client.get(reverse("customer", args=[DIAMOND])).content.decode(), "tiers")
    assert "Top tier: nothing above Diamond." in tiers


@pytest.mark.parametrize(("user_id", "status"), [(CONFIRMED, "Confirmed"), (MARKED, "Marked")])
def test_flagged_member_has_a_fraud_banner_at_the_top(agent_client, user_id, status):
    html = agent_client.get(reverse("customer", args=[user_id])).content.decode()
    banner = re.search(r'<div class="banner fraud" role="alert">.*?</div>', html, re.S)
    assert banner, "no fraud banner"
    assert f"Fraud: {status}" in banner.group(0)
    assert html.index("banner fraud") < html.index('id="profile"')


def test_unflagged_member_has_no_fraud_banner(agent_client):
    html = agent_client.get(reverse("customer", args=[GOLD])).content.decode()
    assert "banner fraud" not in html


def test_points_expiry_chart_has_twelve_months(agent_client):
    points = section(agent_client.get(reverse("customer", args=[GOLD])).content.decode(), "points")
    assert points.count("<rect ") == 12
    assert "Points expiring per month over the next 12 months" in points


def coupon_codes(html: str) -> list[str]:
    return re.findall(r'<td class="mono">([^<]+)</td>', section(html, "coupons"))


def test_coupon_pages_two_and_three_come_from_the_first_views_call(agent_client, upstream):
    first = agent_client.get(reverse("customer", args=[COUPONS])).content.decode()
    page_one = coupon_codes(first)
    assert len(page_one) == 10
    assert 'rel="next"' in section(first, "coupons")

    upstream.reset()
    url = reverse("customer-coupons", args=[COUPONS])
    pages = [
        coupon_codes(
            agent_client.get(f"{url}?page={n}", headers={"HX-Request": "true"}).content.decode()
        )
        for n in (2, 3)
    ]

    assert upstream.count == 0
    assert [len(page) for page in pages] == [10, 10]
    assert len(set(page_one) | set(pages[0]) | set(pages[1])) == 30


def test_coupon_pages_past_the_third_are_one_narrow_call_each(agent_client, upstream):
    agent_client.get(reverse("customer", args=[COUPONS]))
    upstream.reset()
    url = reverse("customer-coupons", args=[COUPONS])
    fourth = agent_client.get(
        f"{url}?page=4&order=created_date&dir=desc", headers={"HX-Request": "true"}
    )
    assert len(coupon_codes(fourth.content.decode())) == 10
    assert upstream.count == 1
    params = parse_qs(urlsplit(upstream.requests[0].url).query)
    assert params["coupon_offset"] == ["30"]
    assert params["coupon_limit"] == ["11"]
    assert "mlp" not in params
    assert "transactions" not in params
    assert params["registered_store"] == ["false"]

    back = agent_client.get(
        f"{url}?page=1&order=created_date&dir=desc", headers={"HX-Request": "true"}
    )
    assert upstream.count == 1  # the first page is the record's again
    assert len(coupon_codes(back.content.decode())) == 10


def test_last_coupon_page_has_no_next(agent_client):
    url = reverse("customer-coupons", args=[COUPONS])
    html = agent_client.get(f"{url}?page=25", headers={"HX-Request": "true"}).content.decode()
    assert len(coupon_codes(html)) == 10
    assert 'rel="next"' not in html


def test_coupons_reorder_by_expiry_and_filter_by_status(agent_client):
    url = reverse("customer-coupons", args=[COUPONS])
    html = agent_client.get(
        f"{url}?order=valid_till&dir=asc&status=active", headers={"HX-Request": "true"}
    ).content.decode()
    panel = section(html, "coupons")
    statuses = re.findall(r'class="badge coupon-(\w+)"', panel)
    assert statuses
    assert set(statuses) == {"active"}


@pytest.mark.parametrize("query", ["page=0", "page=abc", "order=nonsense", "status=gone", "dir=up"])
def test_bad_coupon_controls_get_a_message_not_a_500(agent_client, upstream, query):
    url = reverse("customer-coupons", args=[COUPONS])
    response = agent_client.get(f"{url}?{query}", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Those coupon settings aren't valid." in response.content.decode()
    assert upstream.count == 0


def test_transactions_filter_by_type(agent_client, upstream):
    agent_client.get(reverse("customer", args=[GOLD]))
    upstream.reset()
    url = reverse("customer-transactions", args=[GOLD])
    response = agent_client.get(f"{url}?type=RETURN", headers={"HX-Request": "true"})
    assert response.status_code == 200
    panel = section(response.content.decode(), "transactions")
    assert set(re.findall(r"<td>(Regular|Return|Mixed)</td>", panel)) <= {"Return"}
    assert upstream.count == 1
    assert parse_qs(urlsplit(upstream.requests[0].url).query)["type"] == ["RETURN"]


def test_unknown_user_id_gets_a_not_found_page(agent_client):
    response = agent_client.get(reverse("customer", args=[99999999]))
    assert response.status_code == 404
    assert "Member not found" in response.content.decode()


def test_upstream_down_shows_retry_in_each_panel_and_the_page_still_works(agent_client):
    response = agent_client.get(reverse("customer", args=[50000022]))  # the "error" fault member
    assert response.status_code == 503
    html = response.content.decode()
    assert 'id="search"' in html
    for _name, panel_id in PANELS.items():
        panel = section(html, panel_id)
        assert "Capillary didn&#x27;t answer." in panel
        assert 'hx-get="' in panel
        assert ">Retry</a>" in panel


def test_rate_limited_panel_says_when_to_retry(agent_client):
    response = agent_client.get(
        reverse("customer-points", args=[50000023]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 503
    assert "Capillary is busy." in response.content.decode()
    assert "Retry in 30 s." in response.content.decode()


def test_a_custom_upgrade_expression_reads_in_plain_words(agent_client):
    tiers = section(
        agent_client.get(reverse("customer", args=[50000003])).content.decode(), "tiers"
    )
    assert "Next: <strong>Diamond</strong>" in tiers
    assert re.search(r"Upgrade on purchases and current points, or [^<]+\.", tiers)


def test_verify_when_capillary_fails_shows_the_problem_after_one_call(agent_client, upstream):
    url = reverse("customer-verify", args=[50000022])  # the "error" fault member
    response = agent_client.post(
        url, {"field": "email", "value": "x@example.com"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 503
    assert "Capillary didn&#x27;t answer." in response.content.decode()
    assert upstream.count == 1
