"""Single sign-on's configuration and failure pages, with no provider process (make test-fast)."""

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.test import Client
from django.urls import reverse

from membercare.audit.models import Action, AuditEvent
from membercare.sso import provider
from tests.fixtures.sandbox import free_port
from tests.test_settings import run_settings, settings_of

ISSUER = "https://login.example.com/realms/corp"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/certs",
}
BASE_ENV = {"DEBUG": "false", "SECRET_KEY": "x" * 50}
SSO_ENV = {
    **BASE_ENV,
    # Nothing listens there: the settings must load without asking the provider anything.
    "OIDC_ISSUER": "http://127.0.0.1:9",
    "OIDC_CLIENT_ID": "membercare",
    "OIDC_CLIENT_SECRET": "s3cret",
    "OIDC_GROUP_MAP": "cc-agents=Call-center agents, store-mgrs=Store managers",
}


@pytest.fixture(autouse=True)
def _fresh_discovery() -> Iterator[None]:
    provider.forget_endpoints()
    yield
    provider.forget_endpoints()


@pytest.fixture
def configured(settings: Any) -> Any:
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "membercare"
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_PROVIDER_NAME = "Corp ID"
    return settings


def test_the_sso_backend_comes_after_axes_only_when_sso_is_configured():
    on: Any = settings_of(SSO_ENV, "AUTHENTICATION_BACKENDS", "OIDC_GROUP_MAP")
    off: Any = settings_of({**SSO_ENV, "OIDC_CLIENT_SECRET": ""}, "AUTHENTICATION_BACKENDS")

    assert on["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert on["AUTHENTICATION_BACKENDS"][-1] == "membercare.sso.backend.SSOBackend"
    assert "membercare.sso.backend.SSOBackend" not in off["AUTHENTICATION_BACKENDS"]
    assert on["OIDC_GROUP_MAP"] == {
        "cc-agents": "Call-center agents",
        "store-mgrs": "Store managers",
    }


def test_a_group_map_entry_without_an_equals_sign_stops_the_start_with_a_clear_message():
    result = run_settings({**SSO_ENV, "OIDC_GROUP_MAP": "cc-agents"})

    assert result.returncode != 0
    assert "OIDC_GROUP_MAP: 'cc-agents' is not provider-group=access group" in result.stderr


@pytest.mark.django_db
def test_the_sign_in_page_has_no_sso_button_when_sso_is_not_configured(client: Client):
    response = client.get(reverse("login"))

    assert b"Sign in with" not in response.content
    assert reverse("sso-start").encode() not in response.content


@pytest.mark.django_db
def test_the_sign_in_page_offers_sso_above_the_local_form_when_configured(
    client: Client, configured: Any
):
    response = client.get(reverse("login") + "?next=/audit/")

    html = response.content.decode()
    assert "Sign in with Corp ID" in html
    assert f'href="{reverse("sso-start")}?next=/audit/"' in html
    assert html.index("Sign in with Corp ID") < html.index('name="password"')


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["sso-start", "sso-callback"])
def test_the_sso_pages_do_not_exist_while_sso_is_not_configured(client: Client, name: str):
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.django_db
def test_a_provider_that_is_down_gives_a_clear_page_not_an_error(client: Client, configured: Any):
    configured.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nothing listens

    response = client.get(reverse("sso-start"))

    assert response.status_code == 503
    assert b"Signing in with Corp ID is not possible right now" in response.content
    refused = AuditEvent.objects.get(action=Action.SSO_REFUSED)
    assert refused.detail == {"reason": "provider_unreachable"}


@pytest.mark.django_db
def test_a_provider_that_never_answers_is_given_up_on_after_the_timeout(
    client: Client, configured: Any
):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections, never answers
        configured.OIDC_ISSUER = f"http://127.0.0.1:{silent.getsockname()[1]}"
        configured.OIDC_TIMEOUT = 0.5
        started = time.monotonic()

        response = client.get(reverse("sso-start"))

        took = time.monotonic() - started
    assert response.status_code == 503
    assert took < 3


@pytest.mark.django_db
def test_a_callback_with_no_flow_started_says_start_again(client: Client, configured: Any):
    response = client.get(reverse("sso-callback") + "?code=abc&state=never-issued")

    assert response.status_code == 400
    assert b"Please start again" in response.content
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail == {
        "reason": "expired_or_replayed"
    }


@responses.activate
def test_discovery_is_asked_once_per_process(configured: Any):
    call = responses.get(f"{ISSUER}/.well-known/openid-configuration", json=DISCOVERY)

    first, second = provider.endpoints(), provider.endpoints()

    assert first == second
    assert first.jwks == f"{ISSUER}/certs"
    assert call.call_count == 1


@responses.activate
def test_discovery_naming_another_issuer_is_not_used(configured: Any):
    responses.get(
        f"{ISSUER}/.well-known/openid-configuration",
        json={**DISCOVERY, "issuer": "https://evil.example.com"},
    )

    with pytest.raises(provider.ProviderUnavailable):
        provider.endpoints()


@responses.activate
def test_a_failed_discovery_is_not_kept(configured: Any):
    responses.get(f"{ISSUER}/.well-known/openid-configuration", status=503)
    responses.get(f"{ISSUER}/.well-known/openid-configuration", json=DISCOVERY)

    with pytest.raises(provider.ProviderUnavailable):
        provider.endpoints()

    assert provider.endpoints().issuer == ISSUER
