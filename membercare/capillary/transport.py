"""HTTP to Capillary: one `requests.Session`, Capillary's Basic auth, bounded retries, one exchange.

`Transport.get` is the one place a request is made: always with timeouts, never following
redirects, retrying through urllib3's `Retry` (GET only, within a time budget), and turning every
failure of the exchange into an error of `errors.py` built from exception types only, so that no
URL (and with it no identifier) reaches a message or a log. What the answer means is the client's
business (`client.py`); this module knows HTTP, not the contract's codes.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import importlib.metadata
import socket
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final, Self

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import CapillaryError, ConfigurationError, MalformedResponse, Unavailable

REQUEST_ID_HEADER: Final = "X-Cap-Requestid"
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


# --- Retries -------------------------------------------------------------------------------------

# The latest moment (time.monotonic) at which a retry of the current call may still start; set by
# the exchange for the duration of one call. A ContextVar keeps concurrent calls apart.
_retry_deadline: ContextVar[float | None] = ContextVar("capillary_retry_deadline", default=None)


def _clock() -> float:
    return time.monotonic()  # a module-level function so tests can move time


class _BoundedRetry(Retry):
    """urllib3's Retry, plus: never start a retry that could end after the call's time budget.

    The deadline leaves room for one whole attempt (connect + read timeout), so a call never takes
    much longer than `retry_total_seconds`, however many retries the count would still allow.
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
        deadline = _retry_deadline.get()
        if deadline is not None and _clock() + retry.get_backoff_time() > deadline:
            reason = error or urllib3.exceptions.ResponseError("retry time budget spent")
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
        user_agent: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        # A retry may start only while a whole attempt still fits in the budget.
        self._retry_window = retry_total_seconds - connect_timeout - read_timeout

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
        adapter = HTTPAdapter(
            pool_connections=4, pool_maxsize=16, max_retries=retry_policy(retries)
        )
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def close(self) -> None:
        self._session.close()

    def get(self, path: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Exchange:
        """The one place an HTTP request is made. Always with timeouts; redirects are not followed
        (Capillary does not redirect, and a redirect would mean a wrong base URL)."""
        token = _retry_deadline.set(_clock() + self._retry_window)
        failure: CapillaryError | None = None
        try:
            response = self._session.get(
                self.base_url + path,
                params={**params, "format": "json"},
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
            body = response.content  # read it here: a broken body is a transport failure
        except requests.RequestException as exc:
            failure = transport_error(exc)
        finally:
            _retry_deadline.reset(token)
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
