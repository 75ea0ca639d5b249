"""The customer view's layout in a real browser (issue 10, items 2, 6 and 7): right to left in
Arabic with identifiers kept left to right, the member at a glance in the first viewport, and no
page wider than the screen on a desktop, a tablet or a phone."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from membercare.access.capabilities import ADMINS
from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import screenshot, search, sign_in
from tests.browser.test_accessibility import sign_in_by_field_names

pytestmark = pytest.mark.usefixtures("agent", "manager", "group_admin")

WIDTHS = (1366, 1024, 768, 390)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """A page in a browser context of a given language and viewport, closed after the test."""
    contexts = []

    def make(*, locale: str = "en-GB", width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def look_up(page: Page, text: str) -> None:
    """A search without reading the box's label, for a page in any language."""
    box = page.locator("#search input[name=q]")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#customer-view")).to_be_visible()
    expect(page.locator("#workspace > [data-stale]")).to_have_count(0)


def direction(page: Page, selector: str) -> str:
    """The computed direction of the first element the selector finds."""
    return page.locator(selector).first.evaluate("element => getComputedStyle(element).direction")


def top_and_bottom(page: Page, selector: str) -> tuple[float, float]:
    """Where an element is on the page (not the viewport), from the page's top, in CSS px."""
    box: list[float] = page.locator(selector).first.evaluate(
        "element => { const r = element.getBoundingClientRect();"
        " return [r.top + window.scrollY, r.bottom + window.scrollY]; }"
    )
    return box[0], box[1]


def page_overflow(page: Page) -> int:
    """How many CSS px the page is wider than the viewport (0: no horizontal page scroll)."""
    width: int = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    return width


SMALL_TARGETS = """
() => {
  // Every control an agent taps, but links inside sentences (WCAG 2.5.8's inline exception):
  // a checkbox counts with its label, which takes the tap too.
  const controls = document.querySelectorAll(
    "button, select, summary, input:not([type=hidden]), nav a, .pager a, .controls > a, .more a"
  );
  const small = [];
  for (const control of controls) {
    const target = control.matches("input[type=checkbox]") && control.closest("label")
      ? control.closest("label") : control;
    const box = target.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(target).visibility === "hidden") continue;
    if (box.width < 24 || box.height < 24) {
      const size = `${box.width.toFixed(1)}x${box.height.toFixed(1)}`;
      small.push(`${target.outerHTML.slice(0, 90)} ${size}`);
    }
  }
  return small;
}
"""


def test_in_arabic_the_view_is_right_to_left_and_identifiers_stay_left_to_right(
    open_page, app: str
):
    page = open_page(locale="ar", width=1366, height=900)
    sign_in_by_field_names(page, app, "agent")
    look_up(page, "demo.arabic@example.com")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert direction(page, "body") == "rtl"
    assert direction(page, "#tiers") == "rtl"
    # Identifiers, codes and numbers, masked or not, read left to right.
    for selector in (
        "#member-header .member-meta bdi",  # the user id
        "#profile dd.mono bdi",  # the mobile, masked
        "#profile .plain .mono",  # a card number
        "#coupons td.mono",  # a coupon code
        ".glance-balance bdi",  # a points balance
    ):
        assert direction(page, selector) == "ltr", selector
    # The name takes its direction from itself: Arabic initials stay in their order.
    assert (
        page.locator("#member-header h1").evaluate("h1 => getComputedStyle(h1).unicodeBidi")
        == "plaintext"
    )
    assert direction(page, "#profile dd bdi[dir=auto]") == "rtl"  # an Arabic name reads as one
    # The layout mirrors: the profile column is on the right, the tiers and points on its left.
    profile = page.locator("#profile").bounding_box()
    tiers = page.locator("#tiers").bounding_box()
    assert profile is not None
    assert tiers is not None
    assert profile["x"] > tiers["x"]
    # So does the expiry chart (this month at the right), with its words turned back to read.
    assert page.locator(".chart svg").evaluate("svg => getComputedStyle(svg).transform") != "none"
    expect_accessible(page, "customer view (ar)")
    screenshot(page, "customer-view-ar")


def test_in_chinese_the_view_is_left_to_right_with_the_family_name_first(open_page, app: str):
    page = open_page(locale="zh-CN", width=1366, height=900)
    sign_in_by_field_names(page, app, "agent")
    look_up(page, "demo.chinese@example.com")

    assert direction(page, "body") == "ltr"
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".glance")).to_be_visible()
    expect_accessible(page, "customer view (zh-hans)")
    screenshot(page, "customer-view-zh")


