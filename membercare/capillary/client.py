"""The one piece of membercare that speaks to Capillary: it looks members up and reads answers.

The HTTP itself (one session, Capillary's Basic auth, retries through urllib3's `Retry` for GET
only, one request funnel that always sets timeouts) is in `transport.py`; errors are one tree
(`errors.py`). The client knows the contract: what to ask, how to read the answer, which error it
stands for, and never lets a URL or an identifier reach a log or an error message. It knows nothing
of Django, views, users or templates (`client_from_settings` is in `settings.py`).

Endpoint: `GET {base}/v1.1/customer/get`, documented at
https://docs.capillarytech.com/reference/get-customer-details-v1api (CONTRACT.md sections 1-3;
docs/contract-notes.md for what the documentation leaves open).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from . import _safe_json
from ._coerce import JSONMapping, first, is_blank, listing, text
from .errors import (
    BatchTooLarge,
    CapillaryError,
    ConfigurationError,
    InvalidIdentifier,
    MalformedResponse,
    RateLimited,
    Unavailable,
    error_for_item,
    parse_retry_after,
)
from .identifiers import Identifier, IdentifierKind, parse_identifier
from .query import CustomerQuery
from .transport import Exchange, Transport
from .types import Customer, Envelope, ItemStatus

logger = logging.getLogger(__name__)

CUSTOMER_GET_PATH: Final = "/v1.1/customer/get"
# Item codes that come with the member's data: show what came (CONTRACT.md §3).
PARTIAL_DATA_CODES: Final = frozenset({618, 91001, 91002, 91004, 91009, 91011, 91012, 91013, 91014})
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_NOT_JSON: Final = object()
_TOO_DEEP: Final = object()


# --- The client ----------------------------------------------------------------------------------


class CapillaryClient:
    """Looks members up with `GET /v1.1/customer/get`. Thread-safe enough to share per process."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        country_code: str = "",
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        retries: int = 2,
        retry_total_seconds: float = 8.0,
        deadline_seconds: float = 8.0,
        max_body_bytes: int = 5 * 1024 * 1024,
        batch_size: int = 10,
        user_agent: str | None = None,
    ) -> None:
        """Timeouts are seconds, (connect, read) on every request. `retries` bounds how many
        times a GET is repeated after a refused or timed-out connection or a 502/503/504, and
        `retry_total_seconds` bounds the time: a retry starts only if a whole attempt (connect +
        read timeout) still fits in it, so with a budget no larger than one attempt there are no
        retries. `deadline_seconds` bounds each call as a whole (connect and the whole answer,
        retries included), however slowly the bytes arrive; an answer larger than
        `max_body_bytes` is refused as malformed. `batch_size` is the number of identifiers per
        bulk call."""
        if not base_url:
            raise ConfigurationError("CAPILLARY_BASE_URL is not set.")
        if not username or not password:
            raise ConfigurationError("CAPILLARY_USERNAME and CAPILLARY_PASSWORD must both be set.")
        if (
            batch_size < 1
            or retries < 0
            or min(connect_timeout, read_timeout, deadline_seconds) <= 0
        ):
            raise ValueError("batch_size >= 1, retries >= 0 and positive timeouts are required.")
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive.")
        self.base_url = base_url.rstrip("/")
        self.batch_size = batch_size
        self.timeout = (connect_timeout, read_timeout)
        self._transport = Transport(
            base_url=self.base_url,
            username=username,
            password=password,
            country_code=country_code,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries=retries,
            retry_total_seconds=retry_total_seconds,
            deadline_seconds=deadline_seconds,
            max_body_bytes=max_body_bytes,
            user_agent=user_agent,
        )

    def __repr__(self) -> str:
        return f"CapillaryClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._transport.close()

    # -- Public calls ---------------------------------------------------------------------------

    def get_customer(
        self, *, identifier: Identifier, query: CustomerQuery, language: str | None = None
    ) -> Customer:
        """One member, or the `CapillaryError` that says why not.

        Docs: https://docs.capillarytech.com/reference/get-customer-details-v1api
        `language` (e.g. "zh") asks for extended-field labels in that language.
        """
        outcomes = self.get_customers(identifiers=[identifier], query=query, language=language)
        outcome = outcomes[identifier]
        if isinstance(outcome, CapillaryError):
            raise outcome
        return outcome

    def get_customers(
        self,
        *,
        identifiers: Sequence[Identifier],
        query: CustomerQuery,
        language: str | None = None,
    ) -> dict[Identifier, Customer | CapillaryError]:
        """Several members of one identifier kind, keyed by the identifiers given.

        Docs (bulk: comma-separated values of one kind):
        https://docs.capillarytech.com/reference/get-customer-details-v1api

        Calls are made in chunks of `batch_size`. Each answer item is matched to its input by the
        identifier value it echoes, never by position. An input that no item mentions gets a
        `MalformedResponse`: Capillary answers every identifier it was asked about (not-found ones
        included, with code 1012), so a missing one means a broken answer, not a missing member.
        Per-member failures (not found, deleted, no permission, ...) and failures of one chunk's
        call (timeout, outage, malformed body) are values in the result; `ConfigurationError` is
        raised, since no call can succeed. After a 429 no further chunk is attempted.
        """
        kinds = {identifier.kind for identifier in identifiers}
        if len(kinds) > 1:
            raise ValueError("get_customers takes identifiers of one kind per call.")
        if not identifiers:
            return {}
        kind = IdentifierKind(kinds.pop())
        params = query.params()
        headers = self._language_header(language)

        # Re-check every value right before it goes into a URL: an Identifier built by hand could
        # hold a comma (a bulk call) or anything else parse_identifier refuses.
        refused: dict[Identifier, CapillaryError] = {}
        checked: dict[Identifier, Identifier] = {}  # as given -> normalised
        for identifier in identifiers:
            try:
                checked[identifier] = parse_identifier(identifier.value, kind)
            except InvalidIdentifier as error:
                refused[identifier] = error

        pending = list(dict.fromkeys(checked.values()))  # each value asked once, in order
        outcomes: dict[Identifier, Customer | CapillaryError] = {}
        while pending:
            chunk, pending = pending[: self.batch_size], pending[self.batch_size :]
            chunk_outcomes = self._lookup_chunk(kind, chunk, params, headers)
            outcomes.update(chunk_outcomes)
            rate_limited = next(
                (o for o in chunk_outcomes.values() if isinstance(o, RateLimited)), None
            )
            if rate_limited is not None:
                # Asking again now only makes it worse: the rest share the answer.
                outcomes.update(dict.fromkeys(pending, rate_limited))
                break

        return {
            identifier: refused[identifier]
            if identifier in refused
            else outcomes[checked[identifier]]
            for identifier in identifiers
        }

    # -- One chunk ------------------------------------------------------------------------------

    def _lookup_chunk(
        self,
        kind: IdentifierKind,
        chunk: list[Identifier],
        params: dict[str, str],
        headers: dict[str, str],
    ) -> dict[Identifier, Customer | CapillaryError]:
        values = ",".join(identifier.value for identifier in chunk)
        try:
            envelope, request_id = self._call({kind.value: values, **params}, headers, kind=kind)
        except ConfigurationError:
            raise
        except BatchTooLarge as error:
            if len(chunk) > 1:
                return self._split(kind, chunk, params, headers)
            return {chunk[0]: error}
        except CapillaryError as error:
            return dict.fromkeys(chunk, error)

        outcomes = _match(kind, chunk, envelope, request_id)
        if len(chunk) > 1 and all(isinstance(o, BatchTooLarge) for o in outcomes.values()):
            # The batch limit is undocumented (CONTRACT.md §3): halve and ask again.
            return self._split(kind, chunk, params, headers)
        return outcomes

    def _split(
        self,
        kind: IdentifierKind,
        chunk: list[Identifier],
        params: dict[str, str],
        headers: dict[str, str],
    ) -> dict[Identifier, Customer | CapillaryError]:
        middle = len(chunk) // 2
        logger.warning("Capillary refused a batch of %d (1060); splitting it", len(chunk))
        return {
            **self._lookup_chunk(kind, chunk[:middle], params, headers),
            **self._lookup_chunk(kind, chunk[middle:], params, headers),
        }

    # -- One call ----------------------------------------------------------------------------------

    def _call(
        self, params: Mapping[str, str], headers: Mapping[str, str], *, kind: IdentifierKind
    ) -> tuple[Envelope, str | None]:
        """One call: the answer's envelope and request id, or the error it stands for (logged)."""
        started = time.perf_counter()
        exchange: Exchange | None = None
        try:
            exchange = self._transport.get(CUSTOMER_GET_PATH, params, headers)
            envelope = self._envelope(exchange)
        except CapillaryError as error:
            elapsed_ms = (time.perf_counter() - started) * 1000
            # The kind of identifier, never a value; no URL; the request id to trace it by.
            logger.warning(
                "Capillary customer/get failed: %s kind=%s status=%s code=%s request_id=%s "
                "elapsed_ms=%.0f",
                type(error).__name__,
                kind,
                error.http_status,
                error.code,
                error.request_id,
                elapsed_ms,
            )
            raise
        logger.debug(
            "Capillary customer/get kind=%s status=%d request_id=%s elapsed_ms=%.0f",
            kind,
            exchange.status,
            exchange.request_id,
            (time.perf_counter() - started) * 1000,
        )
        return envelope, exchange.request_id

    def _envelope(self, exchange: Exchange) -> Envelope:
        """The answer's envelope, or the error the whole answer stands for (CONTRACT.md §3 and
        docs/contract-notes.md: an HTTP 500 carrying item statuses is an answer, not an outage)."""
        status, request_id = exchange.status, exchange.request_id
        payload = _json(exchange.body)
        envelope = Envelope.from_api(payload)
        body_code = envelope.status.code if envelope and envelope.status else None
        error_code = envelope.error_code if envelope else None

        def error[E: CapillaryError](cls: type[E], message: str | None = None, **extra: Any) -> E:
            return cls(message, request_id=request_id, http_status=status, **extra)

        if status == 401 or body_code == 401:
            raise error(
                ConfigurationError,
                "Capillary rejected the dashboard's till credentials (401).",
                code=401,
            )
        if status == 403 or error_code == 4000:
            raise error(
                ConfigurationError,
                "The till may not read customers: its access group lacks Customer read.",
                code=error_code or 403,
            )
        if status == 429:
            raise error(RateLimited, retry_after=parse_retry_after(exchange.retry_after))
        if status == 503 or error_code == 4001:
            raise error(Unavailable, "Capillary asked to try again later.", code=error_code)
        if 300 <= status < 400 or status in (404, 405):
            raise error(
                ConfigurationError, f"No Capillary customer API at CAPILLARY_BASE_URL ({status})."
            )
        if envelope is not None and envelope.items:
            return envelope  # 200, 201, 500 or 400 with items: read them one by one
        if status >= 500:
            raise error(Unavailable)
        if envelope is not None:
            if body_code in (400, 1015, 1042):
                raise error(InvalidIdentifier, code=body_code)
            if body_code == 1060:
                raise error(BatchTooLarge, code=body_code)
            if envelope.items is not None and 200 <= status < 300:
                return envelope  # an empty list: every input will be reported as unanswered
        if payload is _NOT_JSON:
            raise error(MalformedResponse, "Capillary sent something that is not JSON.")
        if payload is _TOO_DEEP:
            raise error(
                MalformedResponse,
                f"Capillary's answer nests deeper than {_safe_json.MAX_DEPTH} levels.",
            )
        raise error(MalformedResponse)

    @staticmethod
    def _language_header(language: str | None) -> dict[str, str]:
        if language is None or language == "":
            return {}
        if not _LANGUAGE.fullmatch(language):
            raise ValueError("language must be an ISO code such as 'zh' or 'pt-BR'.")
        return {"language": language}


