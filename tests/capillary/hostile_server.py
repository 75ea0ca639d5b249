"""A hostile Capillary on 127.0.0.1: a raw threaded socket server that misbehaves on purpose.

Each request gets one answer in the next mode of `script`, else in `mode` (see `MODES`), written
by hand on
the socket so that the bytes can be as slow, large, broken or strange as a bad upstream's. Every
handler stops when the client goes away or the server stops, and after `HANDLER_LIMIT` seconds at
most, so a test can check that nothing is left stuck: `wait_idle()`.
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from typing import Any, Final

HANDLER_LIMIT: Final = 10.0  # seconds: no handler outlives this, whatever the client does
DRIP_INTERVAL: Final = 0.02  # seconds between the bytes of a trickle: far below any read timeout


def answer_json(*, firstname: str = "Tom", lastname: str = "Sawyer") -> bytes:
    """A one-member answer for demo.gold@example.com, as JSON text (json escapes lone
    surrogates as "\\ud800", exactly as a hostile Capillary would send them)."""
    item = {
        "user_id": "50000002",
        "email": "demo.gold@example.com",
        "firstname": firstname,
        "lastname": lastname,
        "item_status": {"success": "true", "code": 1000, "message": ""},
    }
    status = {"success": "true", "code": 200, "message": ""}
    body = {"response": {"status": status, "customers": {"customer": [item]}}}
    return json.dumps(body).encode()


def head(status: str = "200 OK", **headers: str) -> bytes:
    # Connection: close, because every handler closes after one answer: without it the client may
    # reuse the connection for a retry before the close reaches it, and fail on a reset instead.
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", "Connection: close"]
    lines.append("X-Cap-Requestid: req-hostile")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class HostileServer:
    """Serves each request in the next mode of `script`, then in `mode`, until `stop()`.
    `requests` counts the requests received."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self.mode = "ok"
        self.script: list[str] = []
        self._tls = tls
        self.requests = 0
        self._stop = threading.Event()
        self._handlers: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}"
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(timeout=2)
        self._listener.close()

    def wait_idle(self, timeout: float = 3.0) -> bool:
        """True when every handler has finished within `timeout` seconds."""
        ends = time.monotonic() + timeout
        for handler in list(self._handlers):
            handler.join(timeout=max(0.0, ends - time.monotonic()))
        return not any(handler.is_alive() for handler in self._handlers)

    # -- Serving --------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            handler = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._handlers.append(handler)
            handler.start()

    def _handle(self, conn: socket.socket) -> None:
        ends = time.monotonic() + HANDLER_LIMIT
        conn.settimeout(1.0)
        if self._tls is not None:
            try:
                conn = self._tls.wrap_socket(conn, server_side=True)
            except OSError:
                conn.close()
                return
        with conn:
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                self.requests += 1
                mode = self.script.pop(0) if self.script else self.mode
                MODES[mode](_Wire(conn, self._stop, ends))
            except OSError:
                return  # the client went away (reset, broken pipe): that is how handlers end


class _Wire:
    """The server's side of one connection, with the pacing and the exits every mode needs."""

    def __init__(self, conn: socket.socket, stop: threading.Event, ends: float) -> None:
        self.conn, self._stop, self._ends = conn, stop, ends

    @property
    def over(self) -> bool:
        return self._stop.is_set() or time.monotonic() > self._ends

    def send(self, data: bytes) -> None:
        self.conn.sendall(data)

    def drip(self, data: bytes) -> None:
        """`data` one byte at a time, until it is all sent, the client leaves or time is up."""
        for index in range(len(data)):
            if self.over:
                return
            self.conn.sendall(data[index : index + 1])
            time.sleep(DRIP_INTERVAL)

    def flood(self, chunk: bytes, *, chunked: bool) -> None:
        """`chunk` again and again (as HTTP chunks when `chunked`) until the client leaves."""
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
        while not self.over:
            self.conn.sendall(frame)

    def hang(self) -> None:
        """Send nothing more; return when the client closes its end (or time is up)."""
        self.conn.settimeout(0.05)
        while not self.over:
            try:
                if self.conn.recv(1024) == b"":
                    return
            except TimeoutError:
                continue

    def reset(self) -> None:
        """Close with RST (SO_LINGER 0), as a crashing gateway does."""
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _ok(wire: _Wire) -> None:
    body = answer_json()
    wire.send(head(Content_Length=str(len(body))) + body)


def _trickle_body(wire: _Wire) -> None:
    body = answer_json()
    wire.send(head(Content_Length=str(len(body))))
    wire.drip(body)


def _slow_headers(wire: _Wire) -> None:
    wire.drip(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 60_000 + b"\r\n\r\n")


def _hang_after_headers(wire: _Wire) -> None:
    wire.send(head(Content_Length="5000"))
    wire.hang()


def _huge_declared(wire: _Wire) -> None:
    wire.send(head(Content_Length=str(50 * 1024 * 1024)))
    wire.flood(b" " * 65536, chunked=False)


def _huge_chunked(wire: _Wire) -> None:
    wire.send(head(Transfer_Encoding="chunked"))
    wire.flood(b"[" + b" " * 65534 + b"]", chunked=True)


def _deep_nesting(wire: _Wire) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    wire.send(head(Content_Length=str(len(body))) + body)


def _lone_surrogate(wire: _Wire) -> None:
    body = answer_json(firstname="\ud800Tom", lastname="Saw\udfffyer")
    assert b"\\ud800" in body  # the escape itself, as JSON text
    wire.send(head(Content_Length=str(len(body))) + body)


def _reset_mid_body(wire: _Wire) -> None:
    body = answer_json()
    wire.send(head(Content_Length=str(len(body))) + body[: len(body) // 2])
    time.sleep(0.05)
    wire.reset()


def _long_field(wire: _Wire) -> None:
    body = answer_json(firstname="T" * 200_000)
    wire.send(head(Content_Length=str(len(body))) + body)


def _gateway(wire: _Wire) -> None:
    """A 503 at once, which the client retries."""
    wire.send(head("503 Service Unavailable", Content_Length="0"))


MODES: Final[dict[str, Callable[[_Wire], Any]]] = {
    "ok": _ok,
    "trickle-body": _trickle_body,
    "slow-headers": _slow_headers,
    "hang-after-headers": _hang_after_headers,
    "huge-declared": _huge_declared,
    "huge-chunked": _huge_chunked,
    "deep-nesting": _deep_nesting,
    "lone-surrogate": _lone_surrogate,
    "reset-mid-body": _reset_mid_body,
    "long-field": _long_field,
    "gateway": _gateway,
}
