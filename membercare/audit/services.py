"""Reading the audit trail: the filtered list the audit page shows, and its CSV export."""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet

from membercare.audit.models import AuditEvent

CSV_HEADER = [
    "at",
    "actor",
    "action",
    "outcome",
    "member_id",
    "identifier_kind",
    "identifier_hash",
    "panel",
    "page",
    "field",
    "ip",
    "request_id",
    # Ours (the request's id, in every log line of the request: docs/operations.md, "Logs"),
    # where request_id is Capillary's. Last, so that readers of the older columns still work.
    "trace_id",
]
# The detail keys that reach the CSV: fixed tokens set by the code, never text a person typed
# (a reveal's reason, a group change's description or a failed sign-in's username stay out).
CSV_DETAIL_KEYS = ("panel", "page", "field")
_TOKEN = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class EventFilters:
    """What the auditor asked for. Dates are whole UTC days, both ends included."""

    username: str = ""
    member_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_params(self) -> dict[str, str]:
        """The filters as the audit page's query parameters (empty ones left out)."""
        params = {
            "user": self.username,
            "member": "" if self.member_id is None else str(self.member_id),
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {name: value for name, value in params.items() if value}

    def query_string(self, **extra: Any) -> str:
        return urlencode(self.as_params() | {k: v for k, v in extra.items() if v is not None})


def events_matching(*, filters: EventFilters) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the filters."""
    events = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(actor_username__iexact=filters.username)
    if filters.member_id is not None:
        events = events.filter(member_id=filters.member_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to and filters.date_to < date.max:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-at", "-id")


def csv_lines(*, filters: EventFilters) -> Iterator[str]:
    """The export, line by line (for a streaming response): no personal data, no formulas."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    rows = events_matching(filters=filters).values_list(
        "at",
        "actor_username",
        "action",
        "outcome",
        "member_id",
        "identifier_kind",
        "identifier_hash",
        "detail",
        "ip",
        "request_id",
        "trace_id",
    )
    for (
        at,
        actor,
        action,
        outcome,
        member_id,
        kind,
        hashed,
        detail,
        ip,
        request_id,
        trace_id,
    ) in rows.iterator(chunk_size=_CHUNK):
        detail = detail if isinstance(detail, dict) else {}
        cells = [
            _utc_iso(at),
            actor,
            action,
            outcome,
            "" if member_id is None else str(member_id),
            kind,
            hashed,
            *(_token(detail.get(key)) for key in CSV_DETAIL_KEYS),
            ip or "",
            request_id,
            trace_id,
        ]
        yield writer.writerow([_no_formula(cell) for cell in cells])


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _token(value: Any) -> str:
    """A short code-set value (panel name, page number, field name); anything else is left out."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _TOKEN.fullmatch(value):
        return value
    return ""


def _no_formula(cell: str) -> str:
    """Spreadsheets run cells that start with = + - @ (CSV injection): make them text."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value
