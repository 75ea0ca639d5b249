"""The second factor: who must use one, enrolment, the verify step, recovery codes, throttling,
what a session may do before it, an admin's reset, the audit trail and what never leaks."""

import importlib
import logging
import re
from base64 import b32decode
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains

from membercare.access.capabilities import AGENTS
from membercare.audit.models import Action, AuditEvent
from membercare.mfa.models import RecoveryCode
from membercare.mfa.services import must_use_mfa
from tests.access.test_persona_matrix import MEMBER, TABLE
from tests.conftest import app_device, make_user, signed_in, totp_code

pytestmark = pytest.mark.django_db

SETUP = reverse("mfa-setup")
VERIFY = reverse("mfa-verify")
SECURITY = reverse("mfa-security")
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def password_only(user: Any) -> Client:
    """Just past the sign-in form: the second factor still to come."""
    return signed_in(user, second_factor=False)


def secret_on(response: Any) -> bytes:
    """The key the enrolment page shows for typing into an app, as the app decodes it."""
    match = re.search(r'<p class="secret mono" id="secret">([A-Z2-7 ]+)</p>', response.text)
    assert match, "no secret on the page"
    return b32decode(match.group(1).replace(" ", ""))


def code_for(key: bytes) -> str:
    return f"{totp(key):06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


# Six groups of four, from an alphabet with no 0, o, 1, i or l.
RECOVERY_CODE = r"[2-9a-hjkmnp-z]{4}(?:-[2-9a-hjkmnp-z]{4}){5}"
# Right shape, but no code's: "2" is in the alphabet, and 24 of them are never drawn.
NOT_A_CODE = "2222-2222-2222-2222-2222-2222"


def codes_on(response: Any) -> list[str]:
    return re.findall(rf"<li>({RECOVERY_CODE})</li>", response.text)


def enrol(client: Client) -> tuple[bytes, list[str]]:
    """The whole enrolment, as a person with an app does it: the key, its code, the codes shown."""
    key = secret_on(client.get(SETUP))
    response = client.post(SETUP, {"code": code_for(key)})
    assert response.status_code == 200
    return key, codes_on(response)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# Who must use one


def test_agent_and_group_admin_must_use_a_second_factor(agent, group_admin):
    assert must_use_mfa(user=agent)
    assert must_use_mfa(user=group_admin)
    response = password_only(agent).get("/")
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_store_manager_does_not_need_one(manager):
    assert not must_use_mfa(user=manager)
    assert password_only(manager).get("/").status_code == 200


def test_a_user_with_no_usable_password_signs_in_by_sso_and_is_not_asked(db):
    sso_agent = make_user("sso.agent", AGENTS)
    sso_agent.set_unusable_password()
    sso_agent.save()
    assert not must_use_mfa(user=sso_agent)
    assert signed_in(sso_agent).get("/").status_code == 200


def test_mfa_required_for_all_asks_it_of_a_store_manager_too(settings, manager):
    settings.MFA_REQUIRED_FOR_ALL = True
    assert must_use_mfa(user=manager)
    assert password_only(manager).get("/")["Location"] == SETUP


def test_a_superuser_must_use_one_even_in_djangos_admin(db):
    superuser = make_user("sue.super", is_staff=True, is_superuser=True)
    response = password_only(superuser).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


# Enrolment


def test_enrolment_end_to_end_with_the_code_of_the_key_shown(agent):
    client = password_only(agent)
    page = client.get(SETUP)
    assertContains(page, "<svg")
    assertContains(page, 'autocomplete="one-time-code"')
    assertContains(page, 'inputmode="numeric"')

    key = secret_on(page)
    response = client.post(SETUP, {"code": code_for(key)})

    assertContains(response, "Your second factor is set up.")
    codes = codes_on(response)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assertContains(response, "I have saved these")
    device = TOTPDevice.objects.get(user=agent)
    assert device.confirmed
    assert device.bin_key == key
    assert client.get("/").status_code == 200  # the session is verified
    [enrolled] = events(Action.MFA_ENROLLED)
    assert enrolled.actor == agent
    assert enrolled.outcome == "ok"


