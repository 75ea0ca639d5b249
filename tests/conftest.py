"""Shared fixtures: personas, a live upstream, and a spy on what reaches Capillary."""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.test import Client
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

PASSWORD = "persona-password"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.create_user("agent", password=PASSWORD, first_name="Ada")


@pytest.fixture
def agent_client(client: Client, agent) -> Client:
    client.force_login(agent)
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
