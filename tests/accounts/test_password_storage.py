"""Local passwords are stored with Argon2id, and older hashes are rewritten at the next sign-in."""

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from membercare import settings as production
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_new_password_is_stored_as_argon2id_at_the_chosen_cost():
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_pbkdf2_password_still_signs_in_and_is_rewritten(manager: Any):
    manager.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    manager.save()

    response = Client().post(reverse("login"), {"username": "manager", "password": PASSWORD})

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.password.startswith("argon2$argon2id$")
