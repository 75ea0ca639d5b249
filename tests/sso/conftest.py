"""A real OpenID provider for the SSO tests: panva's oidc-provider (tests/sso/provider/), over HTTP.

- `openid_provider` (session): one provider process on 127.0.0.1, its accounts emptied before
  each test that uses `idp`.
- `idp`: that provider, for one test: add and change accounts with `idp.account(...)`.
- `start_provider`: more provider processes for one test (one that signs with a key it does not
  publish, one to stop mid-test); stopped at the test's end.
- `sso`: membercare's settings pointed at `idp`, with the map cc-agents → Call-center agents and
  store-mgrs → Store managers, and the store claim `store_code`.
- `sign_in_with_sso(client, idp, sub)`: the whole flow, membercare → provider → membercare.

Every test using these is marked `sso` (tests/conftest.py): `make test` runs them, `make
test-fast` does not.
"""

import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from membercare.access.capabilities import AGENTS, STORE_MANAGERS
from membercare.access.services import ensure_default_groups
from membercare.sso import provider as sso_provider
from tests.fixtures.sandbox import free_port, stop

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID = "membercare"
CLIENT_SECRET = "membercare-test-client-secret"
OUR_ORIGIN = "http://testserver"  # the Django test client's host
REDIRECT_URI = f"{OUR_ORIGIN}/accounts/sso/callback/"
STARTUP_SECONDS = 20
GROUP_MAP = {"cc-agents": AGENTS, "store-mgrs": STORE_MANAGERS}


@dataclass
class Provider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen[bytes]
    log: Path

    def account(self, sub: str, **fields: Any) -> None:
        """Create or change an account: username, email, name, groups, store_code, disabled."""
        accounts = json.loads(self.accounts_file.read_text())
        accounts[sub] = {**accounts.get(sub, {}), **fields}
        self.accounts_file.write_text(json.dumps(accounts))

    def forget_accounts(self) -> None:
        self.accounts_file.write_text("{}")

    def stop(self) -> None:
        stop(self.process)


def launch(directory: Path, *, wrong_key: bool = False) -> Provider:
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test provider is not installed: run `make test`, which installs it")
    port = free_port()
    accounts = directory / "accounts.json"
    accounts.write_text("{}")
    log = directory / "provider.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": REDIRECT_URI,
        "ACCOUNTS_FILE": str(accounts),
        "PUBLISH_WRONG_KEY": "1" if wrong_key else "0",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    idp = Provider(f"http://127.0.0.1:{port}", accounts, process, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"provider exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=1).ok:
                return idp
        except requests.RequestException:
            pass
        time.sleep(0.1)
    idp.stop()
    raise RuntimeError(f"provider not answering after {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    idp = launch(tmp_path_factory.mktemp("openid-provider"))
    yield idp
    idp.stop()


@pytest.fixture
def idp(openid_provider: Provider) -> Provider:
    openid_provider.forget_accounts()
    return openid_provider


@pytest.fixture
def start_provider(
    openid_provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Provider]]:
    """Needs `openid_provider` only so that every test using this is marked `sso`."""
    started: list[Provider] = []

    def start(*, wrong_key: bool = False) -> Provider:
        started.append(launch(tmp_path_factory.mktemp("openid-provider"), wrong_key=wrong_key))
        return started[-1]

    yield start
    for idp in started:
        idp.stop()


def point_at(settings: Any, idp: Provider) -> None:
    """membercare's settings for this provider (as OIDC_* in the environment would set them)."""
    settings.OIDC_ISSUER = idp.issuer
    sso_provider.forget_endpoints()


@pytest.fixture
def sso(settings: Any, idp: Provider, db: None) -> Iterator[Provider]:
    ensure_default_groups()
    point_at(settings, idp)
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_GROUP_MAP = GROUP_MAP
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_STORE_CLAIM = "store_code"
    settings.OIDC_TIMEOUT = 5
    settings.OIDC_RECHECK_SECONDS = 300
    # oidc-provider follows OpenID Connect Core: a refresh token for offline_access only with
    # prompt=consent.
    settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"prompt": "consent"}
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "membercare.sso.backend.SSOBackend",
    ]
    yield idp
    sso_provider.forget_endpoints()


def sign_in_with_sso(client: Client, sub: str, *, next_url: str = "") -> Any:
    """Start at membercare, sign in as `sub` at the provider, and return membercare's answer to
    the provider's redirect back (the callback)."""
    start = client.get(reverse("sso-start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content
    back = at_the_provider(start["Location"], login=sub)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def at_the_provider(url: str, *, login: str) -> str:
    """Follow the provider's pages as a browser would, signing in as `login` on its form, until
    it sends the browser back to membercare; that URL."""
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False, timeout=5)
    for _ in range(20):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(OUR_ORIGIN):
                return location
            response = browser.get(location, allow_redirects=False, timeout=5)
        elif response.ok and (form := re.search(r'action="([^"]+)"', response.text)):
            response = browser.post(
                urljoin(response.url, form.group(1)),
                data={"login": login},
                allow_redirects=False,
                timeout=5,
            )
        else:
            raise AssertionError(f"provider answered {response.status_code}: {response.text[:300]}")
    raise AssertionError("the provider never sent the browser back")
