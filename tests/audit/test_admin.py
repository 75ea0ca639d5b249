"""Django's admin shows the trail read-only: no add, change or delete, not even for a superuser."""

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from membercare.audit.events import record
from membercare.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("sue.super", password="x")


@pytest.fixture
def superuser_client(superuser: Any) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def event(superuser: Any) -> AuditEvent:
    return record(action=Action.REVEAL, actor=superuser, member_id=50000001)


def test_superuser_sees_the_list_of_events(superuser_client, event):
    response = superuser_client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert "sue.super" in response.content.decode()


def test_the_add_page_is_refused_even_to_a_superuser(superuser_client):
    response = superuser_client.get(reverse("admin:audit_auditevent_add"))
    assert response.status_code == 403


def test_the_change_page_is_refused_even_to_a_superuser(superuser_client, event):
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"outcome": "not_found"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


def test_the_delete_page_is_refused_even_to_a_superuser(superuser_client, event):
    url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_there_is_no_delete_action_even_for_a_superuser(superuser, superuser_client, event):
    request = RequestFactory().get("/")
    request.user = superuser
    assert site.get_model_admin(AuditEvent).get_actions(request) == {}

    changelist = reverse("admin:audit_auditevent_changelist")
    assert "delete_selected" not in superuser_client.get(changelist).content.decode()
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in {200, 302}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_the_audit_capability_cannot_see_the_events(django_user_model, event):
    staff = django_user_model.objects.create_user("sam.staff", is_staff=True)
    staff.groups.add(Group.objects.get(name="Call-center agents"))
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 403


def test_staff_in_admins_can_search_the_events_by_username(django_user_model, event):
    staff = django_user_model.objects.create_user("sam.staff", is_staff=True)
    staff.groups.add(Group.objects.get(name="Admins"))
    client = Client()
    client.force_login(staff)
    changelist = reverse("admin:audit_auditevent_changelist")

    found = client.get(changelist, {"q": "sue"})
    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [event]
    assert list(client.get(changelist, {"q": "nobody"}).context["cl"].result_list) == []
