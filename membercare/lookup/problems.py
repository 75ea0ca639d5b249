"""What an agent is told when Capillary is in trouble: one plain message per kind of error."""

from dataclasses import dataclass

from membercare.capillary.errors import (
    CapillaryError,
    ConfigurationError,
    MalformedResponse,
    NoPermission,
    RateLimited,
    Unavailable,
)


@dataclass(frozen=True)
class Problem:
    title: str
    detail: str
    retryable: bool
    retry_after: int | None = None
    request_id: str | None = None


def problem_from(error: CapillaryError) -> Problem:
    request_id = error.request_id
    match error:
        case RateLimited():
            wait = error.retry_after
            detail = f"Retry in {wait} s." if wait else "Retry in a moment."
            return Problem("Capillary is busy.", detail, True, wait, request_id)
        case Unavailable():
            return Problem(
                "Capillary didn't answer.",
                "It may be slow or down. Retry, and tell your supervisor if it goes on.",
                True,
                request_id=request_id,
            )
        case MalformedResponse():
            return Problem(
                "Capillary sent an answer we couldn't read.",
                "Retry; if it happens again, report it with the reference below.",
                True,
                request_id=request_id,
            )
        case ConfigurationError():
            return Problem(
                "membercare can't read members from Capillary.",
                "Its connection to Capillary is misconfigured. Tell your administrator.",
                False,
                request_id=request_id,
            )
        case NoPermission():
            return Problem(
                "Capillary doesn't allow this member to be viewed.",
                "Your organisation restricts this member's record.",
                False,
                request_id=request_id,
            )
        case _:
            return Problem(
                "Capillary couldn't answer this request.",
                error.message if hasattr(error, "message") else "",
                True,
                request_id=request_id,
            )
