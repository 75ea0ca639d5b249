"""Faults and the fleet for scripts/load.py: Capillary going down mid-run, the breaker's state as
the instances report it, the calls Capillary got minute by minute, two agents opening one member.

- `Switch`: a TCP relay on 127.0.0.1 in front of the sandbox, which the dashboard is pointed at.
  `up` relays both ways; `hang` accepts and reads but never answers, on new connections and on
  those already open (a Capillary that accepts and stalls: the worst case, every call waits for
  its timeout); `down` closes the listening socket and resets every open connection (a Capillary
  that is gone: connections are refused). It counts the HTTP requests it is sent, by phase, and
  those naming one of a few reserved members (for coalescing), in memory only.
- `BreakerWatch`: polls each instance's `/readyz` and keeps the breaker's state changes.
- `per_minute`: the sandbox's access-log lines for customer/get by minute, and the most in any
  60 s.
- `coalescing`: two agents signed in on two instances search the same member at the same moment.
"""

import contextlib
import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ACCESS_TIME = re.compile(rb"\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\]")


# --- Capillary behind a switch -------------------------------------------------------------------


@dataclass
class Switch:
    target_port: int
    mode: str = "up"
    port: int = 0
    requests: list[tuple[float, str]] = field(default_factory=list)  # (time, mode at the time)
    watched: Counter[str] = field(default_factory=Counter)  # reserved member -> requests naming it
    tokens: dict[bytes, str] = field(default_factory=dict)
    _open: set[socket.socket] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> "Switch":
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def watch(self, members: list[str]) -> None:
        """Count the requests that name one of these members (emails), as they go by."""
        self.tokens = {urlencode({"email": m}).split("=", 1)[1].encode(): m for m in members}

    def fail(self, mode: str) -> float:
        """From now on Capillary hangs or is down. The moment it happened."""
        self.mode = mode
        if mode == "down":
            self._listener.close()
            with self._lock:
                for sock in list(self._open):
                    _reset(sock)
        return time.time()

    def stop(self) -> None:
        self.mode = "stopped"
        with self._lock:
            for sock in list(self._open):
                _reset(sock)

    def count(self, since: float = 0.0, until: float = float("inf")) -> int:
        return sum(1 for moment, _ in list(self.requests) if since <= moment < until)

    def _accept(self) -> None:
        while self.mode in ("up", "hang"):
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed: down
            client.settimeout(None)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with self._lock:
            self._open.add(client)
        upstream = None
        try:
            if self.mode == "up":
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
                threading.Thread(target=self._back, args=(upstream, client), daemon=True).start()
            while chunk := client.recv(65536):
                if chunk.startswith(b"GET "):
                    self._seen(chunk)
                if self.mode == "up" and upstream is not None:
                    upstream.sendall(chunk)
                # hang: read and drop, never answer; the client's timeout ends it
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(client)
            client.close()
            if upstream is not None:
                upstream.close()

    def _back(self, upstream: socket.socket, client: socket.socket) -> None:
        try:
            while chunk := upstream.recv(65536):
                if self.mode != "up":
                    return  # what the sandbox still sends is dropped: Capillary stalled
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            if self.mode == "up":
                # The sandbox closed its side (its keep-alive ended): so does the relay, with a
                # FIN the dashboard sees (a close() alone would wait for the reading thread).
                with contextlib.suppress(OSError):
                    client.shutdown(socket.SHUT_RDWR)

    def _seen(self, chunk: bytes) -> None:
        self.requests.append((time.time(), self.mode))
        line = chunk.split(b"\r\n", 1)[0]
        for token, member in self.tokens.items():
            if token in line:
                self.watched[member] += 1


