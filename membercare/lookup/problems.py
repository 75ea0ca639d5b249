"""What an agent is told when Capillary is in trouble, as one value the templates show.

The words themselves live on the error classes (`title`, `detail`, `retryable` in
membercare/capillary/errors.py); this is the frozen shape the lookup pages render.
"""

from dataclasses import dataclass

from membercare.capillary import CapillaryError
from membercare.lookup.outcomes import Outcome


@dataclass(frozen=True)
class Problem:
    title: str
    detail: str
    retryable: bool
    retry_after: int | None = None
    request_id: str | None = None
    # What the page's status and audit event say: Capillary's trouble, or the agent's own limit.
    outcome: Outcome = Outcome.UPSTREAM_ERROR


def problem_from(error: CapillaryError) -> Problem:
    limited = Outcome.of(error) is Outcome.RATE_LIMITED
    return Problem(
        title=error.title,
        detail=error.detail,
        retryable=error.retryable,
        retry_after=error.retry_after,
        request_id=error.request_id,
        outcome=Outcome.RATE_LIMITED if limited else Outcome.UPSTREAM_ERROR,
    )
