"""Every screen, as the persona who uses it, with the browser console watched: no error, no script
exception and no Content Security Policy violation anywhere.

The only console errors allowed are the browser's own network lines for answers a screen is meant
to get ("Failed to load resource: ... 404" for a member not found), each declared by the step."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from membercare.access.capabilities import STORE_MANAGERS
from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import reach, search, sign_in

NETWORK_LINE = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")

# Chromium logs a CSP refusal as a console error; this also catches one it might only report.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.blockedURI} at ${event.sourceFile}`;
  console.error(`CSP violation: ${event.violatedDirective} ${where}`);
});
"""


@dataclass
class Console:
    """What the page said: console errors and warnings, uncaught exceptions, expected answers."""

    problems: list[str] = field(default_factory=list)
    expected: set[tuple[str, int]] = field(default_factory=set)

    def expect_answer(self, path: str, status: int) -> None:
        """The next step gets this (4xx/5xx) answer on purpose: its network line is no error."""
        self.expected.add((path, status))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        network = NETWORK_LINE.match(message.text)
        path = urlsplit(message.location.get("url", "")).path
        if network and (path, int(network.group(1))) in self.expected:
            return
        self.problems.append(f"{message.type}: {message.text} ({path})")

    def on_page_error(self, error: Error) -> None:
        self.problems.append(f"pageerror: {error}")


@pytest.fixture
def console(page: Page) -> Console:
    watched = Console()
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", watched.on_console)
    page.on("pageerror", watched.on_page_error)
    return watched


def settle(page: Page) -> None:
    """Let late work (settling, a deferred script) report before the step is judged."""
    page.wait_for_load_state("networkidle")


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_the_agent_screens_log_no_error_and_no_csp_violation(
    page: Page, app: str, console: Console
):
    page.goto(f"{app}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect_accessible(page, "sign-in")
    sign_in(page, app, "agent")
    settle(page)

    search(page, "demo.gold@example.com")
    expect(page.locator("#customer-view h1")).to_be_visible()
    profile = page.locator("#profile")
    profile.get_by_label("What the caller says").fill("+91 98000 00002")
    profile.get_by_role("button", name="Check").click()
    expect(profile.get_by_role("status")).to_have_text("✓ Match")

    user_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    console.expect_answer(f"/customers/{user_id}/reveal/", 400)
    email = page.locator("#profile dd").filter(has_text="@example.com")
    email.locator("summary").click()
    # Long enough for the browser's minlength; too short once the server strips the spaces.
    email.get_by_label("Why do you need to see it?").fill("      short      ")
    email.get_by_role("button", name="Reveal").click()
    expect(page.locator("#profile")).to_contain_text("Say why you need to see it")
    email = page.locator("#profile dd").filter(has_text="@example.com")
    if not email.get_by_label("Why do you need to see it?").is_visible():
        email.locator("summary").click()
    email.get_by_label("Why do you need to see it?").fill("caller is updating their email")
    email.get_by_role("button", name="Reveal").click()
    expect(page.locator("#profile .badge.revealed")).to_have_count(1)

    search(page, "demo.coupons@example.com")
    coupons = reach(page, "#coupons")
    coupons.get_by_role("link", name="Next", exact=True).click()
    expect(coupons.get_by_text("Page 2")).to_be_visible()
    coupons.get_by_role("link", name="Previous", exact=True).click()
    expect(coupons.get_by_text("Page 1")).to_be_visible()
    coupons.get_by_label("Order by").select_option("valid_till")
    coupons.get_by_role("button", name="Apply").click()
    settle(page)

    search(page, "demo.fraud.confirmed@example.com")
    expect(page.get_by_role("alert").filter(has_text="Fraud")).to_be_visible()

    console.expect_answer("/search/", 410)
    search(page, "demo.deleted@example.com")
    expect(page.locator("#search-feedback")).to_contain_text("deleted after a PII delete request")

    console.expect_answer("/search/", 404)
    search(page, "nobody@example.com")
    expect(page.locator("#search-feedback")).to_contain_text("No member found")

    console.expect_answer("/search/", 422)
    search(page, "12ab", "mobile")
    expect(page.locator("#search-feedback")).to_contain_text("doesn't look like a mobile number")

    console.expect_answer("/search/", 503)
    search(page, "demo.error@example.com", "email")
    expect(page.locator("#search-feedback")).to_contain_text("Capillary")
    expect_accessible(page, "Capillary error")

    page.goto(f"{app}/customers/{user_id}/")  # the whole page, not the partial
    expect(page.locator("#customer-view h1")).to_be_visible()
    expect_accessible(page, "customer view, the whole page")
    settle(page)
    assert console.problems == []


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_the_store_manager_screens_log_no_error_and_no_csp_violation(
    page: Page, app: str, console: Console
):
    sign_in(page, app, "manager")
    search(page, "demo.fraud.confirmed@example.com")
    expect(page.locator("#tiers")).to_be_visible()
    transactions = reach(page, "#transactions")
    transactions.get_by_role("combobox").first.select_option(index=1)
    transactions.get_by_role("button", name="Find bills").click()
    settle(page)
    expect_accessible(page, "store manager, transactions filtered")
    assert console.problems == []


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_the_admin_screens_log_no_error_and_no_csp_violation(
    page: Page, app: str, console: Console
):
    sign_in(page, app, "admin")
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Access groups"
    ).click()
    expect(page.get_by_role("heading", name="Access groups")).to_be_visible()
    expect_accessible(page, "access groups")
    page.locator("main").get_by_role("link", name=STORE_MANAGERS).first.click()
    expect(page.get_by_role("heading", name=STORE_MANAGERS, level=1)).to_be_visible()
    expect_accessible(page, "access group")
    page.get_by_label("Capillary user ID").fill("50000006")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-banner")).to_contain_text(STORE_MANAGERS)
    expect_accessible(page, "preview as a group")

    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect_accessible(page, "audit trail")
    console.expect_answer("/audit/", 422)
    page.get_by_label("From").fill("2026-12-02")
    page.get_by_label("To").fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-results")).to_contain_text("Check the filters.")
    expect_accessible(page, "audit trail, filters refused")

    page.get_by_role("link", name="Bulk lookup").click()
    page.get_by_label("Identifiers").fill("demo.gold@example.com\nnobody@example.com\n12ab")
    expect_accessible(page, "bulk lookup")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect_accessible(page, "bulk lookup, results")
    settle(page)
    assert console.problems == []


@pytest.mark.usefixtures("agent", "manager", "group_admin")
def test_a_style_attribute_another_script_left_does_not_make_htmx_break_the_csp(
    page: Page, app: str, console: Console
):
    """Password managers and screenshot tools style inputs through the CSSOM, which the CSP allows.
    htmx must not copy that style attribute onto the swapped-in search box with setAttribute."""
    sign_in(page, app, "agent")
    page.get_by_label("Find a member").evaluate(
        "box => box.style.setProperty('caret-color', 'auto')"
    )
    search(page, "demo.gold@example.com")
    expect(page.locator("#customer-view h1")).to_be_visible()
    settle(page)
    assert console.problems == []
