"""Browser tests: Playwright drives Debian's chromium (never a browser of Playwright's own)
against the dashboard on pytest-django's live server, which calls the sandbox process over HTTP."""

import os
import re
import shutil
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.conftest import PASSWORD, app_device, totp_code

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body (creating users) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR", "")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def app(live_server, settings, sandbox_url):
    """The dashboard, live, with the sandbox process as its Capillary."""
    settings.CAPILLARY_BASE_URL = sandbox_url
    return live_server.url


def sign_in(page: Page, base_url: str, username: str = "agent") -> None:
    """Through the sign-in form and, for those who must use one, the second factor's verify step,
    with the code an authenticator app would show (computed from the device's key)."""
    device = app_device(get_user_model().objects.get(username=username))  # enrolled already
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label("Code from your app")
    code.or_(page.get_by_label("Find a member")).wait_for()
    if code.is_visible():
        code.fill(totp_code(device))
        page.get_by_role("button", name="Verify").click()
    page.get_by_label("Find a member").wait_for()
    # htmx is a deferred script: until the page has loaded, a search is the no-JS POST and a
    # panel's controls do nothing on change, which is not what these tests mean to drive.
    page.wait_for_load_state("load")


def search(page: Page, text: str, kind: str = "") -> None:
    # The last answer's swap settled first: its words can be on the screen while htmx is still
    # settling the new search box (20 ms), and an Enter pressed then is lost. No person is that
    # quick; a test is (1 run in 5 lost a search, issue 9's stop 15).
    expect(page.locator("#search")).not_to_have_class(SWAP_UNDER_WAY)
    box = page.get_by_label("Find a member")
    box.fill(text)
    if kind:
        page.get_by_label("Identifier kind").select_option(kind)
    box.press("Enter")
    # The typing also asks what kind the text looks like (after a pause): let it land too, so
    # that what a test does next is the only thing in flight.
    page.wait_for_load_state("networkidle")


SWAP_UNDER_WAY = re.compile(r"\bhtmx-(request|swapping|settling|added)\b")


def reach(page: Page, panel: str) -> Locator:
    """A panel of the member now open, scrolled into sight as the agent does."""
    # Once the lookup in flight has landed: until then the previous member's view is still there,
    # hidden (static/js/lookup.js), and holds a panel of the same id.
    expect(page.locator("#workspace > [data-stale]")).to_have_count(0)
    section = page.locator(panel)
    section.scroll_into_view_if_needed()
    return section


def screenshot(page: Page, name: str) -> None:
    """Save a screenshot to $SCREENSHOTS_DIR when set (docs/screenshots is made this way)."""
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
