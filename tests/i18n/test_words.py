"""Words the dashboard builds in Python read in the agent's language, in its own order."""

import pytest
from django.utils.translation import override

from membercare.capillary.types import UpgradeStrategy, Warning, WarningKind
from membercare.lookup.tier_words import describe_expression
from tests.lookup.test_charts import strategy

STRATEGIES: list[UpgradeStrategy] = [
    strategy("CUMULATIVE_PURCHASES"),
    strategy("CURRENT_POINTS"),
    strategy("VISITS"),
]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Upgrade on purchases and current points, or visits"),
        ("ar", "الترقية عند المشتريات والنقاط الحالية، أو الزيارات"),
        ("zh-hans", "满足消费和当前积分，或到店次数即可升级"),
        ("id", "Naik tingkat dengan pembelian dan poin saat ini, atau kunjungan"),
    ],
)
def test_an_upgrade_rule_reads_in_the_active_language(language, words):
    with override(language):
        assert describe_expression([[1, 2], [3]], STRATEGIES) == words


def test_a_warning_from_capillary_reads_in_the_language_it_is_shown_in():
    warning = Warning(code=91012, message="Already in highest slab")
    assert warning.kind is WarningKind.TOP_TIER
    with override("id"):
        assert (
            warning.meaning
            == "Anggota ini sudah berada di tingkat tertinggi: tidak ada tingkat untuk dinaikkan."
        )
    with override("en"):
        assert (
            warning.meaning == "The member is already in the highest tier: nothing to upgrade to."
        )