def _json(body: bytes) -> Any:
    """The answer's JSON, its strings safe to show (no lone surrogates, none of megabytes), or a
    marker for a body that is not JSON or nests too deeply (`_safe_json`)."""
    try:
        return _safe_json.loads(body)
    except _safe_json.NestedTooDeeply:
        return _TOO_DEEP
    except ValueError:  # JSONDecodeError: HTML, truncated, empty
        return _NOT_JSON


# --- Matching answers to questions ---------------------------------------------------------------


def _match(
    kind: IdentifierKind,
    chunk: list[Identifier],
    envelope: Envelope,
    request_id: str | None,
) -> dict[Identifier, Customer | CapillaryError]:
    """Pair each item with the input whose value it echoes (CONTRACT.md §2: never by position).

    A merged member's item (91009) carries the survivor's identifiers; it echoes the user id asked
    for in `merged_from`, and otherwise pairs by elimination when exactly one input and one item
    are left unmatched. Whatever stays unmatched is reported as unanswered.
    """
    by_value = {identifier.value: identifier for identifier in chunk}
    outcomes: dict[Identifier, Customer | CapillaryError] = {}
    unmatched_items = []
    for item in envelope.items or ():
        identifier = next(
            (
                by_value[value]
                for value in _echoed_values(kind, item)
                if value in by_value and by_value[value] not in outcomes
            ),
            None,
        )
        if identifier is None:
            unmatched_items.append(item)
        else:
            outcomes[identifier] = _outcome(kind, item, request_id)

    unanswered = [identifier for identifier in chunk if identifier not in outcomes]
    if len(unanswered) == 1 and len(unmatched_items) == 1:
        outcomes[unanswered[0]] = _outcome(kind, unmatched_items[0], request_id)
    else:
        for identifier in unanswered:
            outcomes[identifier] = MalformedResponse(
                "Capillary's answer did not include this member.", request_id=request_id
            )
    return outcomes


