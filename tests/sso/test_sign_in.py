"""Signing in through a real OpenID provider: accounts, group mapping, the store claim, refusals."""

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from membercare.access.capabilities import AGENTS, STORE_MANAGERS
from membercare.access.models import StaffProfile
from membercare.audit.models import Action, AuditEvent
from membercare.sso.models import SSOIdentity
from membercare.sso.recheck import SESSION_KEY
from tests.conftest import make_user
from tests.fixtures.sso import Provider, at_the_provider, point_at, sign_in_with_sso

User = get_user_model()


def groups_of(user: Any) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def signed_in_user(client: Client) -> Any:
    """Who the client's session is signed in as (None: nobody), by asking a signed-in page."""
    response = client.get("/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user


def test_an_agent_signs_in_and_lands_in_call_center_agents(sso: Provider):
    sso.account("ann", username="ann.agent", email="ann@corp.example", groups=["cc-agents", "x"])
    client = Client()

    response = sign_in_with_sso(client, "ann")

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = signed_in_user(client)
    assert user is not None
    assert user.username == "ann.agent"
    assert groups_of(user) == {AGENTS}  # "x" is not in the map: ignored
    assert not user.has_usable_password()  # only ever signs in through the provider
    assert SSOIdentity.objects.get(user=user).subject == "ann"
    sign_in = AuditEvent.objects.get(action=Action.SIGN_IN, actor=user)
    assert sign_in.detail == {"via": "sso"}


def test_the_tokens_stay_on_the_server(sso: Provider):
    sso.account("ann", groups=["cc-agents"])
    client = Client()

    sign_in_with_sso(client, "ann")

    kept = client.session[SESSION_KEY]
    assert kept["refresh_token"]
    assert kept["access_token"]
    cookies = " ".join(morsel.value for morsel in client.cookies.values())
    assert kept["refresh_token"] not in cookies
    assert kept["access_token"] not in cookies


def test_a_store_manager_lands_in_store_managers_with_their_store(sso: Provider):
    sso.account("sam", username="sam", groups=["store-mgrs"], store_code="blr.koramangala")
    client = Client()

    sign_in_with_sso(client, "sam")

    user = signed_in_user(client)
    assert groups_of(user) == {STORE_MANAGERS}
    assert StaffProfile.objects.get(user=user).store_code == "blr.koramangala"


def test_a_user_in_no_mapped_group_gets_a_clear_page_and_no_access(sso: Provider):
    sso.account("nora", username="nora", groups=["marketing"])
    client = Client()

    response = sign_in_with_sso(client, "nora")

    assert response.status_code == 403
    assert b"Your organisation has not given you access to membercare" in response.content
    assert not User.objects.filter(username="nora").exists()
    assert signed_in_user(client) is None
    refused = AuditEvent.objects.get(action=Action.SSO_REFUSED)
    assert refused.detail == {"reason": "no_mapped_group"}


def test_a_known_user_who_lost_every_mapped_group_is_refused_and_loses_their_groups(
    sso: Provider,
):
    sso.account("ann", username="ann", groups=["cc-agents"])
    sign_in_with_sso(Client(), "ann")
    sso.account("ann", groups=[])
    client = Client()

    response = sign_in_with_sso(client, "ann")

    assert response.status_code == 403
    assert groups_of(User.objects.get(username="ann")) == set()
    assert signed_in_user(client) is None


def test_the_same_provider_account_is_the_same_user_at_every_sign_in(sso: Provider):
    sso.account("ann", username="ann", groups=["cc-agents"])
    sign_in_with_sso(Client(), "ann")
    sso.account("ann", username="ann.renamed", groups=["cc-agents", "store-mgrs"])
    client = Client()

    sign_in_with_sso(client, "ann")

    user = signed_in_user(client)
    assert user.username == "ann"  # kept: one name per person in the audit trail
    assert groups_of(user) == {AGENTS, STORE_MANAGERS}
    assert User.objects.count() == 1


def test_a_provider_account_never_takes_over_a_local_account_of_the_same_name(sso: Provider):
    local_admin = make_user("admin", "Admins")
    sso.account("mallory", username="admin", groups=["cc-agents"])
    client = Client()

    sign_in_with_sso(client, "mallory")

    user = signed_in_user(client)
    assert user.pk != local_admin.pk
    assert user.username.startswith("admin-")
    assert groups_of(local_admin) == {"Admins"}


def test_a_user_deactivated_here_stays_out_whatever_the_provider_says(sso: Provider):
    sso.account("ann", username="ann", groups=["cc-agents"])
    sign_in_with_sso(Client(), "ann")
    User.objects.filter(username="ann").update(is_active=False)
    client = Client()

    response = sign_in_with_sso(client, "ann")

    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action=Action.SSO_REFUSED).get().detail == {
        "reason": "deactivated"
    }


def test_the_page_asked_for_before_sign_in_is_where_the_user_lands(sso: Provider):
    sso.account("ann", groups=["cc-agents"])

    response = sign_in_with_sso(Client(), "ann", next_url="/audit/")

    assert response["Location"] == "/audit/"


def test_a_callback_used_twice_is_refused_the_second_time(sso: Provider):
    sso.account("ann", groups=["cc-agents"])
    client = Client()
    first = sign_in_with_sso(client, "ann")
    callback_url = first.wsgi_request.get_full_path()
    replay = Client()

    response = replay.get(callback_url)

    assert response.status_code == 400
    assert b"did not complete" in response.content
    assert signed_in_user(replay) is None


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    sso: Provider, settings: Any, start_provider: Any, caplog: pytest.LogCaptureFixture
):
    rogue = start_provider(wrong_key=True)
    point_at(settings, rogue)
    rogue.account("ann", username="ann", groups=["cc-agents"])
    client = Client()

    response = sign_in_with_sso(client, "ann")

    assert response.status_code == 400
    assert signed_in_user(client) is None
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(username="ann").exists()
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail == {"reason": "bad_token"}
    assert "InvalidSignatureError" in caplog.text  # the key id matched; the signature did not


def test_a_provider_gone_between_its_sign_in_and_our_callback_gives_a_clear_page(
    sso: Provider, settings: Any, start_provider: Any
):
    brief = start_provider()
    point_at(settings, brief)
    brief.account("ann", groups=["cc-agents"])
    client = Client()
    start = client.get("/accounts/sso/authenticate/")
    back = at_the_provider(start["Location"], login="ann")
    brief.stop()

    response = client.get(back.removeprefix("http://testserver"))

    assert response.status_code == 503
    assert b"could not be reached" in response.content
    assert signed_in_user(client) is None


def test_a_callback_naming_another_issuer_is_refused(sso: Provider):
    sso.account("ann", groups=["cc-agents"])
    client = Client()
    start = client.get("/accounts/sso/authenticate/")
    back = at_the_provider(start["Location"], login="ann")
    assert f"iss={quote(sso.issuer, safe='')}" in back  # oidc-provider sends it (RFC 9207)
    forged = back.replace(quote(sso.issuer, safe=""), quote("https://other.example", safe=""))

    response = client.get(forged.removeprefix("http://testserver"))

    assert response.status_code == 400
    assert signed_in_user(client) is None


@pytest.mark.parametrize("error", ["access_denied", "login_required"])
def test_the_provider_saying_no_gives_a_clear_page(sso: Provider, error: str):
    client = Client()
    start = client.get("/accounts/sso/authenticate/")
    state = start["Location"].split("state=")[1].split("&")[0]

    response = client.get(f"/accounts/sso/callback/?error={error}&state={state}")

    assert response.status_code == 400
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail == {"reason": "provider_error"}
