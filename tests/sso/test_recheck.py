"""The periodic re-check: what the provider says about a signed-in user reaches membercare."""

import time
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from membercare.access.capabilities import ADMINS, AGENTS, STORE_MANAGERS
from membercare.accounts.models import SignedInSession
from membercare.audit.models import Action, AuditEvent
from membercare.sso.recheck import SESSION_KEY
from tests.fixtures.sso import Provider, point_at, sign_in_with_sso

User = get_user_model()
INTERVAL = 300


def groups_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def later(seconds: float) -> Any:
    """The clock `seconds` from now, still ticking."""
    return time_machine.travel(time.time() + seconds, tick=True)


def ended_sessions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=Action.SESSION_ENDED).values_list("outcome", flat=True)
    )


@pytest.fixture
def ann(sso: Provider) -> Client:
    """Ann, an agent and a store manager at the provider, signed in."""
    sso.account("ann", username="ann", groups=["cc-agents", "store-mgrs"], store_code="blr.hsr")
    client = Client()
    sign_in_with_sso(client, "ann")
    assert groups_of("ann") == {AGENTS, STORE_MANAGERS}
    return client


def test_a_user_removed_from_a_group_at_the_provider_loses_it_on_the_next_recheck(
    sso: Provider, ann: Client
):
    sso.account("ann", groups=["cc-agents"])

    with later(INTERVAL - 30):
        assert ann.get("/").status_code == 200
        assert groups_of("ann") == {AGENTS, STORE_MANAGERS}  # not due yet: nobody asked
    with later(INTERVAL + 1):
        assert ann.get("/").status_code == 200

    assert groups_of("ann") == {AGENTS}
    change = AuditEvent.objects.filter(action=Action.GROUP_CHANGE).latest("at")
    assert change.detail["group"] == STORE_MANAGERS
    assert change.detail["source"] == "sso"


def test_the_rotated_refresh_token_is_kept_so_every_recheck_works(sso: Provider, ann: Client):
    first = ann.session[SESSION_KEY]["refresh_token"]
    with later(INTERVAL + 1):
        assert ann.get("/").status_code == 200
    second = ann.session[SESSION_KEY]["refresh_token"]
    sso.account("ann", groups=["store-mgrs"])
    with later(2 * INTERVAL + 2):
        assert ann.get("/").status_code == 200

    assert first != second  # the test provider rotates at every use
    assert groups_of("ann") == {STORE_MANAGERS}


def test_a_group_given_by_hand_to_an_sso_user_goes_at_the_next_recheck(sso: Provider, ann: Client):
    User.objects.get(username="ann").groups.add(Group.objects.get(name=ADMINS))

    with later(INTERVAL + 1):
        ann.get("/")

    assert groups_of("ann") == {AGENTS, STORE_MANAGERS}  # the provider owns SSO users' groups


@pytest.mark.parametrize("refresh_token", [True, False], ids=["refresh-grant", "userinfo"])
def test_a_user_disabled_at_the_provider_is_signed_out_on_the_next_recheck(
    sso: Provider, settings: Any, refresh_token: bool
):
    if not refresh_token:
        # Without prompt=consent, oidc-provider drops offline_access: no refresh token, and the
        # re-check asks userinfo with the access token.
        settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {}
    sso.account("ann", username="ann", groups=["cc-agents"])
    client = Client()
    sign_in_with_sso(client, "ann")
    assert bool(client.session[SESSION_KEY]["refresh_token"]) is refresh_token
    sso.account("ann", disabled=True)

    with later(INTERVAL + 1):
        response = client.get("/")
        follow = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert b"no longer accepts your account" in follow.content
    assert ended_sessions() == ["sso_gone"]
    assert not SignedInSession.objects.exists()  # no longer listed as signed in


def test_an_htmx_request_of_a_disabled_user_sends_the_browser_to_sign_in(
    sso: Provider, ann: Client, htmx_headers: dict[str, str]
):
    sso.account("ann", disabled=True)

    with later(INTERVAL + 1):
        response = ann.get("/", headers=htmx_headers)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert ann.get("/").status_code == 302


def test_a_user_left_in_no_mapped_group_is_signed_out_on_the_next_recheck(
    sso: Provider, ann: Client
):
    sso.account("ann", groups=["marketing"])

    with later(INTERVAL + 1):
        response = ann.get("/")

    assert response.status_code == 302
    assert groups_of("ann") == set()
    # One event: ours, or the one membercare.accounts writes when it ends the sessions of a user
    # who lost their last group.
    assert len(ended_sessions()) == 1
    assert ended_sessions()[0] in {"sso_no_access", "no_access"}


def test_an_unreachable_provider_keeps_the_session_for_two_intervals_then_ends_it(
    sso: Provider, settings: Any, start_provider: Any
):
    brief = start_provider()
    point_at(settings, brief)
    brief.account("ann", username="ann", groups=["cc-agents"])
    client = Client()
    sign_in_with_sso(client, "ann")
    brief.stop()

    with later(INTERVAL + 1):
        assert client.get("/").status_code == 200  # failing open, for now
    with later(2 * INTERVAL - 1):
        assert client.get("/").status_code == 200  # asked at INTERVAL: not due again yet
    with later(2 * INTERVAL + 2):
        response = client.get("/")

    assert response.status_code == 302
    assert ended_sessions() == ["sso_unreachable"]


def test_an_sso_session_ends_when_single_sign_on_is_switched_off(
    sso: Provider, ann: Client, settings: Any
):
    settings.OIDC_ISSUER = ""

    response = ann.get("/")

    assert response.status_code == 302
    assert ended_sessions() == ["sso_uncheckable"]


def test_local_sessions_are_never_rechecked(sso: Provider, agent_client: Client):
    with later(2 * INTERVAL + 2):
        agent_client.get("/")

    assert "_auth_user_id" in agent_client.session
    assert ended_sessions() == []