def test_the_qr_code_is_inline_svg_with_no_style_for_the_csp_to_refuse(agent):
    page = password_only(agent).get(SETUP)
    svg = re.search(r"<svg.*?</svg>", page.text, re.S)
    assert svg
    assert "style" not in svg.group(0)
    assert "<script" not in svg.group(0)
    assert "'unsafe-inline'" not in page.get("Content-Security-Policy", "")


def test_a_code_typed_with_spaces_is_accepted(agent):
    client = password_only(agent)
    code = code_for(secret_on(client.get(SETUP)))
    response = client.post(SETUP, {"code": f" {code[:3]} {code[3:]} "})
    assertContains(response, "Your second factor is set up.")


def test_the_key_stays_the_same_until_it_is_confirmed(agent):
    client = password_only(agent)
    assert secret_on(client.get(SETUP)) == secret_on(client.get(SETUP))


def test_a_wrong_code_is_refused_and_nothing_is_confirmed(agent):
    client = password_only(agent)
    key = secret_on(client.get(SETUP))

    response = client.post(SETUP, {"code": wrong(code_for(key))})

    assert response.status_code == 422
    assertContains(response, "That code does not match", status_code=422)
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()
    assert not RecoveryCode.objects.exists()
    assert client.get("/")["Location"] == SETUP
    [failed] = events(Action.MFA_FAILED)
    assert failed.outcome == "failed"
    assert failed.detail == {"step": "enrol"}


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef"])
def test_a_code_of_the_wrong_shape_gets_a_clear_message(agent, typed):
    response = password_only(agent).post(SETUP, {"code": typed})
    assert response.status_code == 422
    assert re.search(r"6-digit code|6 digits", response.text)


# The verify step


def test_an_enrolled_agent_verifies_with_the_current_code_and_goes_where_they_were_going(agent):
    device = app_device(agent)
    client = password_only(agent)
    customer = reverse("customer", args=[MEMBER])

    sent = client.get(customer)
    assert sent["Location"] == f"{VERIFY}?next=%2Fcustomers%2F{MEMBER}%2F"
    response = client.post(VERIFY, {"code": totp_code(device), "next": customer})

    assert response.status_code == 302
    assert response["Location"] == customer
    [verified] = events(Action.MFA_VERIFIED)
    assert verified.outcome == "ok"
    assert verified.actor == agent


