"""Sign-in limits in a real browser: a paused sign-in lifted by an admin, the idle warning and the
screen cleared when a session ends, and an admin ending someone's session.

The server's clock is moved with time_machine (the live server runs in this process), the page's
with Playwright's clock: both jump the same half hour.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def try_password(page: Page, app: str, username: str, password: str) -> None:
    page.goto(f"{app}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


@pytest.mark.usefixtures("manager", "group_admin")
def test_a_paused_sign_in_is_lifted_by_an_admin(page: Page, browser: Browser, app: str):
    admin = new_page(browser)
    sign_in(admin, app, "admin")  # before the failures: they pause this address too

    for _ in range(5):
        try_password(page, app, "manager", "guessing")
    try_password(page, app, "manager", PASSWORD)
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("paused for 15 minutes")
    expect_accessible(page, "sign-in paused")
    screenshot(page, "sign-in-paused")

    admin.get_by_role("link", name="Sign-ins").click()
    expect(admin.get_by_role("button", name="Lift pause of 127.0.0.1")).to_be_visible()
    expect_accessible(admin, "sign-ins, paused")
    screenshot(admin, "sign-ins-paused")
    admin.get_by_role("button", name="Lift pause of manager").click()
    expect(admin.locator("main").get_by_role("status")).to_contain_text(
        "Lifted the lockout of username manager"
    )
    # Every sign-in here comes from 127.0.0.1, so that address was paused as well, by the same
    # failures: lifting the username's forgets them, and the address is free again too.
    expect(admin.get_by_text("Nobody is paused")).to_be_visible()
    expect_accessible(admin, "sign-ins, a pause lifted")

    try_password(page, app, "manager", PASSWORD)
    expect(page.get_by_label("Find a member")).to_be_visible()


@pytest.mark.usefixtures("manager")
def test_an_idle_session_warns_then_clears_the_screen(page: Page, app: str):
    start = timezone.now()
    page.clock.install()
    sign_in(page, app, "manager")

    with time_machine.travel(start + timedelta(minutes=28, seconds=30)):
        page.clock.fast_forward("28:30")
        warning = page.get_by_role("alertdialog")
        expect(warning).to_contain_text("You will be signed out in 1 min")
        stay = warning.get_by_role("button", name="Stay signed in")
        expect(stay).to_be_focused()
        expect_accessible(page, "idle warning")
        screenshot(page, "idle-warning")
        stay.click()
        expect(warning).to_be_hidden()

    with time_machine.travel(start + timedelta(minutes=28 + 31)):
        page.clock.fast_forward("31:00")
        page.wait_for_url("**/accounts/login/**")
        expect(page.locator("main").get_by_role("status")).to_contain_text(
            "signed out after 30 minutes without activity"
        )
        expect_accessible(page, "sign-in, signed out when idle")


@pytest.mark.usefixtures("manager", "group_admin")
def test_an_admin_ends_a_users_session(page: Page, browser: Browser, app: str):
    sign_in(page, app, "manager")
    admin = new_page(browser)
    sign_in(admin, app, "admin")

    admin.get_by_role("link", name="Sign-ins").click()
    expect(admin.get_by_role("row").filter(has_text="This session")).to_contain_text("admin")
    expect_accessible(admin, "sign-ins")
    screenshot(admin, "sign-ins")
    admin.get_by_role("button", name="End session of manager").click()
    expect(admin.locator("main").get_by_role("status")).to_contain_text(
        "Ended a session of manager"
    )
    expect_accessible(admin, "sign-ins, a session ended")

    page.get_by_role("link", name="Find a member").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
