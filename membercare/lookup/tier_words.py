"""Tier rules in plain words: what a strategy counts, and how an upgrade expression reads."""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from membercare.capillary import UpgradeStrategy

STRATEGY_NAMES = {
    "CUMULATIVE_PURCHASES": gettext_lazy("purchases"),
    "CURRENT_POINTS": gettext_lazy("current points"),
    "LIFETIME_POINTS": gettext_lazy("lifetime points"),
    "LIFETIME_PURCHASES": gettext_lazy("lifetime purchases"),
    "TRACKER_VALUE_BASED": gettext_lazy("tracker value"),
    "VISITS": gettext_lazy("visits"),
    "PURCHASE": gettext_lazy("purchases"),
    "POINTS": gettext_lazy("points"),
    "TRACKER": gettext_lazy("tracker value"),
}


def strategy_name(based_on: str) -> str:
    """What a strategy counts, in the active language (an unknown code, as Capillary wrote it)."""
    known = STRATEGY_NAMES.get(based_on)
    return str(known) if known is not None else based_on.replace("_", " ").lower()


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
            groups.append(_joined(names, _("%(all)s and %(last)s")))
    if not groups:
        return ""
    return _("Upgrade on %(criteria)s") % {"criteria": _joined(groups, _("%(all)s, or %(last)s"))}


def _joined(parts: list[str], pattern: str) -> str:
    """["a", "b", "c"] with "%(all)s and %(last)s" reads "a and b and c": each language's words."""
    joined = parts[0]
    for part in parts[1:]:
        joined = pattern % {"all": joined, "last": part}
    return joined


def _strategy_label(strategy: UpgradeStrategy) -> str:
    if strategy.tracker and strategy.tracker.name:
        return strategy.tracker.name
    return strategy_name(strategy.based_on or "")