def test_the_next_url_is_only_followed_within_the_site(agent):
    device = app_device(agent)
    response = password_only(agent).post(
        VERIFY, {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_code_is_accepted_once(agent):
    device = app_device(agent)
    code = totp_code(device)
    with time_machine.travel(datetime.now(tz=UTC), tick=False):
        assert password_only(agent).post(VERIFY, {"code": code}).status_code == 302
        assert password_only(agent).post(VERIFY, {"code": code}).status_code == 422


def test_wrong_codes_are_throttled_and_the_page_says_how_long_to_wait(agent):
    device = app_device(agent)
    client = password_only(agent)
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(3):
            assert client.post(VERIFY, {"code": wrong(totp_code(device))}).status_code == 422
            clock.shift(timedelta(seconds=5))  # more than the wait so far: each try counts
        refused = client.post(VERIFY, {"code": wrong(totp_code(device))})
        assertContains(refused, "You can try again in 8 seconds", status_code=422)

        throttled = client.post(VERIFY, {"code": totp_code(device)})  # right, but too soon

        assertContains(
            throttled, "Too many wrong codes. Wait 8 seconds, then try again.", status_code=429
        )
        assert client.get("/").status_code == 302
        clock.shift(timedelta(seconds=9))
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    outcomes = [event.outcome for event in events(Action.MFA_FAILED)]
    assert outcomes == ["failed"] * 4 + ["throttled"]


def test_wrong_recovery_codes_count_towards_the_same_throttle(agent):
    device = app_device(agent)
    client = password_only(agent)
    with time_machine.travel(NOW, tick=False):
        client.post(VERIFY, {"recovery_code": NOT_A_CODE})
        response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 429


def test_a_recovery_code_works_once_and_only_once(agent):
    _, codes = enrol(password_only(agent))
    typed = f" {codes[3].upper()} ".replace("-", " - ")

    first = password_only(agent)
    response = first.post(VERIFY, {"recovery_code": typed})

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assertContains(first.get(SECURITY), "You signed in with a recovery code: 9 left.")
    assert first.get("/").status_code == 200
    again = password_only(agent).post(VERIFY, {"recovery_code": codes[3]})
    assertContains(again, "That code does not match", status_code=422)
    assert [e.outcome for e in events(Action.MFA_VERIFIED)] == ["recovery_code"]


def test_a_recovery_code_verifies_the_session_as_the_app_would(agent):
    _, codes = enrol(password_only(agent))
    client = password_only(agent)

    client.post(VERIFY, {"recovery_code": codes[0]})

    # django-otp's is_verified() needs a device: the app's, which a reset removes.
    app = TOTPDevice.objects.get(user=agent, confirmed=True)
    assert client.session[DEVICE_ID_SESSION_KEY] == app.persistent_id
    assert client.get("/").status_code == 200  # not sent back to the step


@pytest.mark.parametrize(
    "retype",
    [
        lambda code: code.replace("-", ""),
        lambda code: code.replace("-", " "),
        lambda code: code.upper(),
        lambda code: f"  {code.replace('-', '').upper()}\t",
    ],
    ids=["no-hyphens", "spaces", "upper-case", "squashed-upper-case"],
)
def test_a_recovery_code_is_accepted_however_it_is_typed(agent, retype):
    _, codes = enrol(password_only(agent))
    assert password_only(agent).post(VERIFY, {"recovery_code": retype(codes[5])}).status_code == 302


@pytest.mark.parametrize(
    "typed",
    [
        "abcd-efgh",
        "abcd-efgh-jkmn-pqrs-tuvw-xyz",
        "abcd-efgh-jkmn-pqrs-tuvw-xyz2-3456",
        "0000-" * 5 + "0000",
    ],
)
def test_a_recovery_code_of_the_wrong_shape_gets_a_clear_message_and_no_throttle(agent, typed):
    device = app_device(agent)
    client = password_only(agent)
    with time_machine.travel(NOW, tick=False):
        response = client.post(VERIFY, {"recovery_code": typed})
        assertContains(response, "24 letters and digits in groups of four", status_code=422)
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert not events(Action.MFA_FAILED)


def test_recovery_codes_are_long_and_drawn_from_unambiguous_characters(agent):
    _, codes = enrol(password_only(agent))
    assert len(codes) == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(RECOVERY_CODE, code)
        assert not set(code) & set("0o1il")


def test_the_database_holds_no_recovery_code_in_any_readable_form(agent):
    _, codes = enrol(password_only(agent))
    readable = {
        form
        for code in codes
        for plain in (code, code.replace("-", ""))
        for form in (plain, plain.upper())
    }

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mfa_recoverycode")
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        dumped = []
        for table in connection.introspection.table_names(cursor):
            table_name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {table_name}")  # noqa: S608 - the database's own names
            dumped.append(repr(cursor.fetchall()))

    assert len(rows) == 10
    assert {row["user_id"] for row in rows} == {agent.pk}
    assert all(re.fullmatch(r"[0-9a-f]{64}", row["digest"]) for row in rows)
    assert len({row["digest"] for row in rows}) == 10
    everything = "".join(dumped)  # every table: not in a session, the audit trail, anywhere
    for text in readable:
        assert text not in everything


def test_the_verify_step_offers_app_codes_and_recovery_codes(agent):
    app_device(agent)
    page = password_only(agent).get(VERIFY)
    assertContains(page, 'autocomplete="one-time-code"')
    assertContains(page, 'inputmode="numeric"')
    assertContains(page, 'name="recovery_code"')


# While the second factor is pending


# Every URL but the public ones, sign-out and the two steps.
BLOCKED = sorted(
    name
    for name, (_, _, _, allowed, _) in TABLE.items()
    if "anonymous" not in allowed and name not in {"logout", "mfa-setup", "mfa-verify"}
)


@pytest.fixture
def pending_admin(group_admin: Any, agent: Any) -> Client:
    """An admin (who may do everything) past the password, before the second factor."""
    app_device(group_admin)
    return password_only(group_admin)


@pytest.fixture
def ids(agent: Any) -> dict[str, int]:
    spare = Group.objects.create(name="Spare")
    return {
        "agents": Group.objects.get(name=AGENTS).pk,
        "spare": spare.pk,
        "agent": agent.pk,
        "session": 1,
    }


@pytest.mark.parametrize("name", BLOCKED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_page_partial_and_post_is_refused_while_pending(pending_admin, ids, name, method):
    kwargs, _, data, _, _ = TABLE[name]
    url = reverse(
        name, kwargs={k: ids.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    )

    response = getattr(pending_admin, method)(url, data)

    assert response.status_code == 302, url
    assert response["Location"].startswith(VERIFY), url


@pytest.mark.parametrize(
    ("panel", "method"),
    [("customer-profile", "get"), ("customer-coupons", "get"), ("customer-verify", "post")],
)
def test_an_htmx_partial_while_pending_sends_the_whole_page_to_the_step(
    pending_admin, panel, method
):
    url = reverse(panel, args=[MEMBER])
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver/customers/{MEMBER}/"}

    response = getattr(pending_admin, method)(url, headers=headers)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{VERIFY}?next=%2Fcustomers%2F{MEMBER}%2F"
    assert "Capillary" not in response.text
    assert not response.content


def test_djangos_admin_is_refused_while_pending(db):
    staff = make_user("sue.super", is_staff=True, is_superuser=True)
    app_device(staff)
    client = password_only(staff)
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        assert client.get(url)["Location"].startswith(VERIFY), url


def test_signing_out_is_allowed_while_pending(pending_admin):
    response = pending_admin.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert pending_admin.get("/")["Location"].startswith(reverse("login"))


def test_the_sign_in_page_and_static_files_stay_reachable_while_pending(pending_admin):
    assert pending_admin.get(reverse("login")).status_code == 200
    assert pending_admin.get(SETUP).status_code == 302  # enrolled: on to verify
    assert pending_admin.get(VERIFY).status_code == 200


# Security page and new recovery codes


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(agent):
    client = password_only(agent)
    key, old = enrol(client)
    page = client.get(SECURITY)
    assertContains(page, "10 recovery codes left.")

    refused = client.post(reverse("mfa-recovery-codes"), {"code": "000 00"})
    assert refused.status_code == 422
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(seconds=31), tick=False) as clock:
        # The next step's code: the one of enrolment was used.
        response = client.post(reverse("mfa-recovery-codes"), {"code": code_for(key)})
        new = codes_on(response)
        assert len(new) == 10
        assert not set(new) & set(old)
        assert password_only(agent).post(VERIFY, {"recovery_code": old[0]}).status_code == 422
        clock.shift(timedelta(seconds=2))  # the throttle's wait after one wrong code
        assert password_only(agent).post(VERIFY, {"recovery_code": new[0]}).status_code == 302
    assert [e.outcome for e in events(Action.MFA_ENROLLED)] == ["ok", "new_recovery_codes"]


def test_the_security_page_says_when_no_second_factor_is_needed(manager):
    assertContains(password_only(manager).get(SECURITY), "does not need a second factor")


# Admin reset


def test_an_admin_resets_an_agents_second_factor_and_the_agent_enrols_again(
    group_admin_client, agent, group_admin
):
    agent_client = signed_in(agent)  # verified by the device about to go
    assert agent_client.get("/").status_code == 200
    group = Group.objects.get(name=AGENTS)
    page = group_admin_client.get(reverse("group", args=[group.pk]))
    assertContains(page, "Reset the second factor of agent")

    response = group_admin_client.post(
        reverse("mfa-reset", args=[agent.pk]), {"next": reverse("group", args=[group.pk])}
    )

    assert response.status_code == 303
    assert response["Location"] == reverse("group", args=[group.pk])
    assertContains(group_admin_client.get(response["Location"]), "Reset the second factor of agent")
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not RecoveryCode.objects.filter(user=agent).exists()
    assert agent_client.get("/")["Location"] == SETUP
    [reset] = events(Action.MFA_RESET)
    assert reset.actor == group_admin
    assert reset.detail == {"username": "agent"}


def test_a_reset_takes_the_recovery_codes_and_the_sessions_they_verified(group_admin_client, agent):
    _, codes = enrol(password_only(agent))
    by_code = password_only(agent)
    assert by_code.post(VERIFY, {"recovery_code": codes[0]}).status_code == 302

    group_admin_client.post(reverse("mfa-reset", args=[agent.pk]))

    assert by_code.get("/")["Location"] == SETUP
    assert not RecoveryCode.objects.filter(user=agent).exists()
    assert password_only(agent).post(VERIFY, {"recovery_code": codes[1]})["Location"] == SETUP


def test_only_those_who_manage_access_groups_may_reset(agent_client, manager_client, group_admin):
    app_device(group_admin)
    for client in (agent_client, manager_client):
        assert client.post(reverse("mfa-reset", args=[group_admin.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=group_admin).exists()


def test_mfa_reset_command(agent):
    app_device(agent)
    out = StringIO()
    call_command("mfa_reset", "agent", stdout=out)
    assert "Reset the second factor of agent" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert events(Action.MFA_RESET)[0].actor is None
    with pytest.raises(CommandError, match="No user"):
        call_command("mfa_reset", "nobody")


# mfa_code, for make run


def test_mfa_code_prints_a_code_the_verify_step_accepts_under_debug(settings, agent):
    app_device(agent)
    settings.DEBUG = True
    out = StringIO()
    call_command("mfa_code", "agent", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"[0-9]{6}", code)
    assert password_only(agent).post(VERIFY, {"code": code}).status_code == 302


def test_mfa_code_gives_the_code_of_the_device_being_set_up(settings, agent):
    client = password_only(agent)
    client.get(SETUP)
    settings.DEBUG = True
    out = StringIO()
    call_command("mfa_code", "agent", stdout=out)
    assertContains(client.post(SETUP, {"code": out.getvalue().strip()}), "set up")


def test_mfa_code_refuses_without_debug(settings, agent):
    app_device(agent)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("mfa_code", "agent")


# What never leaks


def test_the_secret_and_codes_are_nowhere_but_their_own_pages_and_never_in_logs_or_audit(
    agent, caplog
):
    caplog.set_level(logging.DEBUG)
    client = password_only(agent)
    key, codes = enrol(client)
    secret = re.sub(r"=", "", __import__("base64").b32encode(key).decode())
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    again = password_only(agent)
    again.post(VERIFY, {"recovery_code": codes[0]})

    for page in (client.get("/"), client.get(SECURITY), password_only(agent).get(VERIFY)):
        for text in (secret, grouped, key.hex(), *codes, *(c.replace("-", "") for c in codes)):
            assertNotContains(page, text)
    logged = caplog.text + "".join(str(row) for row in AuditEvent.objects.values())
    for text in (secret, grouped, key.hex(), *codes, *(c.replace("-", "") for c in codes)):
        assert text not in logged


# The old plain-text codes


def test_the_migration_empties_django_otps_tables_of_plain_codes(agent):
    purge = importlib.import_module("membercare.mfa.migrations.0002_purge_plain_recovery_codes")
    with connection.cursor() as cursor:
        # As otp_static's tables were left behind when the app was uninstalled: a code in the clear.
        cursor.execute(
            "CREATE TABLE otp_static_staticdevice (id integer PRIMARY KEY, user_id integer)"
        )
        cursor.execute(
            "CREATE TABLE otp_static_statictoken"
            " (id integer PRIMARY KEY, device_id integer, token text)"
        )
        cursor.execute("INSERT INTO otp_static_staticdevice VALUES (1, %s)", [agent.pk])
        cursor.execute("INSERT INTO otp_static_statictoken VALUES (1, 1, 'abcd2345')")

        purge.empty_tables(connection)

        for table in purge.TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the two names above
            assert cursor.fetchone() == (0,), table