def _reset(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


# --- The breaker as the instances report it ------------------------------------------------------


@dataclass
class BreakerWatch:
    hosts: list[str]
    # Called once, when an instance first reports the breaker open: the servers' CPU so far.
    cpu: Any = None
    changes: list[tuple[float, str, str]] = field(default_factory=list)  # (time, host, state)
    cpu_at_open: float | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "BreakerWatch":
        threading.Thread(target=self._poll, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def first(self, state: str, host: str | None = None) -> float | None:
        return next((t for t, h, s in self.changes if s == state and host in (None, h)), None)

    def _poll(self) -> None:
        last: dict[str, str] = {}
        while not self._stop.wait(0.25):
            for host in self.hosts:
                try:
                    state = requests.get(f"{host}/readyz", timeout=2).json().get("breaker", "?")
                except (requests.RequestException, ValueError):
                    state = "no answer"
                if last.get(host) != state:
                    last[host] = state
                    self.changes.append((time.time(), host, state))
                    if state == "open" and self.cpu_at_open is None and self.cpu is not None:
                        self.cpu_at_open = self.cpu()


def breaker_opened(logs: list[Path]) -> list[int]:
    """How many times each instance logged opening the breaker."""
    return [log.read_text(errors="replace").count("Capillary circuit breaker open") for log in logs]


# --- What the agents saw -------------------------------------------------------------------------


def requests_logged(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def percentiles(values: list[float]) -> tuple[int, int, int]:
    if not values:
        return (0, 0, 0)
    ordered = sorted(values)

    def at(q: float) -> int:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

    return at(0.50), at(0.95), at(0.99)


def shown(entries: list[dict[str, Any]]) -> str:
    """What the agents were answered: status and the problem's title, most frequent first; for
    refusals, how many carried Retry-After."""
    kinds = Counter(f"{e['status']}{' ' + e['shown'] if e.get('shown') else ''}" for e in entries)
    said = ", ".join(f"{kind} ×{n}" for kind, n in kinds.most_common())
    refused = [e for e in entries if e["status"] in (429, 503) and e.get("shown")]
    if refused:
        waits = [int(e["retry_after"]) for e in refused if e.get("retry_after")]
        span = f", {min(waits)}-{max(waits)} s" if waits else ""
        said += f" (Retry-After on {len(waits)} of {len(refused)}{span})"
    return said


# --- The calls Capillary got, minute by minute ---------------------------------------------------


def call_times(sandbox_log: Path, since: float) -> list[float]:
    """The time (whole seconds) of each customer/get the sandbox answered since `since`."""
    times = []
    with sandbox_log.open("rb") as log:
        for line in log:
            if b"/customer/get" not in line:
                continue
            found = _ACCESS_TIME.search(line)
            if found:
                moment = datetime.strptime(found.group(1).decode(), "%d/%b/%Y:%H:%M:%S %z")
                stamp = moment.timestamp()
                if stamp >= since - 1:
                    times.append(stamp)
    return times


def per_minute(times: list[float]) -> tuple[list[int], int]:
    """Calls in each whole minute from the first call, and the most in any 60 s."""
    if not times:
        return [], 0
    times.sort()
    start = times[0]
    minutes = Counter(int((t - start) // 60) for t in times)
    whole = [minutes[m] for m in range(int((times[-1] - start) // 60))]  # complete minutes only
    most, low = 0, 0
    for high, moment in enumerate(times):  # a second's resolution: [t, t + 60) windows
        while times[low] <= moment - 60:
            low += 1
        most = max(most, high - low + 1)
    return whole, most


# --- Two agents, one member, the same moment -----------------------------------------------------


class Agent:
    """An agent signed in on one instance with requests (as loadtests/locustfile.py signs in).

    The cookies are `Secure` and the leg is plain HTTP, as behind the balancer: requests would not
    send them (it builds each request's cookies in a jar of its own, with the default policy), so
    the Cookie header is written here from the session's jar, which keeps every cookie it is set.
    """

    def __init__(self, host: str, account: dict[str, str]) -> None:
        from django_otp.oath import totp

        self.host = host
        self.session = requests.Session()
        origin = f"https://{host.split('://', 1)[1]}"
        self.session.headers.update({"X-Forwarded-Proto": "https", "Origin": origin})
        page = self._get("/accounts/login/")
        data = {"username": account["username"], "password": account["password"]}
        answer = self._post("/accounts/login/", data | {"csrfmiddlewaretoken": _csrf(page.text)})
        answer = self._get(_location(answer))  # the home page, which sends to the second factor
        answer = self._get(_location(answer))
        code = f"{totp(bytes.fromhex(account['totp_key'])):06d}"
        answer = self._post(
            "/accounts/mfa/verify/", {"code": code, "csrfmiddlewaretoken": _csrf(answer.text)}
        )
        self.csrf = _csrf(self._get(_location(answer)).text)

    def search(self, q: str) -> tuple[int, float]:
        started = time.perf_counter()
        answer = self.session.post(
            f"{self.host}/search/",
            data={"q": q},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf} | self._cookie(),
            allow_redirects=False,
            timeout=30,
        )
        return answer.status_code, (time.perf_counter() - started) * 1000

    def _cookie(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)}

    def _get(self, path: str) -> requests.Response:
        return self.session.get(
            self.host + path, headers=self._cookie(), allow_redirects=False, timeout=30
        )

    def _post(self, path: str, data: dict[str, str]) -> requests.Response:
        return self.session.post(
            self.host + path, data=data, headers=self._cookie(), allow_redirects=False, timeout=30
        )


def _location(answer: requests.Response) -> str:
    if "Location" not in answer.headers:
        raise RuntimeError(f"signing in: HTTP {answer.status_code} where a redirect was expected")
    return answer.headers["Location"]


def _csrf(page: str) -> str:
    found = _CSRF_INPUT.search(page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def coalescing(
    hosts: list[str], accounts: list[dict[str, str]], members: list[str], switch: Switch
) -> dict[str, Any]:
    """Pairs of agents, one on each instance, searching at the same moment: the same member (one
    call expected) or, as a control, two different members (two calls)."""
    agents = [Agent(hosts[i % len(hosts)], accounts[i]) for i in range(2)]
    switch.watch(members)
    half = len(members) // 3
    same, control = members[:half], members[half : 3 * half]
    answers: list[tuple[int, float]] = []

    def both(first: str, second: str) -> None:
        barrier = threading.Barrier(2)

        def go(agent: Agent, q: str) -> None:
            barrier.wait()
            answers.append(agent.search(q))

        threads = [
            threading.Thread(target=go, args=(agent, q))
            for agent, q in zip(agents, (first, second), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(0.5)

    for member in same:
        both(member, member)
    for first, second in zip(control[::2], control[1::2], strict=True):
        both(first, second)
    return {
        "same": (len(same), sum(switch.watched[m] for m in same)),
        "control": (len(control) // 2, sum(switch.watched[m] for m in control)),
        "statuses": Counter(status for status, _ in answers),
        "ms": percentiles([ms for _, ms in answers]),
    }
