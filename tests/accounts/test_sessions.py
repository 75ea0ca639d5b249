"""Sessions end when idle, at their lifetime, on sign-out, and at once when a user loses access."""

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from membercare.accounts.models import SignedInSession
from membercare.accounts.session_store import SessionStore as MembercareSessionStore
from membercare.audit.models import Action, AuditEvent
from tests.conftest import PASSWORD, signed_in

HOME = "/"
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


def signed_in_by_password(username: str = "manager") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the sign-in itself failed"
    return client


def signed_in_now() -> tuple[datetime, Client]:
    """A manager's sign-in, and its moment, for a test that then moves the clock from there."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        return start, signed_in_by_password()


def is_signed_in(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(manager: Any):
    start, client = signed_in_now()
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert is_signed_in(client)
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        login_page = client.get(response["Location"])

    assertContains(login_page, "signed out after 30 minutes without activity")
    event = AuditEvent.objects.get(action=Action.SESSION_ENDED)
    assert (event.outcome, event.actor_username) == ("idle", "manager")
    assert not SignedInSession.objects.exists()


@pytest.mark.django_db
def test_activity_keeps_a_session_alive_until_its_twelve_hour_lifetime(manager: Any):
    start, client = signed_in_now()
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes, all day
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert is_signed_in(client), f"signed out after {minutes} minutes of use"
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert not is_signed_in(client)
    assert AuditEvent.objects.get(action=Action.SESSION_ENDED).outcome == "lifetime"


@pytest.mark.django_db
def test_an_htmx_request_on_an_expired_session_sends_the_browser_to_sign_in(manager: Any):
    start, client = signed_in_now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        response = client.get(reverse("customer-tiers", args=[50000002]), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert "50000002" not in response.content.decode()


@pytest.mark.django_db
def test_signing_out_ends_the_session_on_the_server(manager: Any):
    client = signed_in_by_password()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(reverse("logout"))

    assert not SessionStore().exists(key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert not is_signed_in(replay)
    assert not SignedInSession.objects.exists()


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions_at_once(manager: Any):
    first, second = signed_in_by_password(), signed_in_by_password()

    manager.is_active = False
    manager.save()

    assert not is_signed_in(first)
    assert not is_signed_in(second)
    ended = AuditEvent.objects.filter(action=Action.SESSION_ENDED, outcome="deactivated")
    assert ended.count() == 2


@pytest.mark.django_db
def test_removing_a_users_last_group_ends_their_sessions(manager: Any):
    client = signed_in_by_password()

    manager.groups.clear()

    assert not is_signed_in(client)


@pytest.mark.django_db
def test_deleting_a_users_only_group_ends_their_sessions(manager: Any, group_admin_client: Client):
    client = signed_in_by_password()
    group = manager.groups.get()
    group.delete()

    assert not is_signed_in(client)


@pytest.mark.django_db
def test_an_admin_sees_and_ends_a_users_session(manager: Any, group_admin_client: Client):
    client = signed_in_by_password()
    page = group_admin_client.get(reverse("sign-ins"))
    assertContains(page, "End session of manager")
    session = SignedInSession.objects.get(user=manager)
    assertNotContains(page, session.session_key)  # the key is a credential: never shown

    response = group_admin_client.post(reverse("session-end", args=[session.pk]), follow=True)

    assertContains(response, "Ended a session of manager")
    assert not is_signed_in(client)
    event = AuditEvent.objects.get(action=Action.SESSION_ENDED)
    assert (event.outcome, event.actor_username) == ("by_admin", "admin")


@pytest.mark.django_db
def test_an_admin_cannot_end_their_own_session_from_the_list(group_admin_client: Client):
    group_admin_client.get(HOME)
    own = SignedInSession.objects.get()
    response = group_admin_client.post(reverse("session-end", args=[own.pk]), follow=True)
    assertContains(response, "That is this session")
    assert is_signed_in(group_admin_client)


@pytest.mark.django_db
def test_ending_a_session_that_is_gone_is_a_404(group_admin_client: Client):
    assert group_admin_client.post(reverse("session-end", args=[999])).status_code == 404


@pytest.mark.django_db
def test_the_list_leaves_out_sessions_that_ran_out(manager: Any, group_admin_client: Client):
    start = timezone.now() - timedelta(hours=2)
    with time_machine.travel(start, tick=False):
        signed_in_by_password()
    assertNotContains(group_admin_client.get(reverse("sign-ins")), "End session of manager")


# The page's idle warning asks the server how long is left (static/js/session.js).


@pytest.mark.django_db
def test_asking_how_long_is_left_is_not_activity(manager: Any):
    start, client = signed_in_now()
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        answer = client.get(reverse("session-status")).json()
    assert answer == {"signed_in": True, "seconds_left": 20 * 60}
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert client.get(reverse("session-status")).json() == {"signed_in": False}
    assert AuditEvent.objects.get(action=Action.SESSION_ENDED).outcome == "idle"


@pytest.mark.django_db
def test_stay_signed_in_counts_as_activity(manager: Any):
    start, client = signed_in_now()
    with time_machine.travel(start + timedelta(minutes=28), tick=False):
        answer = client.post(reverse("session-status")).json()
    assert answer == {"signed_in": True, "seconds_left": 30 * 60}
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert is_signed_in(client)


@pytest.mark.django_db
def test_the_time_left_is_the_lifetimes_when_that_comes_first(manager: Any):
    start, client = signed_in_now()
    for minutes in range(20, 11 * 60 + 50, 20):  # in use all day, last at 11:40
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert is_signed_in(client)
    with time_machine.travel(start + timedelta(hours=11, minutes=50), tick=False):
        assert client.get(reverse("session-status")).json()["seconds_left"] == 10 * 60


def test_a_signed_out_page_hears_so_without_a_redirect(anonymous_client: Client):
    response = anonymous_client.get(reverse("session-status"))
    assert (response.status_code, response.json()) == (200, {"signed_in": False})


@pytest.mark.django_db
def test_the_index_follows_a_session_whose_key_changes(manager: Any, group_admin_client: Client):
    """Django gives a session a new key when its privilege changes (a second factor passed)."""
    client = signed_in_by_password()
    store = MembercareSessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    store.load()
    store.cycle_key()
    assert store.session_key is not None
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key

    assert SignedInSession.objects.get(user=manager).session_key == store.session_key
    session = SignedInSession.objects.get(user=manager)
    group_admin_client.post(reverse("session-end", args=[session.pk]))
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_a_user_sees_where_they_are_signed_in_and_signs_out_everywhere_else(manager: Any):
    here, elsewhere = signed_in_by_password(), signed_in_by_password()
    page = here.get(reverse("mfa-security"))
    assertContains(page, "This browser", count=1)
    assertContains(page, "Sign out everywhere else")

    refused = here.post(reverse("end-other-sessions"), {"password": "not it"}, follow=True)
    assertContains(refused, "Type your password to sign out your other sessions.")
    assert is_signed_in(elsewhere)

    response = here.post(reverse("end-other-sessions"), {"password": PASSWORD}, follow=True)

    assertContains(response, "Signed out 1 other session.")
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert AuditEvent.objects.get(action=Action.SESSION_ENDED).outcome == "by_user"


@pytest.mark.django_db
def test_an_sso_user_signs_out_everywhere_else_without_a_password(manager: Any):
    manager.set_unusable_password()
    manager.save()
    here, elsewhere = signed_in(manager), signed_in(manager)

    here.post(reverse("end-other-sessions"))

    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)


@pytest.mark.django_db
def test_an_admin_ends_every_session_of_one_user(manager: Any, agent: Any, group_admin_client):
    first, second, other = signed_in_by_password(), signed_in_by_password(), signed_in(agent)
    page = group_admin_client.get(reverse("sign-ins"))
    assertContains(page, "End all 2 sessions of manager")

    response = group_admin_client.post(
        reverse("sessions-end"), {"username": "manager"}, follow=True
    )

    assertContains(response, "Ended 2 sessions of manager.")
    assert not is_signed_in(first)
    assert not is_signed_in(second)
    assert is_signed_in(other)


@pytest.mark.django_db
def test_an_admin_ends_every_session_but_their_own(manager: Any, agent: Any, group_admin_client):
    mine, theirs = group_admin_client, [signed_in_by_password(), signed_in(agent)]
    mine.get(HOME)

    mine.post(reverse("sessions-end"), {"everyone": "on"})

    assert is_signed_in(mine)
    assert not any(is_signed_in(client) for client in theirs)


@pytest.mark.django_db
def test_ending_sessions_without_saying_whose_is_a_message(group_admin_client: Client):
    response = group_admin_client.post(reverse("sessions-end"), {}, follow=True)
    assertContains(response, "Say whose sessions to end.")


@pytest.mark.django_db
def test_a_session_ended_by_another_process_is_ended_in_this_one_too(manager: Any):
    """Another process (a gunicorn worker, an instance) signs the session out or an admin ends
    it there: its row goes from the database, and this process's cache, which that process
    cannot reach without Redis, must not keep it alive."""
    if settings.REDIS_URL:
        pytest.skip("with REDIS_URL every process shares the cache the session is read from")
    client = signed_in_by_password()
    assert is_signed_in(client)

    from django.contrib.sessions.models import Session

    Session.objects.all().delete()  # as the other process's delete reaches this one: the row only

    assert not is_signed_in(client)
