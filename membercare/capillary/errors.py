"""One exception tree for everything that can go wrong when asking Capillary about a member.

Callers catch `CapillaryError` (or one subclass). What an agent reads is on the error itself:
`title` (what happened), `detail` (what to do about it) and `retryable` (whether to offer a retry).
`message` is the precise wording for operators (logs, `manage.py capillary_check`) and for a few
agent messages (an identifier that is not valid). What agents read is marked for translation and
read in the agent's language (`_text.py`); `msgid` is the message as written, in English. None
of them contains the identifier, a URL or a response body, and every error raised after an HTTP
exchange carries Capillary's `X-Cap-Requestid` so an operator can trace it.

Item and HTTP codes: CONTRACT.md section 3; shapes the contract leaves open: docs/contract-notes.md.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import time
from typing import TYPE_CHECKING, Any, ClassVar

from ._text import Words, gettext_noop, translated

if TYPE_CHECKING:
    from .identifiers import IdentifierKind


class CapillaryError(Exception):
    """Base of the tree, and what an unknown failing item code becomes. `request_id` is
    Capillary's trace id."""

    default_message: ClassVar[str] = gettext_noop("Capillary could not answer this request.")
    #: What an agent is told happened.
    title = Words(gettext_noop("Capillary couldn't answer this request."))
    #: True when asking again may well succeed: the agent is offered a retry.
    retryable: ClassVar[bool] = True
    #: Seconds to wait before asking again, when Capillary said (see RateLimited).
    retry_after: int | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        request_id: str | None = None,
        code: int | None = None,
        http_status: int | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        #: The message as written (English), and the values of its `%(name)s` placeholders.
        self.msgid = message or self.default_message
        self.params = params or {}
        self.request_id = request_id
        #: The Capillary item or error code behind this error, when there was one (e.g. 1012, 4000).
        self.code = code
        #: The HTTP status of the answer, when there was an answer.
        self.http_status = http_status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The message in the active language (English in the client used alone)."""
        return translated(self.msgid, self.params)

    @property
    def detail(self) -> str:
        """What an agent can do about it; by default the message itself."""
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Results (errors from get_customers too) are cached by the dashboard: keep every attribute
        # across pickling, which Exception's default (calling __init__ with `args`) would lose.
        return (_restore, (type(self), self.__dict__.copy()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, request_id={self.request_id!r})"


def _restore(cls: type[CapillaryError], state: dict[str, Any]) -> CapillaryError:
    error = cls.__new__(cls)
    state = dict(state)
    if "message" in state:  # pickled before messages were translated when read
        state.setdefault("msgid", state.pop("message"))
    state.setdefault("params", {})
    Exception.__init__(error, state.get("msgid", cls.default_message))
    error.__dict__.update(state)
    return error


class CustomerNotFound(CapillaryError):
    """Item codes 816, 1011 and 1012: Capillary has no such member (all three treated alike)."""

    default_message = gettext_noop("No member matches that identifier.")


class CustomerDeleted(CapillaryError):
    """Item code 8109: the member existed but was deleted after a PII delete request."""

    default_message = gettext_noop("This member was deleted after a PII delete request.")


class InvalidIdentifier(CapillaryError):
    """The identifier is not usable: caught before any HTTP by `parse_identifier`, or answered by
    Capillary with item code 1042 (invalid mobile/email/external id), 400 or 1015 (no or invalid
    identifier)."""

    default_message = gettext_noop("That identifier is not valid.")

    def __init__(
        self,
        message: str | None = None,
        *,
        kind: IdentifierKind | None = None,
        request_id: str | None = None,
        code: int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id, code=code, http_status=http_status)
        self.kind = kind


class NoPermission(CapillaryError):
    """Item code 1044: the till may not view this member."""

    default_message = "The dashboard is not allowed to view this member."
    title = Words(gettext_noop("Capillary doesn't allow this member to be viewed."))
    detail = Words(gettext_noop("Your organisation restricts this member's record."))
    retryable = False


class BatchTooLarge(CapillaryError):
    """Item code 1060: too many identifiers in one call (the limit is undocumented)."""

    default_message = gettext_noop("Too many members were asked for at once.")


class RateLimited(CapillaryError):
    """HTTP 429, never slept on: `retry_after` (seconds, from `Retry-After`) says when to retry."""

    default_message = "Capillary is receiving too many requests; try again shortly."
    title = Words(gettext_noop("Capillary is busy."))

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int | None = None,
        request_id: str | None = None,
        code: int | None = None,
        http_status: int | None = 429,
    ) -> None:
        super().__init__(message, request_id=request_id, code=code, http_status=http_status)
        self.retry_after = retry_after

    @property
    def detail(self) -> str:
        if self.retry_after:
            return translated(
                gettext_noop("Retry in %(seconds)s s."), {"seconds": self.retry_after}
            )
        return translated(gettext_noop("Retry in a moment."))


class Unavailable(CapillaryError):
    """Capillary did not answer usefully: timeout, connection refused or reset, a 5xx that is not a
    Capillary envelope, or 503 with errorCode 4001 ("authorization status unavailable")."""

    default_message = "Capillary is not answering right now; try again in a minute."
    title = Words(gettext_noop("Capillary didn't answer."))
    detail = Words(
        gettext_noop("It may be slow or down. Retry, and tell your supervisor if it goes on.")
    )


class ConfigurationError(CapillaryError):
    """An operator problem, not an agent one: missing base URL or credentials, 401 (bad
    credentials), 403 / errorCode 4000 (the till's access group lacks Customer read), or an
    endpoint that is not Capillary's."""

    default_message = "The connection to Capillary is misconfigured; tell an administrator."
    title = Words(gettext_noop("membercare can't read members from Capillary."))
    detail = Words(
        gettext_noop("Its connection to Capillary is misconfigured. Tell your administrator.")
    )
    retryable = False


class MalformedResponse(CapillaryError):
    """Capillary answered with something that is not a usable answer: not JSON, an HTML page,
    truncated JSON, or JSON of the wrong shape. The body is never shown."""

    default_message = "Capillary sent an answer the dashboard could not read."
    title = Words(gettext_noop("Capillary sent an answer we couldn't read."))
    detail = Words(gettext_noop("Retry; if it happens again, report it with the reference below."))


# Item codes that mean "no member for this identifier" / other per-item failures (CONTRACT.md §3).
NOT_FOUND_CODES = frozenset({816, 1011, 1012})
INVALID_IDENTIFIER_CODES = frozenset({1042, 400, 1015})

_ITEM_ERRORS: dict[int, type[CapillaryError]] = {
    **dict.fromkeys(NOT_FOUND_CODES, CustomerNotFound),
    8109: CustomerDeleted,
    **dict.fromkeys(INVALID_IDENTIFIER_CODES, InvalidIdentifier),
    1044: NoPermission,
    1060: BatchTooLarge,
}


def error_for_item(code: int | None, *, request_id: str | None) -> CapillaryError:
    """The error for a failed item (`item_status.success` "false"), by its code.

    Capillary's own item message is not used: it may echo the identifier, and ours are written for
    agents. An unknown failing code becomes the base `CapillaryError`, with the code kept.
    """
    error_class = _ITEM_ERRORS.get(code) if code is not None else None
    if error_class is None:
        if code is None:
            return CapillaryError(
                gettext_noop("Capillary could not return this member."), request_id=request_id
            )
        return CapillaryError(
            gettext_noop("Capillary could not return this member (code %(code)s)."),
            request_id=request_id,
            code=code,
            params={"code": code},
        )
    return error_class(request_id=request_id, code=code)


def parse_retry_after(value: str | None, *, now: float | None = None) -> int | None:
    """Seconds to wait, from a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110).

    Returns None when absent or unreadable; never negative; fractions round up so that asking again
    after `retry_after` seconds is never early.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT; parsedate gives a naive value for "-0000"
        when = when.replace(tzinfo=datetime.UTC)
    current = time.time() if now is None else now
    return max(0, math.ceil(when.timestamp() - current))
