"""The numbers behind the points chart and the tier rules' plain words."""

from datetime import date, datetime

from membercare.capillary.types import PointsExpiry, Tracker, UpgradeStrategy
from membercare.lookup.charts import CHART_HEIGHT, CHART_TOP, expiry_by_month, next_expiry
from membercare.lookup.tier_words import describe_expression

TODAY = date(2026, 11, 28)


def lot(points: int, day: str, program_id: int | None = None) -> PointsExpiry:
    return PointsExpiry(
        points=points, expiry_date=datetime.fromisoformat(day), program_id=program_id
    )


def test_expiry_chart_has_twelve_months_starting_with_this_one():
    bars = expiry_by_month([], today=TODAY)
    assert [bar.label for bar in bars][:3] == ["Nov 26", "Dec 26", "Jan 27"]
    assert len(bars) == 12
    assert all(bar.points == 0 and bar.height == 0 for bar in bars)


def test_expiry_chart_sums_lots_per_month_and_scales_to_the_tallest():
    schedule = [lot(100, "2026-12-01"), lot(50, "2026-12-31 23:59:59"), lot(300, "2027-03-15")]
    bars = {bar.label: bar for bar in expiry_by_month(schedule, today=TODAY)}
    assert bars["Dec 26"].points == 150
    assert bars["Mar 27"].height == CHART_HEIGHT
    assert bars["Dec 26"].height == CHART_HEIGHT // 2
    assert bars["Mar 27"].y == CHART_TOP  # the tallest bar leaves room for its value above


def test_expiry_chart_leaves_out_the_past_and_beyond_twelve_months():
    schedule = [lot(10, "2026-11-01"), lot(20, "2027-11-01"), lot(30, "2026-11-30")]
    bars = expiry_by_month(schedule, today=TODAY)
    assert sum(bar.points for bar in bars) == 30


def test_next_expiry_is_the_soonest_lot_not_yet_past():
    schedule = [lot(5, "2026-11-01"), lot(7, "2027-01-02"), lot(9, "2026-12-24")]
    upcoming = next_expiry(schedule, today=TODAY)
    assert upcoming is not None
    assert upcoming.points == 9
    assert next_expiry([lot(5, "2026-11-01")], today=TODAY) is None


def strategy(based_on: str, tracker: str | None = None) -> UpgradeStrategy:
    return UpgradeStrategy(
        based_on=based_on,
        threshold=10,
        current_value=5,
        gap=5,
        valid_until=None,
        tracker=Tracker(tracker, None, None, None, None, None) if tracker else None,
    )


def test_custom_expression_reads_as_alternatives_of_conditions():
    strategies = [
        strategy("CUMULATIVE_PURCHASES"),
        strategy("CURRENT_POINTS"),
        strategy("TRACKER_VALUE_BASED", tracker="2 Years Upgrade Tracker"),
    ]
    assert (
        describe_expression([[1, 2], [3]], strategies)
        == "Upgrade on purchases and current points, or 2 Years Upgrade Tracker"
    )


def test_custom_expression_ignores_numbers_with_no_strategy():
    assert describe_expression([[1, 7]], [strategy("VISITS")]) == "Upgrade on visits"
    assert describe_expression(None, [strategy("VISITS")]) == ""
