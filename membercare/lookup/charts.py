"""Numbers shaped for drawing: the points-expiry chart, month by month."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import dateformat

from membercare.capillary import PointsExpiry

CHART_MONTHS = 12
CHART_HEIGHT = 120  # SVG units for the tallest bar
CHART_TOP = 16  # room above the tallest bar for its value


@dataclass(frozen=True)
class MonthBar:
    label: str  # "Jan 27"
    points: int
    height: int  # SVG units, 0..CHART_HEIGHT
    x: int
    y: int

    @property
    def center(self) -> int:
        return self.x + 16

    @property
    def value_y(self) -> int:
        return self.y - 3


def expiry_by_month(
    schedule: Iterable[PointsExpiry], *, today: date, program_id: int | None = None
) -> list[MonthBar]:
    """Points expiring in each of the next 12 months (this month first), as SVG bar geometry."""
    months = [_add_months(today.replace(day=1), n) for n in range(CHART_MONTHS)]
    totals = dict.fromkeys(months, 0)
    for lot in schedule:
        expires = day_of(lot.expiry_date)
        if expires is None or (program_id is not None and lot.program_id != program_id):
            continue
        month = expires.replace(day=1)
        if month in totals and expires >= today:
            totals[month] += int(lot.points or 0)
    tallest = max(totals.values(), default=0) or 1
    bars = []
    for index, month in enumerate(months):
        height = round(totals[month] / tallest * CHART_HEIGHT)
        bars.append(
            MonthBar(
                label=dateformat.format(month, "M y"),  # the month's name in the agent's language
                points=totals[month],
                height=height,
                x=index * 40 + 4,
                y=CHART_TOP + CHART_HEIGHT - height,
            )
        )
    return bars


def next_expiry(schedule: Iterable[PointsExpiry], *, today: date) -> PointsExpiry | None:
    upcoming = [lot for lot in schedule if (day_of(lot.expiry_date) or date.min) >= today]
    return min(upcoming, key=lambda lot: day_of(lot.expiry_date) or today, default=None)


def day_of(value: date | datetime | None) -> date | None:
    """Capillary sends dates with a time (org wall clock); charts count whole days."""
    return value.date() if isinstance(value, datetime) else value


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1)
