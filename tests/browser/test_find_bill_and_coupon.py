"""Issue 11's caller questions "where are my points?" (find the bill) and "is my coupon still
valid?" (find the coupon), each answered in at most three actions from the open customer view, and
End call, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import reach, screenshot, search, sign_in

pytestmark = pytest.mark.usefixtures("agent")

# Demo gold's not-interested bill in the test seed (tests/fixtures/sandbox.py, seed 7).
NOT_INTERESTED_BILL = "BILL-33000011"


def test_where_are_my_points_find_the_bill(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    bills = reach(page, "#transactions")
    # The caller reads the bill number off their receipt: type it (1), press Enter (2).
    number = bills.get_by_label("Bill number")
    number.fill(NOT_INTERESTED_BILL)
    number.press("Enter")
    expect(bills.get_by_role("status")).to_contain_text("1 bill found")
    expect(page.locator("#lookup-status")).to_have_text("1 bill found.")  # said, not only shown
    row = bills.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NOT_INTERESTED_BILL)
    expect(row.locator("td.points")).to_contain_text("0 issued · 0 redeemed")
    expect(row.locator(".why")).to_contain_text("did not ask for points on it")
    expect(page).to_have_url(f"{app}/customers/50000002/")  # the panel alone was swapped
    expect_accessible(page, "transactions, a bill found")
    screenshot(page, "find-a-bill")


def test_a_menu_choice_applies_only_on_find_bills(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    bills = reach(page, "#transactions")
    bills.get_by_label("Type").select_option("RETURN")
    page.wait_for_load_state("networkidle")
    expect(bills.get_by_role("status")).to_have_count(0)  # nothing searched yet
    bills.get_by_role("button", name="Find bills").click()
    expect(bills.get_by_role("status")).to_contain_text("found")
    for cell in bills.locator("tbody tr td:nth-child(3)").all_inner_texts():
        assert cell == "Return"


def test_bad_bill_input_is_a_message_in_the_panel(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    bills = reach(page, "#transactions")
    amount = bills.get_by_label("Amount")
    amount.fill("lots")
    amount.press("Enter")
    expect(bills.get_by_role("alert")).to_contain_text("An amount is a number")
    expect(page.locator("#profile")).to_be_visible()  # the rest of the view stays
    expect_accessible(page, "transactions, bad amount")


def test_is_my_coupon_still_valid_find_the_coupon(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.coupons@example.com")
    coupons = reach(page, "#coupons")
    # The oldest coupon, far past the pages the view holds: read it off the last page first.
    coupons.get_by_label("Direction").select_option("asc")
    coupons.get_by_role("button", name="Apply").click()
    expect(coupons.get_by_label("Direction")).to_have_value("asc")
    code = coupons.locator("td.mono").first.inner_text()
    search(page, "demo.coupons@example.com")  # a new call: the view opens as the agent finds it
    coupons = reach(page, "#coupons")

    # The caller reads the code: type it (1), press Enter (2).
    box = coupons.get_by_label("Coupon code")
    box.fill(code.lower())
    box.press("Enter")
    detail = coupons.locator("article.coupon-detail")
    expect(detail).to_have_count(1)
    expect(detail.locator("h3")).to_contain_text(code)
    expect(detail.locator(".verdict")).to_contain_text(re.compile(r"[Cc]an(not)? be redeemed"))
    verdict = detail.locator(".verdict").inner_text().strip()
    expect(page.locator("#lookup-status")).to_have_text(verdict)  # said, not only shown
    expect(detail).to_contain_text("Valid")
    expect(detail).to_contain_text("Series")
    expect(page).to_have_url(f"{app}/customers/50000005/")
    expect_accessible(page, "coupons, a coupon found")
    screenshot(page, "find-a-coupon")

    coupons.get_by_role("link", name="All coupons").click()
    expect(coupons.locator("td.mono")).to_have_count(10)


def test_end_call_clears_the_member_and_shows_a_summary_to_copy(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.gold@example.com")
    bills = reach(page, "#transactions")
    number = bills.get_by_label("Bill number")
    number.fill(NOT_INTERESTED_BILL)
    number.press("Enter")
    expect(bills.get_by_role("status")).to_contain_text("1 bill found")
    expect(page.locator("#lookup-status")).to_have_text("1 bill found.")  # said, not only shown

    # While typing in a field the shortcut types, it does not end the call.
    number.press("Alt+Shift+E")
    expect(page.locator("#customer-view")).to_be_visible()

    page.locator("#transactions h2").click()  # out of the field
    page.keyboard.press("Alt+Shift+E")
    ended = page.locator("#call-ended")
    expect(ended).to_contain_text("Call ended")
    expect(page.locator("#customer-view")).to_have_count(0)
    expect(page.get_by_label("Find a member")).to_have_value("")
    expect(page).to_have_url(f"{app}/")
    summary = page.get_by_label(re.compile("Call summary"))
    expect(summary).to_have_value(re.compile(r"^Member 50000002\n"))
    expect(summary).to_have_value(re.compile(NOT_INTERESTED_BILL))
    assert "demo.gold@example.com" not in summary.input_value()
    page.get_by_role("button", name="Copy summary").click()
    expect(ended.locator(".copy-status")).to_have_text(re.compile("Copied|Selected"))
    expect_accessible(page, "call ended")
    screenshot(page, "call-ended")


def test_the_end_call_button(page: Page, app: str):
    sign_in(page, app)
    search(page, "demo.near@example.com")
    page.get_by_role("button", name="End call").click()
    expect(page.locator("#call-ended")).to_contain_text("Member 50000011 is off the screen")
    expect(page.get_by_label("Find a member")).to_have_value("")
