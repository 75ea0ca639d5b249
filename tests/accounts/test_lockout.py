"""Failed sign-ins are limited per username and per address: a clear page, an audit event."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from membercare.audit.models import Action, AuditEvent
from tests.conftest import PASSWORD

LIMIT = 5  # settings.SIGN_IN_FAILURE_LIMIT's default


def sign_in(client: Client, username: str, password: str, *, address: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(times: int, username: str = "manager", *, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = sign_in(Client(), username, "wrong password", address=address)
        assert response.status_code in (200, 429)


def signed_in_ok(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_a_username_is_paused_after_five_failures_even_with_the_right_password(manager: Any):
    fail(LIMIT - 1)
    assert signed_in_ok(sign_in(Client(), "manager", PASSWORD))  # under the limit: fine

    fail(LIMIT)
    response = sign_in(Client(), "manager", PASSWORD, address="10.0.0.9")

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assertContains(response, "Sign-in paused", status_code=429)
    assertContains(response, "15 minutes", status_code=429)
    assert "_auth_user_id" not in response.wsgi_request.session
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).exists()


@pytest.mark.django_db
def test_the_pause_ends_after_its_cool_off(manager: Any):
    fail(LIMIT)
    assert sign_in(Client(), "manager", PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert signed_in_ok(sign_in(Client(), "manager", PASSWORD))


@pytest.mark.django_db
def test_an_address_spraying_usernames_is_paused_for_every_username(manager: Any):
    for n in range(LIMIT):
        sign_in(Client(), f"sprayed{n}", "Password123!", address="10.6.6.6")

    assert sign_in(Client(), "manager", PASSWORD, address="10.6.6.6").status_code == 429
    # The same username from another address is not paused: only that address is.
    assert signed_in_ok(sign_in(Client(), "manager", PASSWORD, address="10.0.0.2"))


@pytest.mark.django_db
def test_the_admin_site_sign_in_is_limited_too(manager: Any):
    for _ in range(LIMIT):
        Client().post(
            reverse("admin:login"),
            {"username": "manager", "password": "nope"},
            REMOTE_ADDR="10.0.0.3",
        )
    response = Client().post(
        reverse("admin:login"),
        {"username": "manager", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.3",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_pause_page_says_the_same_for_an_unknown_username(manager: Any):
    fail(LIMIT, "manager")
    fail(LIMIT, "no-such-user", address="10.0.0.4")

    known = sign_in(Client(), "manager", "x", address="10.0.0.5")
    unknown = sign_in(Client(), "no-such-user", "x", address="10.0.0.6")

    assert known.status_code == unknown.status_code == 429
    assert known["Retry-After"] == unknown["Retry-After"]
    assert section(known) == section(unknown)
    assert "manager" not in section(known)


def section(response: Any) -> str:
    """The page's own words (the rest carries per-response nonces and tokens)."""
    html = response.content.decode()
    return html[html.index("<section") : html.index("</section>")]


@pytest.mark.django_db
def test_an_admin_sees_and_lifts_a_pause(manager: Any, group_admin_client: Client):
    fail(LIMIT)
    page = group_admin_client.get(reverse("sign-ins"))
    assertContains(page, "Lift pause of manager")

    response = group_admin_client.post(
        reverse("unlock"), {"kind": "username", "value": "manager"}, follow=True
    )

    assertContains(response, "Lifted the lockout of username manager")
    assertContains(response, "Nobody is paused")
    assert signed_in_ok(sign_in(Client(), "manager", PASSWORD))
    assert AuditEvent.objects.filter(action=Action.UNLOCKED, actor_username="admin").exists()


@pytest.mark.django_db
def test_an_admin_lifts_an_address_pause(manager: Any, group_admin_client: Client):
    for n in range(LIMIT):
        sign_in(Client(), f"sprayed{n}", "x", address="10.7.7.7")

    group_admin_client.post(reverse("unlock"), {"kind": "address", "value": "10.7.7.7"})

    assert signed_in_ok(sign_in(Client(), "manager", PASSWORD, address="10.7.7.7"))


@pytest.mark.django_db
def test_a_bad_unlock_request_is_a_message_not_an_error(group_admin_client: Client):
    response = group_admin_client.post(reverse("unlock"), {"kind": "sideways"}, follow=True)
    assertContains(response, "Choose a lockout to lift")
