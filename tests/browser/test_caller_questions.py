"""Issue 11's caller questions, each answered in at most three actions from the open customer view,
in a real browser: "when do I reach the next tier?" and "what are my points worth?"."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import reach, screenshot, search, sign_in

pytestmark = pytest.mark.usefixtures("agent")


def test_when_do_i_reach_the_next_tier(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.platinum@example.com")
    tiers = reach(page, "#tiers")
    # Today's gap is on screen; the agent asks for the gap in 30 days: one action (Show).
    expect(tiers.get_by_label("Gaps in")).to_have_value("30")
    tiers.get_by_role("button", name="Show").click()
    expect(tiers.get_by_role("status")).to_contain_text("In 30 days")
    # The page's status region says it too: a live region swapped in with its text is not read.
    expect(page.locator("#lookup-status")).to_have_text(
        re.compile(r"^In 30 days, on .+, with no purchase after today\.$")
    )
    expect(page).to_have_url(f"{app}/customers/50000003/")  # the panel alone was swapped
    expect(tiers.locator("progress.later").first).to_be_visible()
    expect(tiers.locator(".what-if-reason").first).to_contain_text(
        re.compile(r"of the purchases leave the 730-day window by")
    )
    expect(tiers).to_contain_text("Upgrade to Diamond")
    expect_accessible(page, "tiers, in 30 days")
    screenshot(page, "tier-what-if")

    # Another horizon: type it and press Enter (actions two and three).
    days = tiers.get_by_label("Gaps in")
    days.fill("365")
    days.press("Enter")
    expect(tiers.get_by_role("status")).to_contain_text("In 365 days")
    expect(tiers.get_by_label("Gaps in")).to_have_value("365")


def test_what_are_my_points_worth(page: Page, app: str, settings):
    settings.PROGRAM_CURRENCIES = {"*": "INR"}
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    points = reach(page, "#points")
    # The worth is on the open view: no action needed.
    expect(points.locator(".worth li").first).to_contain_text(
        re.compile(r"points\s+worth INR [\d,]+\.\d\d")
    )
    expect(points.locator(".reconcile.ok").first).to_contain_text("The figures add up")
    expect_accessible(page, "points, worth")
    # Pending points, promotion points and history: one action.
    points.get_by_role("link", name=re.compile("Pending and promotion points")).click()
    detail = page.locator("#points-detail")
    expect(detail).to_contain_text("Released on")
    expect(detail).to_contain_text("Aurora Online")  # a promotion's issuing store
    expect(detail).to_contain_text("Points history (Aurora Rewards)")
    expect(page).to_have_url(f"{app}/customers/50000002/")
    expect_accessible(page, "points, detail")
    screenshot(page, "points-worth")


def test_programs_segments_and_cards_in_the_profile(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    profile = reach(page, "#profile")
    expect(profile).to_contain_text("SkyMiles Partners")
    expect(profile).to_contain_text("Spend band")
    expect(profile).to_contain_text(re.compile(r"expires \d+ \w+ 20\d\d"))
    screenshot(page, "profile-programs")
