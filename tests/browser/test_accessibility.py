"""axe-core on the screens no journey walks (a sign-in refused, the second factor's verify step and
its recovery form, the security page, the password change, the error pages), for each persona,
the admin's screens in Arabic (right to left), and the check itself: it fails on a violation,
says where, and holds allowlists to what they say.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, app_device, totp_code

pytestmark = pytest.mark.usefixtures("agent", "manager", "group_admin")


def check_fails(page: Page, screen: str, **kwargs: object) -> str:
    with pytest.raises(pytest.fail.Exception) as failed:
        expect_accessible(page, screen, **kwargs)  # type: ignore[arg-type]
    return str(failed.value)


def test_the_check_fails_on_a_violation_and_says_which_where_and_what(page: Page, app: str):
    page.goto(f"{app}/accounts/login/")
    expect_accessible(page, "sign-in")
    page.locator("main").evaluate(
        "main => main.insertAdjacentHTML('beforeend', '<img src=\"/static/favicon.svg\">')"
    )

    message = check_fails(page, "sign-in")

    assert "1 violated rule(s) on sign-in" in message
    assert "image-alt (critical)" in message
    assert '<img src="/static/favicon.svg">' in message  # the snippet
    assert "at main > img" in message or "at img" in message  # the target


def test_an_allowed_rule_fails_outside_the_regions_being_rebuilt(page: Page, app: str):
    page.goto(f"{app}/accounts/login/")
    page.locator("body").evaluate("body => body.insertAdjacentHTML('beforeend', '<p>Loose</p>')")

    message = check_fails(page, "sign-in", known={"region"})

    assert "region (moderate)" in message


def test_an_allowed_rule_that_passes_fails_the_check_until_it_is_taken_off(page: Page, app: str):
    page.goto(f"{app}/accounts/login/")

    message = check_fails(page, "sign-in", known={"region"})

    assert "known rule(s) region pass now on sign-in: take them off its allowlist" in message


def test_a_refused_sign_in(page: Page, app: str):
    page.goto(f"{app}/accounts/login/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    expect_accessible(page, "sign-in, refused")


def test_the_second_factor_step_a_wrong_code_and_the_recovery_form(page: Page, app: str):
    app_device(get_user_model().objects.get(username="agent"))
    page.goto(f"{app}/accounts/login/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    expect_accessible(page, "second factor, verify")

    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect_accessible(page, "second factor, a wrong code")

    page.get_by_text("Lost your phone? Use a recovery code").click()
    expect(page.get_by_label("Recovery code")).to_be_visible()
    expect_accessible(page, "second factor, recovery code")


def test_the_security_page_with_two_sessions_and_the_password_change(
    page: Page, browser: Browser, app: str
):
    elsewhere = browser.new_context()
    try:
        sign_in(elsewhere.new_page(), app, "agent")
        sign_in(page, app, "agent")
        page.get_by_role("link", name="Security").click()
        expect(page.get_by_role("button", name="Sign out everywhere else")).to_be_visible()
        expect_accessible(page, "security")

        page.get_by_role("link", name="Change your password").click()
        expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
        expect_accessible(page, "password change")
        page.get_by_role("button", name="Change password").click()
        expect(page.locator(".error").first).to_be_visible()
        expect_accessible(page, "password change, refused")
    finally:
        elsewhere.close()


@pytest.mark.parametrize(
    ("persona", "address"), [("agent", "/access/groups/"), ("manager", "/audit/")]
)
def test_the_access_policy_refusal_page(page: Page, app: str, persona: str, address: str):
    sign_in(page, app, persona)
    page.goto(f"{app}{address}")
    expect(page.get_by_role("heading", name="No access to this page")).to_be_visible()
    expect_accessible(page, f"403 for the {persona}")
    page.get_by_role("link", name="Back to membercare").click()
    expect(page.get_by_label("Find a member")).to_be_visible()


def test_the_not_found_page_signed_in_and_not(page: Page, app: str):
    page.goto(f"{app}/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect_accessible(page, "404, signed out")

    sign_in(page, app, "admin")
    page.goto(f"{app}/no-such-page/")
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
    expect_accessible(page, "404 for the admin")


def test_the_server_error_page(page: Page, app: str, settings):
    settings.ROOT_URLCONF = "tests.error_urls"  # the app's, and /broken/, a view that fails
    page.goto(f"{app}/broken/")
    expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    expect_accessible(page, "500")


def test_the_csrf_failure_page(page: Page, app: str):
    sign_in(page, app, "agent")
    sign_out = page.locator("form[action$='/accounts/logout/']")
    sign_out.locator("input[name=csrfmiddlewaretoken]").evaluate("token => token.value = 'x'")
    sign_out.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    expect_accessible(page, "CSRF failure")


def sign_in_by_field_names(page: Page, app: str, username: str) -> None:
    """sign_in, without reading any English: the fields by name, for a page in another language."""
    device = app_device(get_user_model().objects.get(username=username))
    page.goto(f"{app}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.locator("input[name=code]").fill(totp_code(device))
    page.locator("form[action$='/mfa/verify/'] button[type=submit]").first.click()
    page.locator("#search").wait_for()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("language", ["ar"])
def test_the_screens_in_a_right_to_left_language(browser: Browser, app: str, language: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{app}/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect_accessible(page, f"sign-in ({language})")
        sign_in_by_field_names(page, app, "admin")
        expect_accessible(page, f"search ({language})")
        for address in ("/access/groups/", "/audit/", "/search/bulk/", "/accounts/sign-ins/"):
            response = page.goto(f"{app}{address}")
            assert response is not None
            assert response.status == 200, address
            expect_accessible(page, f"{address} ({language})")
        page.goto(f"{app}/accounts/security/")
        expect_accessible(page, f"security ({language})")
        page.goto(f"{app}/no-such-page/")
        expect_accessible(page, f"404 ({language})")
    finally:
        context.close()
