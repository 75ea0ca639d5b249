"""Fixtures for the Capillary client's tests: recorded answers, a client, and an HTTP mock.

Unit tests replay JSON with `responses` at the HTTP boundary; a few tests need real sockets
(refused, reset, silent) and use `scripted_server`, a tiny HTTP server on 127.0.0.1.
"""

import copy
import json
import pickle
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import responses

from membercare.capillary.client import CapillaryClient

HERE = Path(__file__).parent
BASE_URL = "http://capillary.test"  # .test never resolves: nothing here can reach the internet
GET_URL = f"{BASE_URL}/v1.1/customer/get"
USERNAME = "till.user"
PASSWORD = "till-password"


def sample(name: str) -> Any:
    """A JSON sample printed in Capillary's documentation (copied from shared/capillary/samples)."""
    return json.loads((HERE / "samples" / f"{name}.json").read_text())


def recorded(name: str) -> Any:
    """A recorded answer of the shape the sandbox gives (docs/contract-notes.md)."""
    path = HERE / "recorded" / name
    if path.suffix == ".json":
        return json.loads(path.read_text())
    return path.read_text()


def full_view_item() -> dict[str, Any]:
    return copy.deepcopy(recorded("full-view-gold.json")["response"]["customers"]["customer"][0])


def envelope(*items: dict[str, Any], code: int = 200) -> dict[str, Any]:
    return {
        "response": {
            "status": {"success": "true" if code < 300 else "false", "code": code, "message": ""},
            "customers": {"customer": list(items)},
        }
    }


def failed_item(echo: dict[str, Any], code: int, message: str = "") -> dict[str, Any]:
    return {**echo, "item_status": {"success": "false", "code": code, "message": message}}


def pickled[T](value: T) -> T:
    """A round trip through pickle, as the dashboard's cache makes."""
    return pickle.loads(pickle.dumps(value))  # noqa: S301 - bytes we just made


def make_client(**overrides: Any) -> CapillaryClient:
    options: dict[str, Any] = {
        "base_url": BASE_URL,
        "username": USERNAME,
        "password": PASSWORD,
        "country_code": "IN",
        "connect_timeout": 0.5,
        "read_timeout": 0.5,
        "retries": 2,
        "retry_total_seconds": 5.0,
        "batch_size": 10,
    }
    return CapillaryClient(**(options | overrides))


@pytest.fixture
def client() -> Iterator[CapillaryClient]:
    capillary = make_client()
    yield capillary
    capillary.close()


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """Every HTTP call is answered here; an unregistered one fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


# --- A real socket, for what `responses` cannot fake ---------------------------------------------


@dataclass
class ScriptedServer:
    """An HTTP server on 127.0.0.1 that plays a script of answers, one per request received.

    Each step is (status, headers, body), or "reset" (close with RST), or "silent" (never answer).
    """

    url: str
    script: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    connections: int = 0


def _handler(server_state: ScriptedServer, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server_state.paths.append(self.path)
            step = server_state.script.pop(0) if server_state.script else (200, {}, b"{}")
            if step == "reset":
                # SO_LINGER 0: close() sends RST, as a crashing gateway would.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                return
            if step == "silent":
                stop.wait(5)
                self.close_connection = True
                return
            status, headers, body = step
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

    return Handler


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    stop = threading.Event()
    state = ScriptedServer(url="")

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def process_request(self, request: Any, client_address: Any) -> None:
            state.connections += 1
            super().process_request(request, client_address)

    httpd = Server(("127.0.0.1", 0), _handler(state, stop))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
