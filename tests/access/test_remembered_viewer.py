"""A user's capabilities are read once and remembered, and any change to access applies at once."""

import time
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membercare.access.capabilities import AGENTS, Cap
from membercare.access.models import StaffProfile
from membercare.access.policy import viewer_of
from tests.conftest import STORE

pytestmark = pytest.mark.django_db


def queries_of(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_second_request_reads_no_permissions(agent_client: Client):
    first = queries_of(agent_client, "/")
    second = queries_of(agent_client, "/")

    assert any("auth_permission" in sql for sql in first)
    assert not any("auth_permission" in sql or "access_staffprofile" in sql for sql in second)
    assert len(second) == len(first) - 3


def test_a_capability_granted_to_a_group_applies_at_the_next_request(
    agent: Any, agent_client: Client
):
    assert agent_client.get(reverse("groups")).status_code == 403  # remembered: no groups cap
    Group.objects.get(name=AGENTS).permissions.add(Permission.objects.get(codename=Cap.GROUPS))
    assert agent_client.get(reverse("groups")).status_code == 200


def test_a_store_managers_new_store_applies_at_the_next_request(
    manager: Any, manager_client: Client, rf: Any
):
    def store_seen() -> str:
        request = rf.get("/")
        request.user = get_user_model().objects.get(pk=manager.pk)  # as each request loads it
        return viewer_of(request).store_code

    assert store_seen() == STORE
    profile = StaffProfile.objects.get(user=manager)
    profile.store_code = "del.saket"
    profile.save()

    assert store_seen() == "del.saket"


def test_without_redis_a_change_made_in_another_process_applies_within_seconds(
    agent: Any, agent_client: Client
):
    """Without Redis each process's cache is its own: a group changed in another gunicorn worker
    moves that worker's generation on, not this one's. Here the membership comes into the
    database without this process's signals (as the other worker's change reaches it)."""
    if settings.REDIS_URL:
        pytest.skip("with REDIS_URL every process shares the generation")
    assert settings.ACCESS_REMEMBER_SECONDS == 5
    admins = Group.objects.create(name="Group admins")
    admins.permissions.add(Permission.objects.get(codename=Cap.GROUPS))
    assert agent_client.get(reverse("groups")).status_code == 403  # remembered from here
    get_user_model().groups.through.objects.create(user_id=agent.pk, group_id=admins.pk)

    later = time.time() + settings.ACCESS_REMEMBER_SECONDS + 1
    with time_machine.travel(later, tick=False):
        assert agent_client.get(reverse("groups")).status_code == 200
