"""A lookup in flight never shows the previous member: not to the eye, not to assistive tech."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.usefixtures("agent")

# The sandbox answers demo.slow after 3 s (tests/fixtures/sandbox.py); a read timeout under that
# makes the lookup fail with an upstream timeout, after "Still waiting for Capillary…" (2 s).
TIMES_OUT = 2.8


def open_member(page: Page, text: str) -> str:
    """Search, wait for the member's view, and return the name it shows."""
    box = page.get_by_label("Find a member")
    box.fill(text)
    box.press("Enter")
    heading = page.locator("#customer-view h1")
    expect(heading).to_be_visible()
    return heading.inner_text().strip()


def search(page: Page, text: str) -> None:
    box = page.get_by_label("Find a member")
    box.fill(text)
    box.press("Enter")


def expect_member_unreadable(page: Page, name: str) -> None:
    for shown in page.get_by_text(name, exact=True).all():  # the h1, the profile's name
        expect(shown).not_to_be_visible()
    expect(page.get_by_role("heading", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Refresh")).to_have_count(0)
    assert name not in page.locator("body").aria_snapshot()
    assert name not in page.locator("#workspace").inner_text()


def test_a_slow_search_hides_the_previous_member_and_a_failure_never_brings_them_back(
    page: Page, app: str, settings
):
    settings.CAPILLARY_READ_TIMEOUT = TIMES_OUT
    sign_in(page, app)
    name = open_member(page, "demo.gold@example.com")
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    status = page.get_by_role("status").filter(has_text="Looking up…")

    search(page, "demo.slow@example.com")

    expect(status).to_be_visible()
    expect_member_unreadable(page, name)
    expect(
        page.get_by_role("status").filter(has_text="Still waiting for Capillary…")
    ).to_be_visible()
    expect_member_unreadable(page, name)
    expect_accessible(page, "a lookup in flight", in_flight=True)
    screenshot(page, "lookup-in-flight")

    feedback = page.locator("#search-feedback")
    expect(feedback).to_contain_text("Capillary didn't answer.")
    expect(page.get_by_role("heading", level=1, name="No member is open")).to_be_visible()
    expect(page.get_by_text(name, exact=True)).to_have_count(0)
    expect(page.locator("#lookup-status")).to_be_empty()
    assert name not in page.locator("body").aria_snapshot()
    expect_accessible(page, "a lookup timed out")


def test_a_refresh_in_flight_hides_the_view_until_the_fresh_one_arrives(
    page: Page, app: str, settings
):
    sign_in(page, app)
    name = open_member(page, "demo.slow@example.com")  # 3 s, inside the default read timeout

    page.get_by_role("button", name="Refresh").click()

    expect(page.get_by_role("status").filter(has_text="Looking up…")).to_be_visible()
    expect_member_unreadable(page, name)
    expect(
        page.get_by_role("status").filter(has_text="Still waiting for Capillary…")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    # The region no longer says the lookup's words (an h1 while in flight); it says what landed.
    expect(page.locator("#lookup-status h1")).to_have_count(0)
    expect(page.locator("#lookup-status")).to_have_text(f"{name} refreshed")
    expect(page.locator("[data-stale]")).to_have_count(0)


def test_a_search_the_network_drops_removes_the_previous_member_for_good(page: Page, app: str):
    sign_in(page, app)
    name = open_member(page, "demo.gold@example.com")
    page.route("**/search/", lambda route: route.abort())

    search(page, "demo.platinum@example.com")

    expect(page.get_by_role("status").filter(has_text="didn't finish")).to_have_text(
        "The lookup didn't finish. Search again."
    )
    expect_accessible(page, "a lookup dropped")
    expect(page.get_by_text(name, exact=True)).to_have_count(0)
    assert name not in page.locator("body").aria_snapshot()


def test_a_second_search_while_the_first_is_in_flight_opens_only_the_second(page: Page, app: str):
    sign_in(page, app)
    open_member(page, "demo.gold@example.com")
    search(page, "demo.slow@example.com")
    expect(page.get_by_role("status").filter(has_text="Looking up…")).to_be_visible()

    platinum = open_member(page, "demo.platinum@example.com")

    expect(page.get_by_role("heading", name=platinum, exact=True)).to_be_visible()
    expect(page.locator("#lookup-status h1")).to_have_count(0)
    page.wait_for_timeout(3500)  # the first answer would have come by now: it was dropped
    expect(page.get_by_role("heading", name=platinum, exact=True)).to_be_visible()
    expect(page.locator("#customer-view")).to_have_count(1)
