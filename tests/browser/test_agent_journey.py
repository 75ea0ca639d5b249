"""The agent's journey in a real browser: sign in, find members, read their view, survive faults."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import reach, screenshot, search, sign_in

pytestmark = pytest.mark.usefixtures("agent")


def test_agent_signs_in_and_the_search_box_has_focus(page: Page, app: str):
    sign_in(page, app)
    expect(page.get_by_label("Find a member")).to_be_focused()
    expect(page.locator(".who")).to_have_text("Agent")
    expect_accessible(page, "search")
    screenshot(page, "search")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("demo.near@example.com", ""),
        ("+91 98000 00011", ""),
        ("DEMO-NEAR", "external_id"),
        ("7100 0000 0000 0011", ""),
        ("50000011", "id"),
    ],
)
def test_agent_finds_a_member_by_each_identifier_kind(page: Page, app: str, text: str, kind: str):
    sign_in(page, app)
    search(page, text, kind)
    expect(page).to_have_url(f"{app}/customers/50000011/")
    expect(page.locator("#tiers")).to_contain_text("Platinum")
    if kind != "id":
        assert text.split()[0] not in page.url
    expect_accessible(page, "customer view")


def test_tier_bars_show_the_right_percentages(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.near@example.com")
    bar = page.locator("#tiers progress").first
    expect(bar).to_have_attribute("value", "96")
    expect(page.locator("#tiers .percent").first).to_have_text("96%")
    expect_accessible(page, "customer view, tiers")
    screenshot(page, "customer-view")


def test_agent_pages_coupons_forward_and_back_and_reorders_them(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.coupons@example.com")
    panel = reach(page, "#coupons")
    expect(panel.locator("td.mono")).to_have_count(10)
    first_page = panel.locator("td.mono").all_inner_texts()

    panel.get_by_role("link", name="Next", exact=True).click()
    expect(panel.get_by_text("Page 2")).to_be_visible()
    expect(panel.locator("td.mono")).to_have_count(10)
    expect_accessible(page, "coupons, page 2")
    second_page = panel.locator("td.mono").all_inner_texts()
    assert not set(first_page) & set(second_page)
    expect(page).to_have_url(f"{app}/customers/50000005/")  # the page itself did not reload

    panel.get_by_role("link", name="Previous", exact=True).click()
    expect(panel.get_by_text("Page 1")).to_be_visible()
    assert panel.locator("td.mono").all_inner_texts() == first_page

    # The menus apply together, on Apply (never on each change: issue 10).
    panel.get_by_label("Order by").select_option("valid_till")
    panel.get_by_label("Direction").select_option("asc")
    expect(panel.locator("td.mono").first).to_have_text(first_page[0])  # nothing applied yet
    panel.get_by_role("button", name="Apply").click()
    expect(panel.locator("td.mono").first).not_to_have_text(first_page[0])
    expect_accessible(page, "coupons, reordered")
    screenshot(page, "coupons")


def test_agent_sees_the_fraud_banner(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.fraud.confirmed@example.com")
    banner = page.get_by_role("alert").filter(has_text="Fraud")
    expect(banner).to_contain_text("Fraud: Confirmed")
    expect_accessible(page, "fraud banner")
    screenshot(page, "fraud-banner")


def test_agent_sees_not_found_and_pii_deleted_states(page: Page, app: str):
    sign_in(page, app)
    search(page, "nobody@example.com")
    expect(page.locator("#search-feedback")).to_contain_text("No member found")
    expect_accessible(page, "member not found")
    search(page, "demo.deleted@example.com")
    expect(page.locator("#search-feedback")).to_contain_text("deleted after a PII delete request")
    expect_accessible(page, "member deleted")
    screenshot(page, "pii-deleted")


def test_invalid_input_gets_a_message_under_the_box(page: Page, app: str):
    sign_in(page, app)
    search(page, "12ab", "mobile")
    expect(page.locator("#search-feedback")).to_contain_text("mobile")
    expect(page.get_by_label("Find a member")).to_have_attribute("aria-invalid", "true")
    expect_accessible(page, "invalid identifier")


def test_upstream_down_shows_a_retry_and_retry_works_once_it_is_back(
    page: Page, app: str, settings
):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    expect(page.locator("#profile")).to_contain_text("d•••@example.com")

    # Capillary goes away: a coupon page fails in its own panel; the rest of the page stays.
    good_url = settings.CAPILLARY_BASE_URL
    panel = reach(page, "#coupons")  # loaded from the record, before Capillary goes
    settings.CAPILLARY_BASE_URL = "http://127.0.0.1:9/sandbox"
    panel.get_by_label("Status").select_option("redeemed")
    panel.get_by_role("button", name="Apply").click()
    expect(panel.get_by_role("alert")).to_contain_text("Capillary didn't answer.")
    expect(page.locator("#profile")).to_contain_text("d•••@example.com")
    expect_accessible(page, "coupons, Capillary down")
    screenshot(page, "upstream-down")

    settings.CAPILLARY_BASE_URL = good_url
    panel.get_by_role("link", name="Retry").click()
    expect(panel.get_by_role("alert")).to_have_count(0)
    expect(panel.locator(".badge").first).to_have_text(re.compile("Redeemed"))
    expect_accessible(page, "coupons, retried")


def test_rate_limited_member_says_when_to_retry(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.ratelimited@example.com")
    expect(page.locator("#search-feedback")).to_contain_text("Capillary is busy. Retry in 30 s.")
    expect(page.locator("#search-feedback").get_by_role("button", name="Retry")).to_be_visible()
    expect_accessible(page, "rate limited")


def test_the_agent_journey_works_without_javascript(browser, app: str):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        sign_in(page, app)
        search(page, "demo.coupons@example.com")
        expect(page).to_have_url(f"{app}/customers/50000005/")
        coupons = page.locator("#coupons")
        expect(coupons.locator("td.mono")).to_have_count(10)
        coupons.get_by_role("link", name="Next", exact=True).click()
        expect(page.locator("#coupons .pager")).to_contain_text("Page 2")
        expect(page.locator("#tiers")).to_be_visible()  # the whole page, with page 2

        page.goto(f"{app}/customers/50000002/")
        page.get_by_label("What the caller says").fill("+91 98000 00002")
        page.get_by_role("button", name="Check").click()
        expect(page.locator(".verify-result")).to_have_text("✓ Match")
    finally:
        context.close()


def test_slash_brings_the_agent_back_to_the_search_box(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    page.locator("#tiers h2").click()
    expect(page.get_by_label("Find a member")).not_to_be_focused()
    page.keyboard.press("/")
    expect(page.get_by_label("Find a member")).to_be_focused()
    expect(page.get_by_label("Find a member")).to_have_value("demo.gold@example.com")
