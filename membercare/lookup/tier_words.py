"""Tier rules in plain words: what a strategy counts, and how an upgrade expression reads."""

from collections.abc import Sequence

from membercare.capillary import UpgradeStrategy

STRATEGY_NAMES = {
    "CUMULATIVE_PURCHASES": "purchases",
    "CURRENT_POINTS": "current points",
    "LIFETIME_POINTS": "lifetime points",
    "LIFETIME_PURCHASES": "lifetime purchases",
    "TRACKER_VALUE_BASED": "tracker value",
    "VISITS": "visits",
    "PURCHASE": "purchases",
    "POINTS": "points",
    "TRACKER": "tracker value",
}


def strategy_name(based_on: str) -> str:
    return STRATEGY_NAMES.get(based_on, based_on.replace("_", " ").lower())


def describe_expression(
    relation: Sequence[Sequence[int]] | None, strategies: Sequence[UpgradeStrategy]
) -> str:
    """`[[1, 2], [3]]` over strategies 1..3 reads "purchases and current points, or tracker value".

    Capillary's expression_relation lists groups that are alternatives (OR), each a set of
    strategies (1-based) that must all be met (AND).
    """
    if not relation:
        return ""
    groups = []
    for group in relation:
        names = [
            _strategy_label(strategies[number - 1])
            for number in group
            if 0 < number <= len(strategies)
        ]
        if names:
            groups.append(" and ".join(names))
    return "Upgrade on " + ", or ".join(groups) if groups else ""


def _strategy_label(strategy: UpgradeStrategy) -> str:
    if strategy.tracker and strategy.tracker.name:
        return strategy.tracker.name
    return strategy_name(strategy.based_on or "")
