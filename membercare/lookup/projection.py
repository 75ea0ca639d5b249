"""The tier panel's "in N days": each upgrade and renewal strategy today and as of a later day,
and why its gap moves, in plain words.

Today's values are the member's record (asked with gap_to_upgrade_for=0); the later ones are one
call asking for tier data alone (`tier_what_if(days)`), which Capillary computes with no purchase
after today. A value that falls does so because purchases leave a moving window, a calendar cycle
starts again, or points expire (docs/contract-notes.md, "Trackers").
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from membercare.capillary import (
    Customer,
    Number,
    ProgramSummary,
    Renewal,
    RenewStrategy,
    TierUpdateCriteria,
    Tracker,
    UpgradeStrategy,
)
from membercare.lookup.templatetags.lookup import amount
from membercare.lookup.tier_words import strategy_name

DEFAULT_DAYS = 30
MAX_DAYS = 365

_POINTS = frozenset({"CURRENT_POINTS", "POINTS"})
_MOVING = "MOVING_WINDOW"
_CYCLIC = "CALENDAR_BASED_CYCLIC_WINDOW"

type Strategy = UpgradeStrategy | RenewStrategy


@dataclass(frozen=True)
class Later:
    """One strategy as of the what-if day, beside today's."""

    current_value: Number | None
    gap: Number | None
    percent: int
    reason: str  # why the value moves, in words; "" when it does not

    @property
    def moves(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class ProgramWhatIf:
    """One program's strategies as of the day, in the order of today's, and its criteria."""

    upgrade: tuple[Later | None, ...]  # None: the later answer had no such strategy
    renewal: tuple[Later | None, ...]
    criteria: tuple[TierUpdateCriteria, ...] = ()
    retention: Renewal | None = None


@dataclass(frozen=True)
class WhatIf:
    """The what-if for every program of the member, as of `on` (today + `days`)."""

    days: int
    on: date
    programs: dict[int | None, ProgramWhatIf]
    request_id: str | None = None

    def of(self, program_id: int | None) -> ProgramWhatIf | None:
        return self.programs.get(program_id)


def what_if(*, today: Customer, later: Customer, days: int, on_day: date) -> WhatIf:
    """Today's record beside the what-if answer for `days` ahead (`on_day` is today)."""
    on = on_day + timedelta(days=days)
    by_id = {summary.program_id: summary for summary in later.programs or ()}
    programs: dict[int | None, ProgramWhatIf] = {}
    for summary in today.programs or ():
        other = by_id.get(summary.program_id)
        renewal_today = summary.renewal.strategies if summary.renewal else ()
        renewal_later = other.renewal.strategies if other and other.renewal else ()
        programs[summary.program_id] = ProgramWhatIf(
            upgrade=_paired(summary.upgrade, other.upgrade if other else (), on),
            renewal=_paired(renewal_today, renewal_later, on),
            criteria=tuple(
                c
                for c in later.tier_update_criteria or ()
                if c.program_id in (None, summary.program_id)
            ),
            retention=_retention(later.retention_criteria, summary),
        )
    return WhatIf(days=days, on=on, programs=programs, request_id=later.request_id)


def _retention(renewal: Renewal | None, summary: ProgramSummary) -> Renewal | None:
    if renewal is None or renewal.program_id not in (None, summary.program_id):
        return None
    return renewal


def _paired(
    today: tuple[Strategy, ...], later: tuple[Strategy, ...], on: date
) -> tuple[Later | None, ...]:
    """Each of today's strategies with its later self: the same basis and tracker, else the
    one in the same place."""
    rows: list[Later | None] = []
    for index, strategy in enumerate(today):
        match = next((s for s in later if _same(s, strategy)), None)
        if match is None and index < len(later) and later[index].based_on == strategy.based_on:
            match = later[index]
        rows.append(_later(strategy, match, on) if match else None)
    return tuple(rows)


def _same(one: Strategy, other: Strategy) -> bool:
    name = one.tracker.name if one.tracker else None
    return one.based_on == other.based_on and name == (
        other.tracker.name if other.tracker else None
    )


def _later(today: Strategy, later: Strategy, on: date) -> Later:
    return Later(
        current_value=later.current_value,
        gap=later.gap,
        percent=later.percent,
        reason=reason(today, later, on),
    )


def reason(today: Strategy, later: Strategy, on: date) -> str:
    """Why a strategy's value differs on `on` from today's, in words ("" when it does not).

    "3,000 of the purchases leave the 365-day window by 1 Jan 2027"; "the Dining Spend This Year
    count starts again on 1 Jan 2027: 11,839 stop counting"; "6,333 points expire by 2 Jan 2027".
    """
    if today.current_value is None or later.current_value is None:
        return ""
    drop = today.current_value - later.current_value
    if not drop:
        return ""
    by = date_format(on, "DATE_FORMAT")
    if drop < 0:
        return _("%(name)s rises by %(value)s by %(date)s") % {
            "name": _name(today).capitalize(),
            "value": _number(-drop),
            "date": by,
        }
    value = _number(drop)
    tracker = today.tracker
    if tracker and tracker.mode == _MOVING:
        return _("%(value)s of the %(counted)s leave the %(window)s window by %(date)s") % {
            "value": value,
            "counted": _counted(today, tracker),
            "window": _window(tracker),
            "date": by,
        }
    if tracker and tracker.mode == _CYCLIC:
        restart = _restart(today, on)
        words = {"name": tracker.name or _name(today), "value": value}
        if restart:
            words["date"] = date_format(restart, "DATE_FORMAT")
            return _("The %(name)s count starts again on %(date)s: %(value)s stop counting") % words
        words["date"] = by
        return _("The %(name)s count starts again by %(date)s: %(value)s stop counting") % words
    if today.based_on in _POINTS:
        return ngettext(
            "%(value)s point expires by %(date)s",
            "%(value)s points expire by %(date)s",
            int(drop),
        ) % {"value": value, "date": by}
    return _("%(name)s falls by %(value)s by %(date)s") % {
        "name": _name(today).capitalize(),
        "value": value,
        "date": by,
    }


def _name(strategy: Strategy) -> str:
    if strategy.tracker and strategy.tracker.name:
        return strategy.tracker.name
    return strategy_name(strategy.based_on or "")


def _counted(strategy: Strategy, tracker: Tracker) -> str:
    """What a tracker counts: a bill amount tracker counts purchases."""
    if (tracker.type or "").upper() in ("BILL_AMOUNT", "PURCHASE", "PURCHASES"):
        return _("purchases")
    return _name(strategy)


def _window(tracker: Tracker) -> str:
    """A 730-day window, a 12-month window."""
    size = tracker.period_value
    if not size:
        return _("tracker's")
    if (tracker.period_type or "").upper() == "MONTHS":
        return _("%(size)s-month") % {"size": size}
    return _("%(size)s-day") % {"size": size}


def _restart(strategy: Strategy, on: date) -> date | None:
    """The day a calendar cycle starts again: the day after today's value stops holding."""
    valid_until = getattr(strategy, "valid_until", None)
    if valid_until is None:
        return None
    restart = valid_until.date() + timedelta(days=1)
    return restart if restart <= on else None


def _number(value: Number) -> str:
    return amount(value)  # the panels' own number format
