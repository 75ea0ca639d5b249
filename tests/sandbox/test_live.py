"""The sandbox as its own process, over real HTTP: gunicorn (sandbox_url) and runserver."""

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.core.handlers.wsgi import LimitedStream

from membercare.sandbox.catalog import DEMO_BY_KEY
from membercare.sandbox.faults import _socket_behind
from tests.fixtures.sandbox import ROOT, SandboxServer, free_port, stop, wait_until_answering

GOLD = DEMO_BY_KEY["gold"]


def get(base_url: str, auth: str, timeout: float = 10, **params: str) -> requests.Response:
    return requests.get(
        f"{base_url}/v1.1/customer/get",
        params={"format": "json", **params},
        headers={"Authorization": auth, "Accept": "application/json"},
        timeout=timeout,
    )


def test_it_serves_a_demo_member_over_real_http(sandbox_url: str, sandbox_auth: str):
    response = get(sandbox_url, sandbox_auth, email=GOLD.email, user_id="true", mlp="true")
    assert response.status_code == 200
    assert response.headers["X-Cap-Requestid"]
    (item,) = response.json()["response"]["customers"]["customer"]
    assert (item["user_id"], item["current_slab"]) == (str(GOLD.user_id), "Gold")


def test_it_resets_the_connection_under_gunicorn(sandbox_url: str, sandbox_auth: str):
    with pytest.raises(requests.ConnectionError):
        get(sandbox_url, sandbox_auth, email=DEMO_BY_KEY["reset"].email)
    # The worker survives it.
    assert get(sandbox_url, sandbox_auth, email=GOLD.email).status_code == 200


def test_it_rate_limits_over_real_http(sandbox_url: str, sandbox_auth: str):
    response = get(sandbox_url, sandbox_auth, email=DEMO_BY_KEY["ratelimited"].email)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert response.headers["X-Cap-Requestid"]


def test_it_keeps_a_slow_answer_from_blocking_others(sandbox_url: str, sandbox_auth: str):
    with pytest.raises(requests.ReadTimeout):  # SANDBOX_SLOW_SECONDS is 3 in the fixture
        get(sandbox_url, sandbox_auth, timeout=1, email=DEMO_BY_KEY["slow"].email)
    assert get(sandbox_url, sandbox_auth, timeout=2, email=GOLD.email).status_code == 200


def test_it_logs_no_identifier(sandbox_server: SandboxServer, sandbox_auth: str):
    line = '"GET /sandbox/v1.1/customer/get"'
    before = sandbox_server.log.read_text().count(line)
    get(sandbox_server.url, sandbox_auth, email=GOLD.email, mobile="919800000002")
    get(sandbox_server.url, sandbox_auth, external_id=GOLD.external_id)
    log = wait_for(sandbox_server.log, lambda text: text.count(line) >= before + 2)
    for identifier in (GOLD.email, GOLD.mobile, GOLD.external_id, "?"):
        assert identifier not in log


@dataclass(frozen=True)
class DevServer:
    url: str
    log: Path


@pytest.fixture
def runserver(sandbox_server: SandboxServer) -> Iterator[DevServer]:
    """Django's development server on the fixture's seeded data."""
    port = free_port()
    server = DevServer(
        f"http://127.0.0.1:{port}/sandbox", sandbox_server.directory / f"runserver-{port}.log"
    )
    with server.log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=sandbox_server.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(server.url, process, server.log)
        yield server
    finally:
        stop(process)


def test_it_resets_the_connection_under_runserver(runserver: DevServer, sandbox_auth: str):
    with pytest.raises(requests.ConnectionError):
        get(runserver.url, sandbox_auth, email=DEMO_BY_KEY["reset"].email)
    assert get(runserver.url, sandbox_auth, email=GOLD.email).status_code == 200
    assert "Traceback" not in runserver.log.read_text()


def test_it_keeps_identifiers_out_of_runservers_access_log(runserver: DevServer, sandbox_auth: str):
    # settings route Django's "django.server" logger through the query-stripping filter.
    get(runserver.url, sandbox_auth, email=GOLD.email)
    log = wait_for(runserver.log, lambda text: '"GET /sandbox/v1.1/customer/get?' in text)
    assert "demo.gold" not in log


def wait_for(path: Path, ready: Callable[[str], bool], seconds: float = 5) -> str:
    """The log once `ready(log)`: servers write their access line after answering."""
    deadline = time.monotonic() + seconds
    while not ready(log := path.read_text()):
        assert time.monotonic() < deadline, f"the log never got there:\n{log}"
        time.sleep(0.05)
    return log


def test_it_finds_the_socket_behind_runservers_request_stream():
    # basehttp.ServerHandler wraps the handler's rfile (socket.makefile("rb")) in a LimitedStream.
    server_side, client_side = socket.socketpair()
    with server_side, client_side, server_side.makefile("rb") as rfile:
        stream = LimitedStream(rfile, 0)  # type: ignore[arg-type]  # stubs say BytesIO
        assert _socket_behind(stream) is server_side
    assert _socket_behind(None) is None
