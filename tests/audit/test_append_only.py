"""Nothing changes or removes an audit event: not the ORM and, on PostgreSQL, not raw SQL."""

from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from membercare.audit.events import record
from membercare.audit.models import Action, AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def event(agent: Any) -> AuditEvent:
    return record(action=Action.VIEW_CUSTOMER, actor=agent, member_id=50000001)


def test_queryset_update_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="not_found")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(actor=None, outcome="ok")
    event.refresh_from_db()
    assert event.outcome == "ok"


def test_queryset_delete_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_saving_an_event_again_is_refused(event):
    event.outcome = "not_found"
    with pytest.raises(AppendOnlyError):
        event.save()
    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.outcome = "not_found"
    with pytest.raises(AppendOnlyError):
        fetched.save(update_fields=["outcome"])
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


def test_bulk_update_is_refused(event):
    event.outcome = "not_found"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["outcome"])


def test_a_new_event_with_an_existing_id_cannot_overwrite_it(event):
    impostor = AuditEvent(pk=event.pk, action=Action.SIGN_IN, actor_username="mallory")
    with pytest.raises(IntegrityError), transaction.atomic():
        impostor.save()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.VIEW_CUSTOMER


def test_deleting_a_user_keeps_their_events_under_their_username(agent, event):
    agent.delete()

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_username == "agent"
    assert event.action == Action.VIEW_CUSTOMER


@on_postgresql
def test_raw_sql_update_is_refused_by_the_database(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET outcome = 'ok2' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


@on_postgresql
def test_raw_sql_delete_is_refused_by_the_database(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_raw_sql_cannot_hide_a_change_inside_the_actor_detachment(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET actor_id = NULL, member_id = 1 WHERE id = %s",
            [event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).member_id == 50000001
