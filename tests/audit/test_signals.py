"""Signing in, signing out and failed sign-ins each write exactly one event."""

import pytest
from django.contrib.auth import signals
from django.test import RequestFactory
from django.urls import reverse

from membercare.audit.models import Action, AuditEvent
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "hunter2-wrong-password"


def test_signing_in_writes_one_sign_in_event(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": PASSWORD})

    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.action == Action.SIGN_IN
    assert event.outcome == "ok"
    assert event.actor == agent
    assert event.actor_username == "agent"
    assert event.ip == "127.0.0.1"
    assert event.detail == {"via": "password"}


def test_signing_out_writes_one_sign_out_event(agent):
    client = signed_in(agent)
    sign_in = AuditEvent.objects.get()  # force_login is a sign-in too

    client.post(reverse("logout"))

    event = AuditEvent.objects.exclude(pk=sign_in.pk).get()
    assert event.action == Action.SIGN_OUT
    assert event.actor == agent


def test_a_failed_sign_in_writes_one_event_with_the_username_and_never_the_password(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": WRONG_PASSWORD})

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == Action.SIGN_IN_FAILED
    assert event.outcome == "failed"
    assert event.actor is None
    assert event.detail == {"username": "agent"}
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert WRONG_PASSWORD not in str(row)


def test_each_auth_signal_writes_exactly_one_event(agent):
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    request.user = agent

    signals.user_logged_in.send(sender=type(agent), request=request, user=agent)
    signals.user_logged_out.send(sender=type(agent), request=request, user=agent)
    signals.user_login_failed.send(
        sender=__name__,
        credentials={"username": "nobody", "password": "********************"},
        request=request,
    )

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [Action.SIGN_IN, Action.SIGN_OUT, Action.SIGN_IN_FAILED]
    assert set(AuditEvent.objects.values_list("ip", flat=True)) == {"10.1.2.3"}


def test_signing_out_when_nobody_was_signed_in_records_nothing():
    signals.user_logged_out.send(sender=None, request=RequestFactory().post("/"), user=None)
    assert not AuditEvent.objects.exists()
