"""The sandbox's tests run against its own test database, seeded once per session."""

import json
from collections.abc import Callable
from typing import Any, Protocol

import pytest
from django.test import Client

from membercare.sandbox.generator import seed_sandbox
from tests.fixtures.sandbox import PASSWORD, USERNAME, basic_auth

SEED_CUSTOMERS = 60
SEED = 7
ENDPOINT = "/sandbox/v1.1/customer/get"

# Every test here reads the sandbox alias (and the default one, for the project's middleware).
SANDBOX_DB = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """After pytest-django creates the test databases, seed the sandbox's once: 60 members plus
    the demo identities take about a second, and every test rolls back to them."""
    with django_db_blocker.unblock():
        seed_sandbox(customers=SEED_CUSTOMERS, seed=SEED)


class Answer(Protocol):
    """What the tests read of a test-client response."""

    status_code: int

    @property
    def content(self) -> bytes: ...

    def __getitem__(self, header: str) -> str: ...


Call = Callable[..., Answer]


@pytest.fixture
def call(client: Client) -> Call:
    """GET the endpoint as the sandbox's API till: `call(email="...", mlp="true")`."""

    def get(headers: dict[str, str] | None = None, **params: Any) -> Answer:
        auth = {"Authorization": basic_auth(USERNAME, PASSWORD)}
        return client.get(ENDPOINT, params, headers=auth | (headers or {}))

    return get


def body(response: Answer) -> dict[str, Any]:
    return json.loads(response.content)


def customers(response: Answer) -> list[dict[str, Any]]:
    return body(response)["response"]["customers"]["customer"]


def one(response: Answer) -> dict[str, Any]:
    (item,) = customers(response)
    return item


def codes(item: dict[str, Any]) -> tuple[int, list[int]]:
    """An item's code and its warnings' codes."""
    status = item["item_status"]
    return status["code"], [warning["code"] for warning in status["warnings"]]
