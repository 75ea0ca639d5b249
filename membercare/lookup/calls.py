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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        began = date_format(timezone.localtime(self.started_at), "DATETIME_FORMAT")
        lines = [
            _("Member %(id)s") % {"id": self.member_id},
            _("Call: %(duration)s, from %(began)s")
            % {"duration": _duration(self.seconds(now)), "began": began},
            _("Tiers: %(tiers)s") % {"tiers": "; ".join(self.tiers)}
            if self.tiers
            else _("Tiers: none shown"),
        ]
        if self.notes:
            lines.append(_("Looked at:"))
            lines += [f"- {note}" for note in self.notes]
        else:
            lines.append(_("Looked at: the member's view"))
        return "\n".join(lines)


def begin(session: MutableMapping[str, Any], page: CustomerPage) -> None:
    """A member was opened: their call begins, unless it is the call already open (a refresh)."""
    if page.customer is None:
        return
    current = session.get(SESSION_KEY)
    if current and current.get("member") == page.user_id:
        return
    tiers = [
        _("%(program)s: %(tier)s")
        % {
            "program": program.summary.title or _("Program"),
            "tier": program.summary.current_tier or _("no tier"),
        }
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
    filters = ", ".join(name.replace("_", " ") for name in panel.search.filters) or _("all")
    found = panel.result.transactions
    line = ngettext(
        "Bill search (%(filters)s): %(found)s found",
        "Bill search (%(filters)s): %(found)s found",
        panel.result.found,
    ) % {"filters": filters, "found": panel.result.found}
    if found:
        line = _("%(search)s: %(bills)s") % {
            "search": line,
            "bills": "; ".join(_bill(bill) for bill in found[:3]),
        }
    _note(session, page.user_id, line)


def note_coupons(session: MutableMapping[str, Any], page: CustomerPage) -> None:
    """A coupon the agent looked for by its code, and what they found."""
    panel = page.coupons
    if panel is None or panel.found is None:
        return
    found = panel.found
    if not found.coupons:
        line = ngettext(
            "Coupon %(code)s: not among the member's %(searched)s coupon",
            "Coupon %(code)s: not among the member's %(searched)s coupons",
            found.searched,
        ) % {"code": found.code, "searched": found.searched}
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
    parts = [bill.number or _("(no number)")]
    if bill.created_date:
        parts.append(date_format(bill.created_date, "DATE_FORMAT"))
    if bill.amount is not None:
        parts.append(number_format(bill.amount, 2, force_grouping=True))
    issued = number_format(bill.points_issued or 0, force_grouping=True)
    if bill.points_redeemed:
        redeemed = number_format(bill.points_redeemed, force_grouping=True)
        points = _("%(issued)s points issued, %(redeemed)s redeemed") % {
            "issued": issued,
            "redeemed": redeemed,
        }
    else:
        points = _("%(issued)s points issued") % {"issued": issued}
    parts.append(points)
    line = _(", ").join(parts)
    if bill.no_points_reason:
        return _("%(bill)s (%(reason)s)") % {"bill": line, "reason": bill.no_points_reason}
    return line


def _coupon(coupon: Coupon) -> str:
    now = timezone.localtime().replace(tzinfo=None)
    words = {"code": coupon.code, "status": coupon.status.label.lower()}
    redeemable = coupon.can_redeem_on(now)
    if coupon.valid_till:
        words["till"] = date_format(coupon.valid_till, "DATE_FORMAT")
        if redeemable:
            return _("Coupon %(code)s: %(status)s, valid till %(till)s, can be redeemed") % words
        return (
            _("Coupon %(code)s: %(status)s, valid till %(till)s, cannot be redeemed again") % words
        )
    if redeemable:
        return _("Coupon %(code)s: %(status)s, can be redeemed") % words
    return _("Coupon %(code)s: %(status)s, cannot be redeemed again") % words


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)s s") % {"seconds": seconds}
