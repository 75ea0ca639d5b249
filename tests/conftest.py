"""Shared fixtures: personas, a live upstream, and a spy on what reaches Capillary."""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from membercare.access.capabilities import ADMINS, AGENTS, STORE_MANAGERS
from membercare.access.models import StaffProfile
from membercare.access.services import ensure_default_groups

pytest_plugins = ["tests.fixtures.sandbox"]

PASSWORD = "persona-password"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


STORE = "blr.indiranagar"


def make_user(username: str, *groups: str, store: str = "", active: bool = True):
    """A persona: a user in some of the default access groups (made by a migration)."""
    ensure_default_groups()  # a live-server test's flush removes the migration's groups
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username.title(), is_active=active
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    if store:
        StaffProfile.objects.create(user=user, store_code=store)
    return user


@pytest.fixture
def agent(db):
    return make_user("agent", AGENTS)


@pytest.fixture
def manager(db):
    return make_user("manager", STORE_MANAGERS, store=STORE)


@pytest.fixture
def group_admin(db):
    return make_user("admin", ADMINS)


@pytest.fixture
def no_group(db):
    return make_user("nogroup")


@pytest.fixture
def inactive(db):
    return make_user("inactive", AGENTS, active=False)


@pytest.fixture
def agent_client(client: Client, agent) -> Client:
    client.force_login(agent)
    return client


@pytest.fixture
def manager_client(client: Client, manager) -> Client:
    client.force_login(manager)
    return client


@pytest.fixture
def group_admin_client(client: Client, group_admin) -> Client:
    client.force_login(group_admin)
    return client


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


@dataclass
class UpstreamSpy:
    """Every HTTP request that left for Capillary (the sandbox), as sent."""

    requests: list[PreparedRequest] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.requests)

    def reset(self) -> None:
        self.requests.clear()


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> UpstreamSpy:
    """Counts the requests the Capillary client sends, and lets them through unchanged."""
    spy = UpstreamSpy()
    send = HTTPAdapter.send

    def counting_send(self: HTTPAdapter, request: PreparedRequest, *args, **kwargs):
        spy.requests.append(request)
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", counting_send)
    return spy


@pytest.fixture
def live_upstream(settings, sandbox_url: str) -> str:
    """Point the dashboard at the sandbox process, over real HTTP."""
    settings.CAPILLARY_BASE_URL = sandbox_url
    return sandbox_url
