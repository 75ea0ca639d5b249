"""An admin manages access groups in a real browser: the matrix, a new group, its members."""

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from membercare.access.capabilities import STORE_MANAGERS, Cap
from tests.browser.accessibility import expect_accessible
from tests.browser.conftest import screenshot, sign_in

# As the conftest does: Playwright's event loop runs in this thread beside plain ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def open_matrix(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/access/groups/")
    expect(page.get_by_role("heading", name="Access groups")).to_be_visible()


def test_admin_toggles_a_capability_and_it_is_still_there_after_a_reload(
    page: Page, live_server: Any, group_admin: Any
) -> None:
    refused: list[str] = []  # what the Content Security Policy blocked (inline style, script)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, live_server.url, "admin")
    open_matrix(page, live_server.url)
    box = page.get_by_label(f"{STORE_MANAGERS}: {Cap.FRAUD.label}")
    expect(box).not_to_be_checked()
    expect_accessible(page, "access groups")

    box.check()

    expect(page.locator("#matrix-feedback")).to_contain_text(
        f"Granted “{Cap.FRAUD.label}” to {STORE_MANAGERS}."
    )
    expect_accessible(page, "access groups, a capability granted")
    page.reload()
    expect(page.get_by_label(f"{STORE_MANAGERS}: {Cap.FRAUD.label}")).to_be_checked()
    managers = Group.objects.get(name=STORE_MANAGERS)
    assert managers.permissions.filter(codename=Cap.FRAUD.value).exists()

    page.get_by_label(f"{STORE_MANAGERS}: {Cap.FRAUD.label}").uncheck()
    expect(page.locator("#matrix-feedback")).to_contain_text("Took")
    page.reload()
    expect(page.get_by_label(f"{STORE_MANAGERS}: {Cap.FRAUD.label}")).not_to_be_checked()
    assert refused == []


def test_admin_creates_a_group_and_adds_a_member(
    page: Page, live_server: Any, group_admin: Any, no_group: Any
) -> None:
    sign_in(page, live_server.url, "admin")
    open_matrix(page, live_server.url)

    page.get_by_label("Create a group").fill("  Team leads ")
    page.get_by_role("button", name="Create group").click()

    expect(page.locator("#matrix-feedback")).to_contain_text("Created “Team leads”")
    expect_accessible(page, "access groups, a group created")
    page.get_by_label(f"Team leads: {Cap.LOOKUP.label}").check()
    expect(page.locator("#matrix-feedback")).to_contain_text(f"Granted “{Cap.LOOKUP.label}”")

    page.get_by_role("link", name="Team leads", exact=True).click()
    expect(page.get_by_role("heading", name="Team leads", level=1)).to_be_visible()
    page.get_by_label("Add a member by username").fill("nogroup")
    page.get_by_role("button", name="Add", exact=True).click()

    members = page.locator("#members")
    expect(members.get_by_role("cell", name="nogroup", exact=True)).to_be_visible()
    expect(page.locator("#group-feedback")).to_contain_text("Added nogroup to Team leads.")
    expect_accessible(page, "access group, a member added")
    assert no_group.groups.filter(name="Team leads").exists()
    screenshot(page, "access-group")

    page.locator("main").get_by_role("link", name="Access groups").click()
    expect(page.locator("#group-" + str(Group.objects.get(name="Team leads").pk))).to_contain_text(
        re.compile(r"Team leads\s+1")
    )
    screenshot(page, "access-groups")


def test_admin_without_javascript_saves_a_capability_with_its_button(
    no_js_page: Page, live_server: Any, group_admin: Any
) -> None:
    page = no_js_page
    sign_in(page, live_server.url, "admin")
    open_matrix(page, live_server.url)
    managers = Group.objects.get(name=STORE_MANAGERS)
    cell = page.locator(f"#cap-{managers.pk}-{Cap.COUPONS.value}")

    cell.get_by_role("checkbox").check()
    cell.get_by_role("button", name="Save").click()

    expect(page.locator("#matrix-feedback")).to_contain_text(
        f"Granted “{Cap.COUPONS.label}” to {STORE_MANAGERS}."
    )
    expect(page.get_by_label(f"{STORE_MANAGERS}: {Cap.COUPONS.label}")).to_be_checked()
    assert managers.permissions.filter(codename=Cap.COUPONS.value).exists()


def test_admin_deletes_a_group_after_confirming(
    page: Page, live_server: Any, group_admin: Any
) -> None:
    managers = Group.objects.get(name=STORE_MANAGERS)
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/access/groups/{managers.pk}/")

    page.get_by_role("button", name="Delete group…").click()
    confirm = page.locator("#delete-group")
    expect(confirm).to_contain_text("Nobody is in this group, so nobody loses access.")
    expect_accessible(page, "access group, delete confirmation")
    screenshot(page, "access-group-delete")
    confirm.get_by_role("button", name=f"Delete “{STORE_MANAGERS}”").click()

    expect(page).to_have_url(f"{live_server.url}/access/groups/")
    expect(page.locator("#matrix-feedback")).to_contain_text(f"Deleted “{STORE_MANAGERS}”.")
    expect_accessible(page, "access groups, a group deleted")
    expect(page.get_by_role("link", name=STORE_MANAGERS, exact=True)).to_have_count(0)
    assert not Group.objects.filter(pk=managers.pk).exists()
