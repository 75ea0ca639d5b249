"""`manage.py capillary_check` says what is wrong with the connection, or OK with timings."""

import os
import shutil
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.fixtures.sandbox import PASSWORD, USERNAME, SandboxServer

from .conftest import BASE_URL, GET_URL, envelope, failed_item, recorded

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("capillary_settings")


@pytest.fixture
def capillary_settings():
    with override_settings(CAPILLARY_BASE_URL=BASE_URL, CAPILLARY_RETRIES=0):
        yield


def run_check() -> str:
    out = StringIO()
    call_command("capillary_check", stdout=out)
    return out.getvalue()


def test_not_found_counts_as_ok_with_round_trip_time_and_request_id(rsps):
    rsps.get(
        GET_URL,
        json=envelope(failed_item({"user_id": "1"}, 1012), code=500),
        status=500,
        headers={"X-Cap-Requestid": "req-42"},
    )

    output = run_check()

    assert output.startswith("OK: ")
    assert " ms, request id req-42" in output
    params = rsps.calls[0].request.url.split("?", 1)[1]
    assert "id=1&" in params
    assert "registered_store=false" in params
    assert "coupon_limit=0" in params


def test_a_found_member_counts_as_ok(rsps):
    rsps.get(GET_URL, json=recorded("full-view-gold.json"))
    assert run_check().startswith("OK: ")


@pytest.mark.parametrize(
    ("answer", "diagnosis"),
    [
        ({"status": 401, "json": recorded("error-401.json")}, "bad credentials"),
        (
            {"status": 403, "json": recorded("error-403-4000.json")},
            "access group lacks Customer read",
        ),
        (
            {"body": requests.ConnectTimeout()},
            "unreachable: Capillary could not be reached in time.",
        ),
        ({"body": requests.ConnectionError()}, "unreachable"),
        ({"status": 502, "body": "<html>Bad gateway</html>"}, "unreachable"),
        ({"status": 200, "body": "<html>login</html>"}, "unexpected answer"),
        ({"status": 429, "headers": {"Retry-After": "30"}}, "rate limited, retry after 30 s"),
    ],
)
def test_each_failure_is_named_and_exits_non_zero(rsps, answer, diagnosis):
    rsps.get(GET_URL, **answer)
    with pytest.raises(CommandError, match=diagnosis):
        run_check()


def test_a_missing_base_url_is_reported_as_misconfigured(rsps):
    with (
        override_settings(CAPILLARY_BASE_URL=""),
        pytest.raises(CommandError, match="misconfigured: CAPILLARY_BASE_URL is not set"),
    ):
        run_check()


# --- Against `make run`, from another shell ------------------------------------------------------


def shell_environment(**variables: str) -> dict[str, str]:
    """A developer's other shell: none of the settings the suite sets, no PORT."""
    dropped = ("PORT", "CAPILLARY_", "SANDBOX_", "DJANGO_", "PYTEST_", "DEBUG", "SECRET_KEY")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    return env | variables


def run_make_run(directory: Path, **variables: str) -> list[str]:
    """`make run` in `directory`, with a stand-in python that only records what it is asked."""
    calls = directory / "calls.txt"
    python = directory / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    python.chmod(0o755)
    subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "run"],
        cwd=directory,
        env=shell_environment(**variables),
        check=True,
        capture_output=True,
        text=True,
    )
    return calls.read_text().splitlines()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout whose venv is installed and whose .env says an earlier run served 9000."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    installed = tmp_path / ".venv" / "bin" / ".installed"
    installed.write_text("")
    later = time.time() + 60
    os.utime(installed, (later, later))
    (tmp_path / ".env").write_text("DEBUG=true\nPORT=9000\nSANDBOX_ENABLED=true\n")
    return tmp_path


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("variables", "port"), [({"PORT": "9123"}, "9123"), ({}, "8000")])
def test_make_run_records_the_port_it_serves_on_in_env(checkout, variables, port):
    calls = run_make_run(checkout, **variables)

    assert calls[-1] == f"manage.py runserver 127.0.0.1:{port}"
    lines = (checkout / ".env").read_text().splitlines()
    assert lines == ["DEBUG=true", "SANDBOX_ENABLED=true", f"PORT={port}"]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_capillary_check_in_another_shell_reaches_the_sandbox_make_run_serves(
    sandbox_server: SandboxServer, checkout: Path
):
    """`PORT=<port> make run` in one shell, then capillary_check in another that knows no PORT."""
    port = sandbox_server.url.split(":")[2].split("/")[0]
    with (checkout / ".env").open("a") as env_file:
        env_file.write(
            "SECRET_KEY=another-shell-secret-key\n"
            f"CAPILLARY_USERNAME={USERNAME}\nCAPILLARY_PASSWORD={PASSWORD}\n"
        )
    run_make_run(checkout, PORT=port)

    check = subprocess.run(
        [sys.executable, "manage.py", "capillary_check"],
        cwd=ROOT,
        env=shell_environment(
            ENV_FILE=str(checkout / ".env"), DATABASE_URL=f"sqlite:///{checkout / 'db.sqlite3'}"
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("OK: ")
