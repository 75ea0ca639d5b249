"""Keyboard first (issue 10, items 4 and 5): a whole call with no mouse, focus never on <body> after
a swap, the status region's words, and the "?" cheat-sheet."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Locator, Page, expect

from tests.browser.accessibility import expect_accessible
from tests.conftest import PASSWORD, app_device, totp_code

pytestmark = pytest.mark.usefixtures("agent")

ON_BODY = "() => document.activeElement === null || document.activeElement === document.body"


def expect_focused(page: Page, locator: Locator) -> None:
    """Focus landed on `locator` once the swap settled, and is not on <body>."""
    try:
        expect(locator).to_be_focused()
    except AssertionError as error:
        active = page.evaluate("() => document.activeElement?.outerHTML.slice(0, 300)")
        raise AssertionError(f"focus is on {active}") from error
    assert not page.evaluate(ON_BODY), "focus fell to <body> after the swap"


def tab_to(page: Page, locator: Locator, *, most: int = 60) -> None:
    """Press Tab until `locator` has focus, as a keyboard user would."""
    for _ in range(most):
        if locator.evaluate("(element) => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} never got focus with Tab")


def sign_in_by_keyboard(page: Page, app: str) -> None:
    device = app_device(get_user_model().objects.get(username="agent"))
    page.goto(f"{app}/")
    # By field names, not labels: the same in every language.
    tab_to(page, page.locator("input[name=username]"))
    page.keyboard.type("agent")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    code = page.locator("input[name=code]")
    box = page.locator("#id_q")
    code.or_(box).wait_for()
    if code.is_visible():
        tab_to(page, code)
        page.keyboard.type(totp_code(device))
        page.keyboard.press("Enter")
    expect(box).to_be_focused()
    page.wait_for_load_state("load")


def status(page: Page) -> Locator:
    return page.locator("#lookup-status")


def test_a_whole_call_with_the_keyboard_alone_never_leaves_focus_on_the_body(page: Page, app: str):
    sign_in_by_keyboard(page, app)

    # Look up: the member's h1 takes focus, and the region says who opened.
    page.keyboard.type("demo.coupons@example.com")
    page.keyboard.press("Enter")
    heading = page.locator("#customer-view h1")
    expect_focused(page, heading)
    name = heading.inner_text().strip()
    expect(status(page)).to_have_text(re.compile(rf"^{re.escape(name)}(, .+,)? opened$"))
    expect(page.get_by_role("status").filter(has_text="opened")).to_have_count(1)
    expect_accessible(page, "keyboard: a member opened")

    # 4: the coupons panel; n and p page it, focus stays on the pager (or its heading).
    page.keyboard.press("4")
    coupons = page.locator("#coupons")
    expect_focused(page, page.locator("#coupons-title"))
    page.keyboard.press("n")
    expect(coupons.get_by_text("Page 2")).to_be_visible()
    expect_focused(page, coupons.locator("a[rel=next]"))
    expect(status(page)).to_have_text("Coupons page 2")
    expect_accessible(page, "keyboard: coupons, page 2")
    page.keyboard.press("p")
    expect(coupons.get_by_text("Page 1")).to_be_visible()
    expect_focused(page, page.locator("#coupons-title"))  # no Previous on page 1: its heading
    expect(status(page)).to_have_text("Coupons page 1")

    # A filter, on a deliberate Apply: Tab to it, choose with the arrows, Tab to Apply, Enter.
    tab_to(page, coupons.get_by_label("Status"))
    page.keyboard.press("ArrowDown")
    tab_to(page, coupons.get_by_role("button", name="Apply"))
    page.keyboard.press("Enter")
    expect(page.locator("#coupons .htmx-request")).to_have_count(0)
    expect_focused(page, page.locator("#coupons-title"))

    # v: the verify field; Esc leaves it for the profile's heading.
    page.keyboard.press("v")
    verify = page.get_by_label("What the caller says")
    expect(verify).to_be_focused()
    page.keyboard.type("+91 98000 00005")
    page.keyboard.press("Enter")
    expect(page.locator("#profile .verify-result")).to_be_visible()
    assert not page.evaluate(ON_BODY)
    page.keyboard.press("Escape")
    expect_focused(page, page.locator("#profile-title"))

    # Reveal the email: its control is named for it; focus comes back to its badge.
    reveal_email = page.locator('#profile details[data-focus-key="reveal-email"] summary')
    expect(reveal_email).to_have_accessible_name("Reveal email")
    tab_to(page, reveal_email)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("caller is updating their email")
    page.keyboard.press("Enter")
    badge = page.locator('#profile .badge.revealed[data-focus-key="reveal-email"]')
    expect_focused(page, badge)
    expect(status(page)).to_have_text("Email revealed")
    expect_accessible(page, "keyboard: email revealed")

    # r: Refresh; the member's h1 again.
    page.keyboard.press("r")
    expect(status(page)).to_have_text(f"{name} refreshed")
    expect_focused(page, page.locator("#customer-view h1"))

    # Next caller: / to the search box, type, Enter.
    page.keyboard.press("/")
    expect(page.get_by_label("Find a member")).to_be_focused()
    page.keyboard.type("demo.gold@example.com")
    page.keyboard.press("Enter")
    expect(page.locator("#customer-view h1")).not_to_have_text(name)
    expect_focused(page, page.locator("#customer-view h1"))
    expect(status(page)).to_have_text(re.compile(r" opened$"))


def test_a_failed_search_puts_focus_on_the_search_boxs_message(page: Page, app: str):
    sign_in_by_keyboard(page, app)
    page.keyboard.type("nobody.at.all@example.com")
    page.keyboard.press("Enter")
    message = page.locator("#search-feedback > *").first
    expect(message).to_contain_text("No member found")
    expect_focused(page, message)
    expect(page.get_by_role("heading", level=1, name="No member is open")).to_be_visible()
    expect_accessible(page, "keyboard: a failed search")


def test_the_cheat_sheet_opens_with_a_question_mark_but_not_while_typing(page: Page, app: str):
    sign_in_by_keyboard(page, app)
    sheet = page.get_by_role("dialog", name="Keyboard shortcuts")

    page.keyboard.type("?")  # in the search box: a character, not a shortcut
    expect(sheet).to_be_hidden()
    expect(page.get_by_label("Find a member")).to_have_value("?")

    page.keyboard.press("Escape")  # leaves the box
    assert not page.evaluate(ON_BODY)
    page.keyboard.press("?")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Next coupon page")
    expect_accessible(page, "keyboard: the cheat-sheet")
    page.keyboard.press("n")  # the sheet's own keys only while it is up
    expect(sheet).to_be_visible()
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()


def test_the_cheat_sheet_reads_in_the_agents_language(browser, app: str, agent):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    page = context.new_page()
    try:
        sign_in_by_keyboard(page, app)
        page.keyboard.press("Escape")
        page.keyboard.press("?")
        sheet = page.get_by_role("dialog", name="اختصارات لوحة المفاتيح")
        expect(sheet).to_be_visible()
        expect(sheet).to_contain_text("صفحة القسائم التالية")
        expect_accessible(page, "keyboard: the cheat-sheet (ar)")
    finally:
        context.close()


def test_the_status_line_and_the_lookups_words_read_in_the_agents_language(browser, app: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    page = context.new_page()
    try:
        sign_in_by_keyboard(page, app)
        page.keyboard.type("demo.coupons@example.com")
        page.keyboard.press("Enter")
        heading = page.locator("#customer-view h1")
        expect_focused(page, heading)
        name = heading.inner_text().strip()
        expect(status(page)).to_have_text(re.compile(rf"^تم فتح {re.escape(name)}"))
        page.keyboard.press("4")
        page.keyboard.press("n")
        expect(status(page)).to_have_text("صفحة القسائم 2")
        expect(page.locator("#lookup-status")).to_have_attribute("data-looking", "جارٍ البحث…")
        expect_accessible(page, "keyboard: coupons, page 2 (ar)")
    finally:
        context.close()
