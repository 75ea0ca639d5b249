"""A sign-in storm waits its turn: at most SIGN_INS_AT_ONCE checks per process at once."""

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membercare.accounts import sign_in_turns
from tests.conftest import PASSWORD, app_device, signed_in, totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def one_turn(settings: Any) -> Iterator[threading.BoundedSemaphore]:
    """One turn, taken (as by a sign-in under way in another thread): whoever comes next waits."""
    settings.SIGN_INS_AT_ONCE = 1
    settings.SIGN_IN_WAIT_SECONDS = 0.1
    turns = sign_in_turns._turns.get()
    assert turns.acquire(timeout=1)
    yield turns
    with contextlib.suppress(ValueError):  # the test gave it back already
        turns.release()


def sign_in(client: Client, username: str = "manager") -> Any:
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def test_a_sign_in_with_no_turn_free_within_the_wait_is_told_to_try_again(manager, one_turn):
    started = time.monotonic()
    response = sign_in(Client())

    assert time.monotonic() - started >= 0.1
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Busy: try again" in response.content.decode()


def test_the_sign_in_page_itself_never_waits(manager, one_turn):
    assert Client().get(LOGIN).status_code == 200


def test_a_sign_in_goes_through_when_a_turn_frees_within_the_wait(manager, one_turn, settings):
    settings.SIGN_IN_WAIT_SECONDS = 5
    threading.Timer(0.2, one_turn.release).start()  # the sign-in under way ends

    response = sign_in(Client())

    assert response.status_code == 302  # signed in


def test_a_second_factor_code_waits_its_turn_too(agent, one_turn):
    client = signed_in(agent, second_factor=False)
    code = totp_code(app_device(agent))

    response = client.post(reverse("mfa-verify"), {"code": code})

    assert response.status_code == 503
    assert "Busy: try again" in response.content.decode()


def test_no_bound_with_zero(manager, one_turn, settings):
    settings.SIGN_INS_AT_ONCE = 0
    assert sign_in(Client()).status_code == 302
