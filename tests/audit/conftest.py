"""Personas for the audit tests: an auditor (in "Admins") and a call-center agent (no audit)."""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

PASSWORD = "audit-persona-password"


@pytest.fixture
def auditor(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("audrey.auditor", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Admins"))
    return user


@pytest.fixture
def auditor_client(auditor: Any) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def call_center_agent(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("carl.agent", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Call-center agents"))
    return user


@pytest.fixture
def call_center_client(call_center_agent: Any) -> Client:
    client = Client()
    client.force_login(call_center_agent)
    return client
