"""Each persona in a real browser: what an agent, a store manager and an admin get to see and do."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import reach, screenshot, sign_in


def open_member(page: Page, text: str) -> None:
    page.get_by_label("Find a member").fill(text)
    page.get_by_label("Find a member").press("Enter")
    page.locator("#customer-view").wait_for()


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_agent_verifies_a_caller_without_seeing_the_value(page: Page, app: str):
    sign_in(page, app, "agent")
    open_member(page, "demo.gold@example.com")
    profile = page.locator("#profile")
    expect(profile).to_contain_text("d•••@example.com")

    profile.get_by_label("What the caller says").fill("+91 98000 00002")
    profile.get_by_role("button", name="Check").click()
    expect(profile.get_by_role("status")).to_have_text("✓ Match")
    expect_accessible(page, "verify, a match")
    profile.get_by_label("What the caller says").fill("98000 00003")
    profile.get_by_role("button", name="Check").click()
    expect(profile.get_by_role("status")).to_have_text("✗ No match")
    expect(profile).not_to_contain_text("919800000002")
    expect_accessible(page, "verify, no match")
    screenshot(page, "verify")


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_agent_reveals_one_field_with_a_reason_for_that_view_only(page: Page, app: str):
    sign_in(page, app, "agent")
    open_member(page, "demo.gold@example.com")
    profile = page.locator("#profile")
    email_row = profile.locator("dd").filter(has_text="@example.com")
    email_row.locator("summary").click()
    expect_accessible(page, "reveal, the reason asked")
    email_row.get_by_label("Why do you need to see it?").fill("caller is updating their email")
    email_row.get_by_role("button", name="Reveal").click()
    expect(profile).to_contain_text("demo.gold@example.com")
    expect(profile.locator(".badge.revealed")).to_have_count(1)
    expect(profile).to_contain_text("••••••••0002")  # the mobile stays masked
    expect_accessible(page, "reveal, revealed")
    screenshot(page, "reveal")

    page.reload()
    expect(page.locator("#profile")).not_to_contain_text("demo.gold@example.com")


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_store_manager_sees_tiers_and_points_but_no_contact_coupons_or_fraud(page: Page, app: str):
    sign_in(page, app, "manager")
    open_member(page, "demo.fraud.confirmed@example.com")
    expect(page.locator("#tiers")).to_be_visible()
    expect(page.locator("#points")).to_be_visible()
    expect(page.locator("#coupons")).to_have_count(0)
    expect(page.locator(".banner.fraud")).to_have_count(0)
    expect(page.locator("#profile")).not_to_contain_text("demo.fraud.confirmed@example.com")
    expect(page.locator("#profile .reveal")).to_have_count(0)
    expect(reach(page, "#transactions").locator("h2")).to_have_text(
        "Recent transactions at your store"
    )
    expect_accessible(page, "store manager's customer view")
    screenshot(page, "store-manager")


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_admin_previews_a_member_as_another_group(page: Page, app: str):
    sign_in(page, app, "admin")
    page.goto(f"{app}/access/groups/")
    expect_accessible(page, "access groups")
    page.get_by_role("link", name="Store managers").first.click()
    page.get_by_label("Capillary user ID").fill("50000006")
    expect_accessible(page, "access group")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-banner")).to_contain_text("Store managers")
    expect(page.locator("#tiers")).to_be_visible()
    expect(page.locator("#coupons")).to_have_count(0)
    expect(page.locator(".banner.fraud")).to_have_count(0)
    expect_accessible(page, "preview as a group")
    screenshot(page, "preview-as-group")
