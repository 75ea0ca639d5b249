"""The demo (`make run`, DEBUG on) shows error states as styled as production does."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.usefixtures("agent")


def test_not_found_under_debug_stays_in_the_styled_page(page: Page, app: str, settings):
    settings.DEBUG = True
    sign_in(page, app)
    page.get_by_label("Find a member").fill("nobody@example.com")
    page.get_by_label("Find a member").press("Enter")

    expect(page.locator("#search-feedback")).to_contain_text("No member found")
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()  # still the whole page
    assert page.locator("link[rel=stylesheet]").count() >= 1
    assert page.evaluate("() => document.querySelector('script[data-debug]') === null")
    expect_accessible(page, "member not found, under DEBUG")
