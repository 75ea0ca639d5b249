"""The agent's journey in each of the four languages, and the store manager's and the admin's
customer view in Arabic (issue 10, "Tests and measurements"): on every screen walked the page's
`lang` and `dir`, none of our own English words left outside identifiers, and axe-core."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import sign_in
from tests.browser.test_layout import direction, look_up
from tests.conftest import PASSWORD, app_device, totp_code

pytestmark = pytest.mark.usefixtures("agent", "manager", "group_admin")

# Words of our own UI (templates), never of Capillary's member data or codes: none may be left on
# a screen in another language.
OUR_WORDS = (
    "Coupons",
    "Recent transactions",
    "Tier progress",
    "Verify the caller",
    "Refresh",
    "Reveal",
    "Next",
    "Previous",
)

# Text that is not ours to translate: identifiers, codes and amounts (kept left to right), and
# Capillary's names and free text (which take their direction from themselves).
NOT_OURS = ".mono, bdi, [dir=ltr], [dir=auto], code, script, style, template"

OUR_TEXT = """
([root, skip]) => {
  const element = document.querySelector(root);
  if (!element) return "";
  const parts = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    const host = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const mine = host && host.closest(skip);  // the page's own dir=ltr on <html> is not one
    if (mine && element.contains(mine)) continue;
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
    else for (const name of ["aria-label", "title", "placeholder"]) {
      if (node.hasAttribute(name)) parts.push(node.getAttribute(name));
    }
  }
  return parts.join(" ");
}
"""

LANGUAGES = {"en": "ltr", "ar": "rtl", "zh-hans": "ltr", "id": "ltr"}


def our_text(page: Page) -> str:
    """The text of the search box and the customer view that is our UI's, with attributes read
    aloud (aria-label, title, placeholder)."""
    return " ".join(
        page.evaluate(OUR_TEXT, [root, NOT_OURS]) for root in ("#search", "#customer-view")
    )


def english_words(text: str) -> list[str]:
    return [word for word in OUR_WORDS if re.search(rf"\b{re.escape(word)}\b", text)]


def check_screen(page: Page, language: str, screen: str) -> None:
    """The page's language and direction, no English of ours left (but in English), and axe."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", LANGUAGES[language])
    assert direction(page, "body") == LANGUAGES[language], screen
    if language != "en":
        left = english_words(our_text(page))
        assert left == [], f"English left on {screen} ({language}): {left}"
    expect_accessible(page, f"{screen} ({language})")


def choose_language(page: Page, language: str) -> None:
    """Through the header's language menu, as an agent does (kept on their profile)."""
    page.locator("#language-language").select_option(language)
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#search").wait_for()
    page.wait_for_load_state("load")


def sign_in_in_any_language(page: Page, app: str, username: str) -> None:
    """sign_in by the fields' names (no English to read), with the second factor when asked."""
    device = app_device(get_user_model().objects.get(username=username))
    page.goto(f"{app}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    code = page.locator("input[name=code]")
    code.or_(page.locator("#search")).first.wait_for()
    if code.is_visible():
        code.fill(totp_code(device))
        page.locator("form[action$='/mfa/verify/'] button[type=submit]").first.click()
    page.locator("#search").wait_for()
    page.wait_for_load_state("load")


def expect_settled(page: Page) -> None:
    """No htmx request in flight, and the lookup (if any) landed."""
    expect(page.locator(".htmx-request")).to_have_count(0)
    expect(page.locator("#workspace > [data-stale]")).to_have_count(0)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_agent_journey_in_each_language(page: Page, app: str, language: str):
    sign_in(page, app)
    choose_language(page, language)
    check_screen(page, language, "search")

    look_up(page, "demo.coupons@example.com")
    view = page.locator("#customer-view")
    name = page.locator("#customer-view h1").inner_text().strip()
    check_screen(page, language, "customer view")
    if language == "en":  # the check reads what it means to: our words are on the English view
        assert set(english_words(our_text(page))) >= {"Coupons", "Refresh", "Reveal", "Next"}

    # Coupons to page 2 and back (by the pager's rel, the same in every language).
    coupons = page.locator("#coupons")
    coupons.scroll_into_view_if_needed()
    codes = coupons.locator("td.mono")
    expect(codes).to_have_count(10)
    first_page = codes.all_inner_texts()
    coupons.locator(".pager a[rel=next]").click()
    expect(codes.first).not_to_have_text(first_page[0])
    expect_settled(page)
    assert not set(first_page) & set(codes.all_inner_texts())
    check_screen(page, language, "coupons, page 2")
    coupons.locator(".pager a[rel=prev]").click()
    expect(codes.first).to_have_text(first_page[0])
    expect_settled(page)
    assert codes.all_inner_texts() == first_page
    check_screen(page, language, "coupons, page 1 again")

    # Verify the caller by their mobile.
    verify = page.locator("#profile form.verify")
    verify.locator("input[name=value]").fill("+91 98000 00005")
    verify.locator("button[type=submit]").click()
    expect(page.locator("#profile .verify-result.match")).to_be_visible()
    expect_settled(page)
    check_screen(page, language, "caller verified")

    # Reveal the email, with a reason.
    reveal = page.locator('#profile details[data-focus-key="reveal-email"]')
    reveal.locator("summary").click()
    reveal.locator("input[name=reason]").fill("caller is updating their email")
    reveal.locator("button[type=submit]").click()
    expect(page.locator('#profile .badge.revealed[data-focus-key="reveal-email"]')).to_be_visible()
    expect_settled(page)
    check_screen(page, language, "email revealed")

    # Refresh: the status region says the view was refreshed, in the page's words.
    refreshed = view.get_attribute("data-announce-refresh")
    assert refreshed
    view.locator("form.refresh button[type=submit]").click()
    expect(page.locator("#lookup-status")).to_have_text(refreshed)
    expect_settled(page)
    check_screen(page, language, "refreshed")

    # The next caller.
    look_up(page, "demo.gold@example.com")
    expect(page.locator("#customer-view h1")).not_to_have_text(name)
    check_screen(page, language, "another member")


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_the_customer_view_in_arabic_for_the_store_manager_and_the_admin(
    browser: Browser, app: str, persona: str
):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in_in_any_language(page, app, persona)
        check_screen(page, "ar", f"search, {persona}")
        look_up(page, "demo.coupons@example.com")
        check_screen(page, "ar", f"customer view, {persona}")
        assert direction(page, "#tiers") == "rtl"
        # Identifiers, codes and amounts read left to right inside the right-to-left page.
        for selector in (
            "#member-header .member-meta bdi",  # the user id
            ".glance-balance bdi",  # a points balance
            "#profile dd.mono bdi",  # the mobile and the email, as this persona may see them
        ):
            assert direction(page, selector) == "ltr", f"{selector} ({persona})"
        if persona == "admin":
            assert direction(page, "#coupons td.mono") == "ltr"  # a coupon code
        # The word check finds our English, and skips identifiers: one of each put on the page.
        page.locator("#customer-view").evaluate(
            "view => view.insertAdjacentHTML('beforeend',"
            " '<p>Next</p><span class=\"mono\">Refresh</span>')"
        )
        assert english_words(our_text(page)) == ["Next"]
    finally:
        context.close()