_ECHO_KEYS: Final = {
    IdentifierKind.MOBILE: ("mobile",),
    IdentifierKind.EMAIL: ("email",),
    IdentifierKind.EXTERNAL_ID: ("external_id",),
    IdentifierKind.USER_ID: ("user_id", "id", "merged_from"),
    IdentifierKind.CARD_NUMBER: ("card_number",),
    IdentifierKind.CARD_EXTERNAL_ID: ("card_external_id",),
}


def _echoed_values(kind: IdentifierKind, item: JSONMapping) -> Iterator[str]:
    """The values of `kind` an item carries, normalised like our inputs."""
    raw: list[Any] = [item.get(key) for key in _ECHO_KEYS[kind]]
    if kind in (IdentifierKind.CARD_NUMBER, IdentifierKind.CARD_EXTERNAL_ID):
        raw += [card.get(kind.value) for card in listing(item.get("card_details"), "card") or ()]
    for value in raw:
        value_text = text(value)
        if value_text is None:
            continue
        try:
            yield parse_identifier(value_text, kind).value
        except InvalidIdentifier:
            yield value_text  # an odd echo can still equal an input exactly


def _outcome(
    kind: IdentifierKind, item: JSONMapping, request_id: str | None
) -> Customer | CapillaryError:
    """A member, or the error its item status stands for."""
    status = ItemStatus.from_api(item.get("item_status"))
    has_data = not is_blank(first(item, "firstname", "lastname", "user_id", "email", "mobile"))
    if status.success or (status.code in PARTIAL_DATA_CODES and has_data):
        return Customer.from_api(item, request_id=request_id)
    error = error_for_item(status.code, request_id=request_id)
    if isinstance(error, InvalidIdentifier):
        error.kind = kind  # "that doesn't look like an email" needs to know it was an email
    return error
