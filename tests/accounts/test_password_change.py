"""A local user changes their own password, and their other sessions end; SSO users are sent on."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from membercare.accounts.models import SignedInSession
from membercare.audit.models import Action, AuditEvent
from tests.accounts.test_sessions import is_signed_in, signed_in_by_password
from tests.conftest import PASSWORD, signed_in

NEW = "a long walk past seven lighthouses"


def change(client: Client, old: str, new: str, again: str | None = None) -> Any:
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(reverse("password-change"), data, follow=True)


@pytest.mark.django_db
def test_a_user_changes_their_password_and_their_other_sessions_end(manager: Any):
    here, elsewhere = signed_in_by_password(), signed_in_by_password()

    response = change(here, PASSWORD, NEW)

    assertContains(response, "Your password was changed. Your 1 other session was signed out.")
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    manager.refresh_from_db()
    assert manager.check_password(NEW)
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGE)
    assert (event.actor_username, event.detail) == ("manager", {"sessions": 1})
    assert NEW not in str(event.detail)
    # This session is still listed as active, under its new key.
    assert (
        SignedInSession.objects.get().session_key
        == here.cookies[settings.SESSION_COOKIE_NAME].value
    )


@pytest.mark.django_db
def test_a_wrong_current_password_is_refused(manager: Any):
    response = change(signed_in_by_password(), "not it", NEW)
    assertContains(response, "Your old password was entered incorrectly")
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["short1!", "password", "12345678901234"])
def test_a_weak_new_password_is_refused_with_the_reason(manager: Any, weak: str):
    response = change(signed_in_by_password(), PASSWORD, weak)
    assert response.status_code == 200
    assertContains(response, 'class="error" id="id_new_password2_error"')
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_user_without_a_local_password_is_told_where_it_lives(manager: Any):
    manager.set_unusable_password()
    manager.save()
    response = signed_in(manager).get(reverse("password-change"))
    assertContains(response, "change your password there", status_code=409)