@pytest.mark.parametrize(
    ("persona", "locale"), [("agent", "en-GB"), ("manager", "en-GB"), ("agent", "ar")]
)
def test_no_page_is_wider_than_the_screen_and_every_target_is_big_enough(
    open_page, app: str, persona, locale
):
    page = open_page(locale=locale, width=WIDTHS[0], height=900)
    if locale == "ar":  # no English to read the sign-in by (the agent has a second factor)
        sign_in_by_field_names(page, app, persona)
    else:
        sign_in(page, app, persona)
    look_up(page, "demo.coupons@example.com")  # the widest: coupons and transactions tables
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page_overflow(page) <= 0, f"{persona} ({locale}) at {width} px"
        assert page.evaluate(SMALL_TARGETS) == [], f"{persona} ({locale}) at {width} px"
    # At 390 px the search row wraps: the box keeps a usable width.
    box = page.locator("#search input[name=q]").bounding_box()
    assert box is not None
    assert box["width"] >= 300
    expect_accessible(page, f"customer view at 390 px ({persona}, {locale})")
    if (persona, locale) == ("agent", "en-GB"):
        screenshot(page, "customer-view-390")


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (768, 1024)])
@pytest.mark.parametrize("persona", ["agent", "manager"])
def test_the_member_at_a_glance_is_in_the_first_viewport(
    open_page, app: str, persona, width, height
):
    page = open_page(width=width, height=height)
    sign_in(page, app, persona)
    search(page, "demo.platinum@example.com")
    glance = page.locator("#member-header .glance")
    programs = glance.locator(".glance-program")
    expect(programs).to_have_count(2)
    # Per program: its name, tier, balance and the next expiry (points and date).
    first = programs.first
    expect(first.locator(".glance-name")).not_to_be_empty()
    expect(first.locator(".glance-tier")).not_to_be_empty()
    expect(first.locator(".glance-balance")).to_contain_text("points")
    expect(first.locator(".glance-expiry")).to_be_visible()
    _, bottom = top_and_bottom(page, "#member-header .glance")
    assert bottom <= height, f"the glance ends at {bottom} px of {height}"
    if persona == "agent":  # the fraud state, for those who may see it
        _, badge = top_and_bottom(page, "#member-header .member-title .badge")
        assert badge <= height
    else:
        expect(page.locator("#member-header [class*=fraud-]")).to_have_count(0)
    if persona == "manager" and width == 768:
        # On the counter tablet: tier and points before anything else of the member's.
        top, _ = top_and_bottom(page, "#member-header .glance")
        assert top < top_and_bottom(page, "#member-header h1")[0]
        assert top_and_bottom(page, "#tiers")[0] < top_and_bottom(page, "#profile")[0]
        assert top_and_bottom(page, "#points")[0] < top_and_bottom(page, "#profile")[0]
        screenshot(page, "store-manager-768")
    if persona == "agent" and width == 768:
        screenshot(page, "customer-view-768")
    expect_accessible(page, f"at a glance, {persona} at {width}x{height}")


def test_the_size_check_finds_a_control_too_small_to_tap(page: Page, app: str):
    page.goto(f"{app}/accounts/login/")
    assert page.evaluate(SMALL_TARGETS) == []
    page.locator("main").evaluate(
        "main => main.insertAdjacentHTML('beforeend', '<button class=\"link\">x</button>')"
    )
    page.locator("main button.link").evaluate("button => button.style.minHeight = '10px'")
    small = page.evaluate(SMALL_TARGETS)
    assert len(small) == 1
    assert small[0].startswith('<button class="link"')


def test_a_flagged_members_fraud_banner_and_glance_fit_the_first_viewport(open_page, app: str):
    page = open_page(width=1366, height=768)
    sign_in(page, app, "agent")
    search(page, "demo.fraud.confirmed@example.com")
    expect(page.get_by_role("alert").filter(has_text="Fraud")).to_be_visible()
    for selector in ("#member-header .banner.fraud", "#member-header .glance"):
        _, bottom = top_and_bottom(page, selector)
        assert bottom <= 768, f"{selector} ends at {bottom} px"
    expect_accessible(page, "at a glance, a flagged member")


def test_the_other_screens_are_no_wider_than_a_tablet_or_a_phone(open_page, app: str):
    """The admin's screens at 768 and 390 px: a wide table scrolls inside its own box."""
    admins = Group.objects.get(name=ADMINS)
    page = open_page(width=WIDTHS[0], height=900)
    sign_in(page, app, "admin")
    search(page, "demo.gold@example.com")  # so the audit trail has a lookup to list
    screens: list[tuple[str, Callable[[], None]]] = [
        ("/accounts/sign-ins/", lambda: None),
        ("/audit/", lambda: None),
        ("/access/groups/", lambda: None),
        (f"/access/groups/{admins.pk}/", lambda: None),
        ("/search/bulk/", lambda: bulk_results(page)),
        ("/accounts/security/", lambda: None),
    ]
    too_wide = {}  # (screen, width): how many px the page is wider, and what sticks out
    for address, then in screens:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(f"{app}{address}")
        assert response is not None
        assert response.status == 200, address
        then()
        expect(page.locator("main table, main form").first).to_be_visible()
        for width in (768, 390):
            page.set_viewport_size({"width": width, "height": 900})
            if page_overflow(page) > 0:
                too_wide[(address, width)] = (page_overflow(page), page.evaluate(WIDEST))
    assert too_wide == {}


# What sticks out: the innermost elements that end beyond the viewport (for the failure message).
WIDEST = """
() => {
  const out = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  const scrolled = e => e.parentElement && e.parentElement !== document.body
    && (["auto", "scroll", "hidden"].includes(getComputedStyle(e.parentElement).overflowX)
        || scrolled(e.parentElement));
  return [...document.body.querySelectorAll("*")]
    .filter(e => out(e) && !scrolled(e) && ![...e.children].some(c => out(c) && !scrolled(c)))
    .slice(0, 3).map(e => e.outerHTML.slice(0, 80));
}
"""


def bulk_results(page: Page) -> None:
    page.get_by_label("Identifiers").fill("demo.gold@example.com\nnobody@example.com\n12ab")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
