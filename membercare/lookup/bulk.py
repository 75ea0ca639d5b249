"""Look up several members at once (the "look up several members" capability).

Each line is validated on its own; the valid ones are grouped by kind and sent as Capillary bulk
calls (one kind per call, chunked by CAPILLARY_BATCH_SIZE), so 50 emails cost a handful of calls.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from membercare.capillary import (
    CapillaryError,
    Customer,
    CustomerQuery,
    Identifier,
    IdentifierKind,
    InvalidIdentifier,
)
from membercare.i18n import capillary_language
from membercare.lookup import upstream
from membercare.lookup.outcomes import Outcome
from membercare.lookup.problems import problem_from
from membercare.lookup.services import read_identifier

MAX_LINES = 50

# Who they are and whether they are flagged: enough to pick whom to open.
BULK_QUERY = CustomerQuery(embed=frozenset({"user_id", "fraud_details"}), coupon_limit=0)


@dataclass(frozen=True)
class BulkRow:
    line: int
    text: str
    identifier: Identifier | None = None
    customer: Customer | None = None
    error: Exception | None = None

    @property
    def outcome(self) -> Outcome:
        if self.customer is not None:
            return Outcome.MERGED if self.customer.merged_from else Outcome.OK
        if isinstance(self.error, CapillaryError):
            return Outcome.of(self.error)
        return Outcome.UPSTREAM_ERROR  # the bulk answer left this line out

    @property
    def status(self) -> str:
        """The result column's word (and badge class)."""
        return "found" if self.outcome is Outcome.OK else str(self.outcome)

    @property
    def message(self) -> str:
        match self.outcome:
            case Outcome.OK:
                return _("Found")
            case Outcome.MERGED:
                return _("Merged")
            case Outcome.NOT_FOUND:
                return _("Not found")
            case Outcome.DELETED:
                return _("Deleted after a PII delete request")
            case Outcome.INVALID if isinstance(self.error, InvalidIdentifier):
                return self.error.message
        if isinstance(self.error, CapillaryError):
            return problem_from(self.error).title
        return _("No answer for this line.")


def look_up_lines(*, lines: list[str], kind: IdentifierKind | None) -> list[BulkRow]:
    """One row per non-blank line, in the order given (duplicates answered once)."""
    rows: list[BulkRow] = []
    for number, text in enumerate(lines, start=1):
        try:
            rows.append(BulkRow(number, text, identifier=read_identifier(text=text, kind=kind)))
        except InvalidIdentifier as error:
            rows.append(BulkRow(number, text, error=error))

    by_kind: dict[IdentifierKind, list[Identifier]] = defaultdict(list)
    for row in rows:
        if row.identifier and row.identifier not in by_kind[row.identifier.kind]:
            by_kind[row.identifier.kind].append(row.identifier)
    answers: dict[Identifier, Customer | CapillaryError] = {}
    for identifiers in by_kind.values():
        try:
            answers |= upstream.get_customers(
                identifiers=identifiers, query=BULK_QUERY, language=capillary_language()
            )
        except CapillaryError as error:  # no call can succeed (configuration) or may be made now
            answers |= dict.fromkeys(identifiers, error)
    return [_answered(row, answers) for row in rows]


def _answered(row: BulkRow, answers: dict[Identifier, Customer | CapillaryError]) -> BulkRow:
    if row.identifier is None:
        return row
    answer = answers.get(row.identifier)
    if isinstance(answer, Customer):
        return BulkRow(row.line, row.text, row.identifier, customer=answer)
    return BulkRow(row.line, row.text, row.identifier, error=answer)
