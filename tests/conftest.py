"""Shared fixtures: personas, a live upstream, and a spy on what reaches Capillary."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from membercare.access.capabilities import ADMINS, AGENTS, STORE_MANAGERS
from membercare.access.models import StaffProfile
from membercare.access.services import ensure_default_groups

pytest_plugins = ["tests.fixtures.catalogs", "tests.fixtures.sandbox", "tests.fixtures.sso"]

PASSWORD = "persona-password"
BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`sandbox` on every test that starts the sandbox process (through `sandbox_url` or
    `live_upstream`), `sso` on every test that starts the OpenID provider (tests/fixtures/sso.py),
    `browser` on everything under tests/browser: `make test-fast` skips all three."""
    for item in items:
        if "sandbox_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.sandbox)
        if "openid_provider" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.sso)
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in LANGUAGE_CODE: a request in another language leaves it active on the
    thread (as a server's next request would activate its own)."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


STORE = "blr.indiranagar"


def make_user(
    username: str, *groups: str, store: str = "", active: bool = True, **fields: Any
) -> Any:
    """A user in some of the default access groups (made by a migration).

    The cast below is what tests use; this is for a test that genuinely needs one more user.
    `fields` go to `create_user` (`is_staff=True`, `is_superuser=True`).
    """
    ensure_default_groups()  # a live-server test's flush removes the migration's groups
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username.title(), is_active=active, **fields
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    if store:
        StaffProfile.objects.create(user=user, store_code=store)
    return user


def signed_in(user: Any, *, second_factor: bool = True) -> Client:
    """A client of its own, signed in as `user`: two personas in one test never share a session.

    Signed in all the way: a local user's session is verified by a second factor, as after
    membercare/mfa's verify step (so that personas who must use one are not stopped at it).
    `second_factor=False`: password only, as just after the sign-in form.
    """
    client = Client()
    client.force_login(user)
    if second_factor and user.has_usable_password():
        session = client.session  # marked verified by the device, as django_otp.login does
        session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
        session.save()
    return client


def app_device(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator app, made as if they had enrolled when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows for `device`, computed from its key as the app does.

    A code is accepted once: when the current step's was used already, the next step's (which the
    device's tolerance of one step accepts).
    """
    device.refresh_from_db()
    step = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    if step > device.last_t:
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    else:
        code = hotp(device.bin_key, device.last_t + 1, digits=device.digits)
    return f"{code:0{device.digits}d}"


# --- The cast: every test's users and their clients -------------------------------------------
# `group_admin` is in the "Admins" access group, not a Django superuser: pytest-django's own
# `admin_user` and `admin_client` (a superuser) keep their meaning.


@pytest.fixture
def agent(db: None) -> Any:
    """A call-center agent: contact details masked, with verify and reveal."""
    return make_user("agent", AGENTS)


@pytest.fixture
def manager(db: None) -> Any:
    """A store manager of STORE: tiers and points, their store's transactions, no contact."""
    return make_user("manager", STORE_MANAGERS, store=STORE)


@pytest.fixture
def group_admin(db: None) -> Any:
    """In "Admins": everything, plus access groups and the audit trail."""
    return make_user("admin", ADMINS)


@pytest.fixture
def no_group(db: None) -> Any:
    """Signed in, in no access group: may do nothing but sign out."""
    return make_user("nogroup")


@pytest.fixture
def inactive(db: None) -> Any:
    """An admin whose account was switched off: signed out, whatever their group grants."""
    return make_user("inactive", ADMINS, active=False)


@pytest.fixture
def agent_client(agent: Any) -> Client:
    return signed_in(agent)


@pytest.fixture
def manager_client(manager: Any) -> Client:
    return signed_in(manager)


@pytest.fixture
def group_admin_client(group_admin: Any) -> Client:
    return signed_in(group_admin)


@pytest.fixture
def no_group_client(no_group: Any) -> Client:
    return signed_in(no_group)


@pytest.fixture
def inactive_client(inactive: Any) -> Client:
    """Signed in before the account was switched off: the session no longer counts."""
    return signed_in(inactive)


@pytest.fixture
def anonymous_client() -> Client:
    """Nobody signed in."""
    return Client()


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
