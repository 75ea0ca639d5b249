"""Personas for the audit tests: an auditor (in "Admins") and a call-center agent (no audit)."""

from typing import Any

import pytest
from django.test import Client

from membercare.access.capabilities import ADMINS, AGENTS
from tests.conftest import make_user


@pytest.fixture
def auditor(db: None) -> Any:
    return make_user("audrey.auditor", ADMINS)


@pytest.fixture
def auditor_client(auditor: Any) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def call_center_agent(db: None) -> Any:
    return make_user("carl.agent", AGENTS)


@pytest.fixture
def call_center_client(call_center_agent: Any) -> Client:
    client = Client()
    client.force_login(call_center_agent)
    return client
