"""HTTP to Capillary: one `requests.Session`, Capillary's Basic auth, bounded retries, one exchange.

`Transport.get` is the one place a request is made: always with timeouts, never following
redirects, retrying through urllib3's `Retry` (GET only, within a time budget), and turning every
failure of the exchange into an error of `errors.py` built from exception types only, so that no
URL (and with it no identifier) reaches a message or a log. What the answer means is the client's
business (`client.py`); this module knows HTTP, not the contract's codes.

Every call has a deadline (connect + the whole answer, retries included), however the bytes
arrive. requests' and urllib3's read timeout is a limit on each wait for the socket, not on the
answer (https://github.com/psf/requests/issues/4276): a server that sends one byte a second never
trips it, in the headers or in the body. So each wait is capped by the time left: our connection
class connects with min(connect timeout, time left), and its response reads the socket through
`_DeadlineReader`, which sets the socket's timeout to min(read timeout, time left) before every
recv and refuses to wait once the deadline has passed. No thread, no timer; the same for HTTP and
HTTPS. The body is read in chunks up to a size limit (Content-Length is checked first).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import importlib.metadata
import io
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final, Self

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import CapillaryError, ConfigurationError, MalformedResponse, Unavailable

REQUEST_ID_HEADER: Final = "X-Cap-Requestid"
_CHUNK_BYTES: Final = 64 * 1024
# Statuses worth asking again for, on GET only: gateways and "retry later" (CONTRACT.md §3).
RETRY_STATUSES: Final = frozenset({502, 503, 504})
# urllib3 logs the request URL, query string (member identifiers) included, when it retries
# ("Retrying (...) after connection broken by ...: /v1.1/customer/get?mobile=...", at WARNING) and
# at DEBUG. The app config puts a query-string filter on these loggers (apps.py).
URLLIB3_LOGGERS: Final = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection")


def default_user_agent() -> str:
    try:
        version = importlib.metadata.version("membercare")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"membercare/{version}"


# --- Auth ----------------------------------------------------------------------------------------


class CapillaryBasicAuth(requests.auth.AuthBase):
    """Basic auth the Capillary way: base64("<till username>:<md5 hex of the till password>").

    http://developer.capillarytech.com/en/support/solutions/articles/4000154029-basic-authentication
    As a session `auth` (not a fixed header) so that a ~/.netrc can never replace it. Only the
    derived header value is kept, never the password.
    """

    def __init__(self, username: str, password: str) -> None:
        digest = hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()
        token = base64.b64encode(f"{username}:{digest}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:
        return "CapillaryBasicAuth(...)"


# --- The call's deadline -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Deadline:
    """Moments (time.monotonic) that bound the current call: when it must be over, and the latest
    moment a retry may still start."""

    ends: float
    retries_until: float

    def left(self) -> float:
        return self.ends - _clock()


# Set by `Transport.get` for the duration of one call; urllib3 connects and reads in the calling
# thread, so the connection classes below find it there. A ContextVar keeps concurrent calls apart.
_deadline: ContextVar[_Deadline | None] = ContextVar("capillary_deadline", default=None)


def _clock() -> float:
    return time.monotonic()  # a module-level function so tests can move time


class _DeadlineReader(io.RawIOBase):
    """The socket as a response reads it (status line, headers, body), each recv bounded by the
    time left: the read timeout restarts on every byte, this does not."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: _Deadline) -> None:
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline
        self._read_timeout = sock.gettimeout()  # urllib3 set the read timeout before reading

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline.left()
        if left <= 0:
            raise TimeoutError("the call's deadline passed")  # urllib3 reads it as a read timeout
        self._sock.settimeout(left if self._read_timeout is None else min(self._read_timeout, left))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineHTTPResponse(http.client.HTTPResponse):
    """http.client's response, reading through `_DeadlineReader` while a call's deadline is set."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        deadline = _deadline.get()
        if deadline is not None:
            self.fp = io.BufferedReader(_DeadlineReader(self.fp.detach(), sock, deadline))


class _DeadlineConnectionMixin:
    """Connects within min(connect timeout, time left) and reads answers with the deadline."""

    timeout: Any
    response_class: type[http.client.HTTPResponse] = _DeadlineHTTPResponse

    def _new_conn(self) -> socket.socket:
        deadline = _deadline.get()
        if deadline is not None:
            left = deadline.left()
            if left <= 0:
                raise urllib3.exceptions.ConnectTimeoutError(self, "The deadline has passed.")
            if not isinstance(self.timeout, int | float) or self.timeout > left:
                self.timeout = left
        return super()._new_conn()  # type: ignore[misc]


class _HTTPConnection(_DeadlineConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_DeadlineConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS: Final = {"http": _HTTPPool, "https": _HTTPSPool}


class _DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with pools of the deadline-aware connections (through a proxy too)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS brings connection classes of its own
            manager.pool_classes_by_scheme = _POOLS
        return manager


# --- Retries -------------------------------------------------------------------------------------

# Asked before each retry (not the first attempt) whether it may go out: the caller's budget of
# calls to Capillary (membercare/lookup/upstream.py counts every attempt, retries included, against
# CAPILLARY_RATE_LIMIT). False: the call ends with the error it had. Unset: retries are free.
_retry_gate: ContextVar[Callable[[], bool] | None] = ContextVar(
    "capillary_retry_gate", default=None
)


@contextmanager
def retries_gated(may_retry: Callable[[], bool]) -> Iterator[None]:
    """Within this block, each retry goes out only if `may_retry()` says so (and counts it)."""
    token = _retry_gate.set(may_retry)
    try:
        yield
    finally:
        _retry_gate.reset(token)


class _BoundedRetry(Retry):
    """urllib3's Retry, plus: never start a retry that could end after the call's time budget,
    nor one the caller's budget of calls has no room for (`retries_gated`).

    A retry starts only while one whole attempt (connect + read timeout) still fits before both
    `retry_total_seconds` and the call's deadline, however many retries the count would allow.
    """

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        deadline = _deadline.get()
        if deadline is not None and _clock() + retry.get_backoff_time() > deadline.retries_until:
            reason = error or urllib3.exceptions.ResponseError("retry time budget spent")
            raise urllib3.exceptions.MaxRetryError(_pool, url, reason)
        gate = _retry_gate.get()
        if gate is not None and not gate():
            reason = error or urllib3.exceptions.ResponseError("no budget left for a retry")
            raise urllib3.exceptions.MaxRetryError(_pool, url, reason)
        return retry


def retry_policy(retries: int) -> Retry:
    return _BoundedRetry(
        total=retries,
        connect=retries,  # refused / timed out while connecting: the request never left
        read=False,  # a read timeout or reset may mean Capillary is working on it: don't pile on
        status=retries,
        other=0,
        allowed_methods=frozenset({"GET"}),  # never a POST, though we only ever GET
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.25,  # 0, 0.5, 1.0 s between attempts
        backoff_max=2.0,
        raise_on_status=False,  # give us the last answer: its body says which error it is
        respect_retry_after_header=False,  # never sleep for the server; 429 is not retried at all
    )


# --- One exchange --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exchange:
    """What came back from one HTTP call, with nothing that could identify the member."""

    status: int
    request_id: str | None
    retry_after: str | None
    body: bytes


class Transport:
    """One pooled session to one Capillary host. Thread-safe enough to share per process."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        country_code: str,
        connect_timeout: float,
        read_timeout: float,
        retries: int,
        retry_total_seconds: float,
        deadline_seconds: float,
        max_body_bytes: int,
        user_agent: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.deadline_seconds = deadline_seconds
        self.max_body_bytes = max_body_bytes
        # A retry may start only while a whole attempt still fits in the budget and the deadline.
        attempt = connect_timeout + read_timeout
        self._retry_window = min(retry_total_seconds, deadline_seconds) - attempt

        self._session = requests.Session()
        self._session.auth = CapillaryBasicAuth(username, password)
        self._session.headers.update(
            {
                "User-Agent": user_agent or default_user_agent(),
                "Accept": "application/json",  # format=json decides; Accept for proxies and logs
            }
        )
        if country_code:
            # Present in every official example; its meaning is undocumented (CONTRACT.md §1).
            self._session.headers["X-CAP-CLIENT-COUNTRYCODE"] = country_code
        adapter = _DeadlineAdapter(
            pool_connections=4, pool_maxsize=16, max_retries=retry_policy(retries)
        )
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def close(self) -> None:
        self._session.close()

    def get(self, path: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Exchange:
        """The one place an HTTP request is made. Always with timeouts and the call's deadline;
        redirects are not followed (Capillary does not redirect, and a redirect would mean a wrong
        base URL)."""
        started = _clock()
        deadline = _Deadline(
            ends=started + self.deadline_seconds, retries_until=started + self._retry_window
        )
        token = _deadline.set(deadline)
        failure: CapillaryError | None = None
        try:
            response = self._session.get(
                self.base_url + path,
                params={**params, "format": "json"},
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,  # the body is read below, in chunks, against the deadline and limit
            )
            with response:  # closed whatever happens; a half-read connection is not reused
                body = self._read_body(response, deadline)
        except requests.RequestException as exc:
            failure = transport_error(exc)
        except urllib3.exceptions.HTTPError:  # one that requests let through unwrapped
            failure = Unavailable()
        except CapillaryError as exc:
            failure = exc
        finally:
            _deadline.reset(token)
        if isinstance(failure, Unavailable) and deadline.left() <= 0:
            failure = Unavailable(
                f"Capillary did not answer within {self.deadline_seconds:g} s.",
                request_id=failure.request_id,
                http_status=failure.http_status,
            )
        if failure is not None:
            # Raised outside the except block on purpose: no chained exception (whose message
            # holds the URL, and so the identifier) travels with it into error reports.
            raise failure
        return Exchange(
            status=response.status_code,
            request_id=response.headers.get(REQUEST_ID_HEADER),
            retry_after=response.headers.get("Retry-After"),
            body=body,
        )

    def _read_body(self, response: requests.Response, deadline: _Deadline) -> bytes:
        """The whole body, decoded (gzip), refused when larger than `max_body_bytes` (by its
        Content-Length first) and cut off at the deadline. A broken body is a transport failure."""
        request_id = response.headers.get(REQUEST_ID_HEADER)
        too_large = MalformedResponse(
            f"Capillary's answer is larger than CAPILLARY_MAX_BODY_BYTES ({self.max_body_bytes}).",
            request_id=request_id,
            http_status=response.status_code,
        )
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise too_large
        chunks, size = [], 0
        for chunk in response.iter_content(_CHUNK_BYTES):
            size += len(chunk)
            if size > self.max_body_bytes:
                raise too_large
            if deadline.left() <= 0:  # each wait is bounded already; this bounds a fast flood
                raise Unavailable(request_id=request_id)  # reworded by get() as the deadline's
            chunks.append(chunk)
        return b"".join(chunks)


# --- Transport errors ----------------------------------------------------------------------------


def transport_error(exc: requests.RequestException) -> CapillaryError:
    """Our error for a failed exchange. Built from exception types only: the messages of requests'
    and urllib3's exceptions contain the URL, and with it the identifier."""
    match exc:
        case requests.ConnectTimeout():
            return Unavailable("Capillary could not be reached in time.")
        case requests.ReadTimeout():
            return Unavailable("Capillary did not answer in time.")
        case requests.exceptions.ChunkedEncodingError():
            return Unavailable("The connection to Capillary broke during the answer.")
        case requests.exceptions.ContentDecodingError():
            return MalformedResponse()
        case requests.exceptions.SSLError():
            return Unavailable("The secure connection to Capillary failed.")
        case requests.exceptions.InvalidURL() | requests.exceptions.MissingSchema():
            return ConfigurationError("CAPILLARY_BASE_URL is not a valid URL.")
        case requests.ConnectionError():
            return Unavailable(_connection_failure(exc))
    return Unavailable()


def _connection_failure(exc: BaseException) -> str:
    causes = set()
    for cause in _causes(exc):
        causes.add(type(cause))
    if any(issubclass(c, socket.gaierror | urllib3.exceptions.NameResolutionError) for c in causes):
        return "Capillary's host name could not be resolved."
    if any(issubclass(c, ConnectionRefusedError) for c in causes):
        return "Capillary refused the connection."
    if any(issubclass(c, ConnectionResetError) for c in causes):
        return "Capillary reset the connection without answering."
    if any(issubclass(c, http.client.RemoteDisconnected) for c in causes):
        return "Capillary closed the connection without answering."
    if any(issubclass(c, urllib3.exceptions.ReadTimeoutError | TimeoutError) for c in causes):
        return "Capillary did not answer in time."  # a read timeout in the body

    return "Capillary could not be reached."


def _causes(exc: BaseException, depth: int = 0) -> Iterator[BaseException]:
    """The exception and what it wraps (args, `reason`, cause, context), a few levels deep."""
    if depth > 6:
        return
    yield exc
    nested = [*exc.args, getattr(exc, "reason", None), exc.__cause__, exc.__context__]
    for inner in nested:
        if isinstance(inner, BaseException) and inner is not exc:
            yield from _causes(inner, depth + 1)
