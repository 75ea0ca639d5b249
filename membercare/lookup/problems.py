"""What an agent is told when Capillary is in trouble, as one value the templates show.

The words themselves live on the error classes (`title`, `detail`, `retryable` in
membercare/capillary/errors.py); this is the frozen shape the lookup pages render.
"""

from dataclasses import dataclass

from membercare.capillary import CapillaryError


@dataclass(frozen=True)
class Problem:
    title: str
    detail: str
    retryable: bool
    retry_after: int | None = None
    request_id: str | None = None


def problem_from(error: CapillaryError) -> Problem:
    return Problem(
        title=error.title,
        detail=error.detail,
        retryable=error.retryable,
        retry_after=error.retry_after,
        request_id=error.request_id,
    )
