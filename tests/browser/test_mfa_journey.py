"""A new admin sets up their second factor in a real browser: the key read off the page, a code
from it as an authenticator app computes one, the recovery codes, then the dashboard."""

import os
from base64 import b32decode
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from membercare.access.capabilities import ADMINS
from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_user

# As the conftest does: Playwright's event loop runs in this thread beside plain ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_fresh_admin_enrols_sees_the_recovery_codes_and_reaches_the_dashboard(
    page: Page, live_server: Any
) -> None:
    make_user("avery.new", ADMINS)
    refused: list[str] = []  # what the Content Security Policy blocked (inline style, script)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("avery.new")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    page.wait_for_load_state("load")
    expect_accessible(page, "second factor, set-up")
    screenshot(page, "mfa-setup")
    secret = page.locator("#secret").inner_text()
    code = f"{totp(b32decode(secret.replace(' ', ''))):06d}"  # what the app would show
    page.get_by_label("Code from your app").fill(f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("Your second factor is set up.")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").locator("li")).to_have_count(10)
    expect_accessible(page, "second factor, recovery codes")
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have saved these").click()

    expect(page.get_by_label("Find a member")).to_be_visible()
    expect(page.get_by_role("link", name="Access groups")).to_be_visible()
    expect_accessible(page, "search, after enrolling")
    assert TOTPDevice.objects.get(user__username="avery.new").confirmed
    assert refused == []
