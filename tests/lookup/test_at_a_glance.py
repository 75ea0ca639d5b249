"""The member at a glance in the customer view's header (issue 10, item 6): per program its tier,
balance and next expiry, and the fraud state, each only for those who may see it. Capillary is
replayed at the HTTP boundary."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from membercare.access.capabilities import Cap
from tests.capillary.conftest import envelope, full_view_item
from tests.conftest import make_user, signed_in
from tests.lookup.conftest import ENDPOINT, GOLD
from tests.lookup.test_group_preview import group_with

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    match = re.search(r'<header id="member-header".*?</header>', html, re.S)
    assert match, "no member header"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def glance_of(capillary, *caps: Cap) -> str:
    soon = (timezone.localdate() + timedelta(days=9)).isoformat()
    item = full_view_item()
    item["expiry_schedule"] = [{"points": 500, "expiry_date": soon, "program_id": 1}]
    capillary.get(ENDPOINT, json=envelope(item))
    group = group_with("Glance", Cap.LOOKUP, *caps)
    user = make_user("glance")
    user.groups.add(group)
    return header(signed_in(user).get(reverse("customer", args=[GOLD])).content.decode())


def test_the_header_shows_each_programs_tier_balance_and_next_expiry(capillary):
    text = glance_of(capillary, Cap.TIERS, Cap.POINTS, Cap.FRAUD)
    on = timezone.localdate() + timedelta(days=9)
    assert "Aurora Rewards Gold 4,175 points" in text
    assert f"Next expiry: 500 points on {on.day} {on:%b %Y}, in 9 days" in text
    assert "Aurora Dining Elite 35 points Nothing due to expire" in text  # none of its lots
    assert "No fraud flag" in text


def test_tiers_without_points_show_no_balance_nor_expiry(capillary):
    text = glance_of(capillary, Cap.TIERS)
    assert "Aurora Rewards Gold" in text
    assert "points" not in text
    assert "expir" not in text
    assert "fraud" not in text.lower()  # the fraud state only with its capability


def test_points_without_tiers_show_no_tier(capillary):
    text = glance_of(capillary, Cap.POINTS)
    assert "Aurora Rewards 4,175 points" in text
    assert "Gold" not in text


def test_neither_tiers_nor_points_no_glance(capillary):
    text = glance_of(capillary, Cap.COUPONS)
    assert "Aurora Rewards" not in text
    assert "points" not in text
