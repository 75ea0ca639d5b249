"""Single sign-on in a real browser: membercare's button, the provider's own sign-in form (the test
OpenID provider of tests/sso, its own process on 127.0.0.1), and back to membercare signed in,
refused, or signed out by the re-check.

The provider accepts one redirect URI for its client, and the live server's port is known only at
run time: each test starts a provider of its own whose client returns there (`start_provider`),
and membercare's settings from the `sso` fixture are pointed at it. Using those fixtures marks
these tests `sso` as well as `browser` (tests/conftest.py).
"""

import time
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import Page, expect

from membercare.access.capabilities import AGENTS
from membercare.accounts.models import SignedInSession
from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import screenshot
from tests.fixtures.sso import Provider, point_at

User = get_user_model()
PROVIDER_NAME = "Acme ID"


@pytest.fixture
def live_idp(sso: Provider, settings: Any, start_provider: Any, app: str) -> Provider:
    """A provider whose client returns to the live server, with membercare's SSO settings on it."""
    idp = start_provider(redirect_uri=app + reverse("sso-callback"))
    point_at(settings, idp)
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    return idp


def sign_in_with_sso(page: Page, app: str, idp: Provider, login: str) -> None:
    """From membercare's sign-in page, through the provider's own form, as `login`."""
    page.goto(f"{app}/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(f"{idp.issuer}/interaction/**")  # the provider's page, not ours
    page.locator("input[name=login]").fill(login)
    page.get_by_role("button", name="Sign in").click()


def browser_session_key(page: Page, settings: Any) -> str:
    cookies = page.context.cookies()
    return next(c["value"] for c in cookies if c["name"] == settings.SESSION_COOKIE_NAME)


def test_an_agent_signs_in_through_the_provider_and_lands_on_search(
    page: Page, app: str, live_idp: Provider
):
    live_idp.account("ann", username="ann.agent", name="Ann Agent", groups=["cc-agents"])
    page.goto(f"{app}/")

    page.wait_for_url("**/accounts/login/**")
    sso_button = page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}")
    local_form = page.get_by_label("Username")
    expect(sso_button).to_be_visible()
    expect(local_form).to_be_visible()
    # Above the local form: the button is what most staff should use.
    assert sso_button.bounding_box()["y"] < local_form.bounding_box()["y"]  # type: ignore[index]
    expect_accessible(page, "sign-in with single sign-on")
    screenshot(page, "sso-sign-in")

    sign_in_with_sso(page, app, live_idp, "ann")

    page.wait_for_url(f"{app}/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Ann Agent")
    expect(page.get_by_label("Find a member")).to_be_visible()
    expect_accessible(page, "search, after single sign-on")
    user = User.objects.get(username="ann.agent")
    assert set(user.groups.values_list("name", flat=True)) == {AGENTS}
    assert SignedInSession.objects.filter(user=user).count() == 1


def test_someone_in_no_mapped_group_is_told_and_not_signed_in(
    page: Page, app: str, live_idp: Provider
):
    live_idp.account("nora", username="nora", groups=["marketing"])

    sign_in_with_sso(page, app, live_idp, "nora")

    expect(page.get_by_role("heading", name="No access to membercare")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Your organisation has not given you access to membercare. Ask your administrator to "
        f"add you to one of membercare's groups at {PROVIDER_NAME}"
    )
    expect_accessible(page, "single sign-on refused")
    screenshot(page, "sso-refused")
    assert not User.objects.filter(username="nora").exists()
    assert not SignedInSession.objects.exists()
    page.get_by_role("link", name="Back to sign-in").click()
    expect(page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    page.goto(f"{app}/")
    page.wait_for_url("**/accounts/login/**")  # still nobody


def test_a_user_disabled_at_the_provider_is_sent_to_sign_in_after_the_recheck(
    page: Page, app: str, live_idp: Provider, settings: Any
):
    live_idp.account("ann", username="ann", groups=["cc-agents"])
    sign_in_with_sso(page, app, live_idp, "ann")
    page.wait_for_url(f"{app}/")
    page.wait_for_load_state("load")
    session_key = browser_session_key(page, settings)
    assert Session.objects.filter(session_key=session_key).exists()
    live_idp.account("ann", disabled=True)

    # The server's clock only (the live server runs in this process): the page's idle timer is
    # not what this is about.
    with time_machine.travel(time.time() + settings.OIDC_RECHECK_SECONDS + 1, tick=True):
        page.get_by_role("navigation", name="Sections").get_by_role(
            "link", name="Find a member"
        ).click()
        page.wait_for_url("**/accounts/login/**")

    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "no longer accepts your account"
    )
    expect_accessible(page, "sign-in, after the provider's re-check")
    assert not Session.objects.filter(session_key=session_key).exists()
