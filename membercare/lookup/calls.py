"""The call with the member now open: when it began, what the agent looked at, and its summary.

A call begins when an agent opens a member (a search, or the customer view) and ends at End
call, which records a `call_end` audit event with the time since that lookup and shows a short
summary to copy into a ticketing tool. The call lives in the agent's server-side session: what is
noted is the member's id, their tiers and what the agent searched and found (bill numbers, coupon
codes, points, statuses), never contact data (no name, email, mobile or external id).
"""

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format

from membercare.capillary import Coupon, Transaction
from membercare.lookup.pages import CustomerPage

SESSION_KEY = "lookup.call"
MAX_NOTES = 20  # a summary longer than this is no longer short; the oldest notes go first


@dataclass(frozen=True)
class Call:
    member_id: int
    started_at: datetime
    tiers: tuple[str, ...]  # "Aurora Rewards: Gold"
    notes: tuple[str, ...]  # what was looked at and found, in order

    @property
    def duration(self) -> str:
        return _duration(self.seconds(timezone.now()))

    def seconds(self, now: datetime) -> int:
        return max(int((now - self.started_at).total_seconds()), 0)

    def summary(self, now: datetime) -> str:
        """The call in a few plain lines, to paste into a ticket."""
        began = date_format(timezone.localtime(self.started_at), "j M Y, H:i")
        lines = [
            f"Member {self.member_id}",
            f"Call: {_duration(self.seconds(now))}, from {began}",
            f"Tiers: {'; '.join(self.tiers) if self.tiers else 'none shown'}",
        ]
        if self.notes:
            lines.append("Looked at:")
            lines += [f"- {note}" for note in self.notes]
        else:
            lines.append("Looked at: the member's view")
        return "\n".join(lines)


def begin(session: MutableMapping[str, Any], page: CustomerPage) -> None:
    """A member was opened: their call begins, unless it is the call already open (a refresh)."""
    if page.customer is None:
        return
    current = session.get(SESSION_KEY)
    if current and current.get("member") == page.user_id:
        return
    tiers = [
        f"{program.summary.title or 'Program'}: {program.summary.current_tier or 'no tier'}"
        for program in (page.record.programs if page.record and page.shows.tiers else ())
    ]
    session[SESSION_KEY] = {
        "member": page.user_id,
        "at": timezone.now().isoformat(),
        "tiers": tiers,
        "notes": [],
    }


def note_bills(session: MutableMapping[str, Any], page: CustomerPage) -> None:
    """A bill search the agent made, and what it found."""
    panel = page.transactions
    if panel is None or panel.result is None or not panel.searched:
        return
    filters = ", ".join(name.replace("_", " ") for name in panel.search.filters) or "all"
    found = panel.result.transactions
    line = f"Bill search ({filters}): {panel.result.found} found"
    if found:
        line += ": " + "; ".join(_bill(bill) for bill in found[:3])
    _note(session, page.user_id, line)


def note_coupons(session: MutableMapping[str, Any], page: CustomerPage) -> None:
    """A coupon the agent looked for by its code, and what they found."""
    panel = page.coupons
    if panel is None or panel.found is None:
        return
    found = panel.found
    if not found.coupons:
        line = f"Coupon {found.code}: not among the member's {found.searched} coupons"
    else:
        line = "; ".join(_coupon(coupon) for coupon in found.coupons[:3])
    _note(session, page.user_id, line)


def end(session: MutableMapping[str, Any], *, member_id: int) -> Call | None:
    """The call with this member, taken out of the session (None if none was open)."""
    data = session.pop(SESSION_KEY, None)
    if not data or data.get("member") != member_id:
        return None
    return Call(
        member_id=member_id,
        started_at=datetime.fromisoformat(data["at"]),
        tiers=tuple(data.get("tiers", ())),
        notes=tuple(data.get("notes", ())),
    )


def _note(session: MutableMapping[str, Any], member_id: int, line: str) -> None:
    data = session.get(SESSION_KEY)
    if not data or data.get("member") != member_id:
        return
    data["notes"] = [*data.get("notes", []), line][-MAX_NOTES:]
    session[SESSION_KEY] = data  # reassigned, so the session knows it changed


def _bill(bill: Transaction) -> str:
    parts = [bill.number or "(no number)"]
    if bill.created_date:
        parts.append(date_format(bill.created_date, "j M Y"))
    if bill.amount is not None:
        parts.append(number_format(bill.amount, 2, force_grouping=True))
    points = f"{number_format(bill.points_issued or 0, force_grouping=True)} points issued"
    if bill.points_redeemed:
        points += f", {number_format(bill.points_redeemed, force_grouping=True)} redeemed"
    parts.append(points)
    line = ", ".join(parts)
    return f"{line} ({bill.no_points_reason})" if bill.no_points_reason else line


def _coupon(coupon: Coupon) -> str:
    now = timezone.localtime().replace(tzinfo=None)
    line = f"Coupon {coupon.code}: {coupon.status.label.lower()}"
    if coupon.valid_till:
        line += f", valid till {date_format(coupon.valid_till, 'j M Y')}"
    line += ", can be redeemed" if coupon.can_redeem_on(now) else ", cannot be redeemed again"
    return line


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
