"""Django's admin shows the trail read-only: no add, change or delete, not even for a superuser."""

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from membercare.access.capabilities import ADMINS, AGENTS
from membercare.audit.events import record
from membercare.audit.models import Action, AuditEvent
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db: None) -> Any:
    """The one user outside the cast: Django's superuser, whom the admin lets do anything."""
    return make_user("sue.super", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(superuser: Any) -> Client:
    return signed_in(superuser)


@pytest.fixture
def event(superuser: Any) -> AuditEvent:
    return record(action=Action.REVEAL, actor=superuser, member_id=50000001)


def test_superuser_sees_the_list_of_events(superuser_client, event):
    response = superuser_client.get(reverse("admin:audit_auditevent_changelist"))
    assertContains(response, "sue.super")


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
    assertNotContains(superuser_client.get(changelist), "delete_selected")
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in {200, 302}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_the_audit_capability_cannot_see_the_events(event):
    staff = make_user("sam.staff", AGENTS, is_staff=True)
    response = signed_in(staff).get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 403


def test_staff_in_admins_can_search_the_events_by_username(event):
    client = signed_in(make_user("sam.staff", ADMINS, is_staff=True))
    changelist = reverse("admin:audit_auditevent_changelist")

    found = client.get(changelist, {"q": "sue"})
    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [event]
    assert list(client.get(changelist, {"q": "nobody"}).context["cl"].result_list) == []
