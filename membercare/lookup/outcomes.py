"""What came of a look at a member: one word for the page, the HTTP status and the audit trail."""

from enum import StrEnum

from membercare.capillary import (
    CapillaryError,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
)
from membercare.lookup.upstream import LookupLimited


class Outcome(StrEnum):
    OK = "ok"
    MERGED = "merged"  # a search that found the account this one was merged into
    MATCH = "match"  # a verify: what the caller said matches the record
    NO_MATCH = "no_match"
    NOT_FOUND = "not_found"
    DELETED = "deleted"  # after a PII delete request
    UPSTREAM_ERROR = "upstream_error"
    INVALID = "invalid"  # the agent's input, refused before any upstream call
    RATE_LIMITED = "rate_limited"  # the agent's own lookup limit (LOOKUP_RATE_LIMIT): not made

    @classmethod
    def of(cls, error: CapillaryError) -> "Outcome":
        """The one mapping from errors: what an agent was shown when a read failed."""
        match error:
            case CustomerNotFound():
                return cls.NOT_FOUND
            case CustomerDeleted():
                return cls.DELETED
            case InvalidIdentifier():
                return cls.INVALID
            case LookupLimited():
                return cls.RATE_LIMITED
            case _:
                return cls.UPSTREAM_ERROR

    @property
    def status(self) -> int:
        return _STATUS.get(self, 200)

    @property
    def is_gone(self) -> bool:
        """The member can't be shown at all, whatever the panel."""
        return self in (Outcome.NOT_FOUND, Outcome.DELETED)


_STATUS = {
    Outcome.INVALID: 400,
    Outcome.NOT_FOUND: 404,
    Outcome.DELETED: 410,
    Outcome.UPSTREAM_ERROR: 503,
    Outcome.RATE_LIMITED: 429,
}
