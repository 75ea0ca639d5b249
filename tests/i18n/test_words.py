"""Words the dashboard builds in Python read in the agent's language, in its own order."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats
from django.utils.translation import override

from membercare.capillary.types import UpgradeStrategy, Warning, WarningKind
from membercare.lookup.charts import expiry_by_month
from membercare.lookup.templatetags.lookup import amount
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


@pytest.mark.parametrize(
    ("language", "whole", "with_cents", "date"),
    [
        ("en", "12,345", "1,234.50", "3 Dec 2026"),
        ("ar", "12,345", "1,234.50", "3 ديسمبر، 2026"),
        ("zh-hans", "12,345", "1,234.50", "2026年12月3日"),
        ("id", "12.345", "1.234,50", "3 Des. 2026"),
    ],
)
def test_numbers_and_dates_are_written_as_the_language_writes_them(
    language, whole, with_cents, date
):
    with override(language):
        assert amount(12345) == whole
        assert amount(Decimal("1234.50")) == with_cents
        assert amount(Decimal("20.00")) == "20"
        assert formats.date_format(dt.date(2026, 12, 3)) == date


@pytest.mark.parametrize(
    ("language", "labels"),
    [("en", ["Nov 26", "Dec 26", "Jan 27"]), ("ar", ["نوفمبر 26", "ديسمبر 26", "يناير 27"])],
)
def test_the_expiry_charts_months_are_named_in_the_agents_language(language, labels):
    with override(language):
        bars = expiry_by_month([], today=dt.date(2026, 11, 14))
    assert [bar.label for bar in bars][:3] == labels
