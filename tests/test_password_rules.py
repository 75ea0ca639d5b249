"""Local accounts' password rules: at least 12 characters, not common, not a common word dressed up.

The red team had 16 of 20 weak passwords accepted (`Password123!` among them, minimum length 8).
The rules are the project's AUTH_PASSWORD_VALIDATORS, checked as Django checks them everywhere
(admin, password change, createsuperuser): with validate_password.
"""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from membercare.passwords import CommonWordValidator

pytestmark = pytest.mark.django_db

WEAK = [
    "Password123!",  # the red team's
    "Password1234",
    "Welcome2024!",
    "Summer2024!!",
    "2024Welcome!",  # digits in front
    "P@ssw0rd2024!",  # letters swapped for symbols
    "Passw0rd!!!!",
    "Letmein12345!",
    "Iloveyou2024",
    "Admin123456!",
    "Football1234",
    "Qwerty123456",
    "Sunshine1234",
    "Dr@g0n2024!!",
    "Membercare123",  # the site's own name
    "Capillary2024!",
    "!!!!1111@@@@",  # no word at all
    "123456789012",  # digits only
    "short1!",  # too short
    "agentagent12",  # like the username
]
GOOD = [
    "correct horse battery staple",
    "tamarind-kettle-voyage-91",
    "Seven quiet lanterns at noon",
    "bluefinch.orchard.glacier",
    "my-cat-sleeps-on-the-fridge",
]


def a_user() -> Any:
    return get_user_model()(username="agentagent", email="agent@example.com", first_name="Ada")


@pytest.mark.parametrize("password", WEAK)
def test_a_weak_password_is_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, a_user())


@pytest.mark.parametrize("password", GOOD)
def test_a_good_passphrase_is_accepted(password: str) -> None:
    validate_password(password, a_user())


def test_passwords_are_at_least_twelve_characters_by_default() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password("kettle-orbi", a_user())  # 11
    assert refused.value.messages == [
        "This password is too short. It must contain at least 12 characters."
    ]
    validate_password("kettle-orbit", a_user())  # 12


def test_the_common_word_rule_says_what_is_wrong() -> None:
    with pytest.raises(ValidationError) as refused:
        CommonWordValidator().validate("Password123!")
    assert refused.value.messages == [
        "This password is a common word with digits or symbols around it."
    ]
    CommonWordValidator().validate("Password123! is fine inside a longer phrase")


def test_the_minimum_length_is_a_setting(settings: Any) -> None:
    validators = get_default_password_validators()
    lengths = [v.min_length for v in validators if hasattr(v, "min_length")]
    assert lengths == [settings.PASSWORD_MIN_LENGTH] == [12]


def test_demo_users_keep_the_documented_password(settings: Any) -> None:
    out = StringIO()
    call_command("demo_users", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("membercare-demo")
    assert "demo user admin" in out.getvalue()


def test_demo_users_refuse_a_weak_demo_password(settings: Any) -> None:
    settings.DEMO_PASSWORD = "Password123!"
    with pytest.raises(CommandError, match="DEMO_PASSWORD is refused"):
        call_command("demo_users", stdout=StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()
