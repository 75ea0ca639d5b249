"""The tier panel's "in N days" and the points panel's worth, detail and reconciliation, as page
values and as the words the agent reads. Capillary is replayed at the HTTP boundary."""

import copy
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from membercare.access.capabilities import Cap
from membercare.access.policy import Viewer
from membercare.lookup.forms import WhatIfForm
from membercare.lookup.outcomes import Outcome
from membercare.lookup.pages import Panel, audit_detail, customer_page
from tests.capillary.conftest import envelope, full_view_item
from tests.lookup.conftest import ENDPOINT, GOLD
from tests.lookup.test_pages import AGENT, TIERS_ONLY

pytestmark = pytest.mark.django_db

TRACKER = {
    "tracker_name": "Yearly Spend",
    "tracker_type": "BILL_AMOUNT",
    "tracker_mode": "MOVING_WINDOW",
    "tracker_case_name": "365Days_Case",
    "tracker_case_period_type": "DAYS",
    "tracker_case_period_value": "365",
}


def strategy(current: int, *, based_on: str = "TRACKER_VALUE_BASED") -> dict[str, Any]:
    data: dict[str, Any] = {
        "upgrade_based_on": based_on,
        "upgrade_threshold": "20000",
        "customer_upgrade_entity_values": {
            "current_value": str(current),
            "gap_to_upgrade": str(max(20000 - current, 0)),
            "value_valid_upto": "2026-12-20",
        },
    }
    if based_on == "TRACKER_VALUE_BASED":
        data["upgrade_entity_identifers"] = TRACKER
    return data


def member(tracker: int, points: int, *, renew_points: int = 4175) -> dict[str, Any]:
    """Gold's recorded answer with program 1 on a 365-day tracker and current points."""
    item = full_view_item()
    program = item["points_summaries"]["points_summary"][0]
    program["gap_to_upgrade"] = {
        "upgrade_strategy": [
            strategy(tracker),
            strategy(points, based_on="CURRENT_POINTS"),
        ]
    }
    program["gap_to_renew"] = {
        "tier_expiry_date": "2027-03-31",
        "renew_strategy": [
            {
                "renew_based_on": "POINTS",
                "renew_threshold": "3000",
                "customer_renew_entity_value": str(renew_points),
                "customer_gap_to_renew_value": str(max(3000 - renew_points, 0)),
            }
        ],
    }
    return item


def later_answer() -> dict[str, Any]:
    """What tier_what_if(30) answers: the same program 30 days on, and its criteria."""
    item = member(9000, 4175, renew_points=2000)
    keep = ("user_id", "points_summaries", "item_status", "firstname", "lastname", "mobile")
    item = {key: value for key, value in item.items() if key in keep}
    item["tier_update_criteria"] = {
        "program_id": "1",
        "next_slab": "Platinum",
        "purchase_type": "CUMULATIVE_PURCHASES",
        "description": "Platinum: purchases of 250,000",
        "min_purchase_value_required": "250000",
    }
    item["membership_retention_criteria"] = {
        "program_id": "1",
        "tier_expiry_date": "2027-03-31",
        "renew_strategy": [
            {
                "renew_based_on": "POINTS",
                "renew_threshold": "3000",
                "customer_renew_entity_value": "2000",
            }
        ],
    }
    return item


def asked(request: Any) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}


def answer(mock: responses.RequestsMock, today: dict[str, Any], **by_flag: dict[str, Any]) -> None:
    """The record for the view's call; for a call asking `flag=true`, that flag's answer."""

    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        params = asked(request)
        for flag, item in by_flag.items():
            if params.get(flag) == "true":
                return 200, {"X-Cap-Requestid": f"req-{flag}"}, json.dumps(envelope(item))
        return 200, {"X-Cap-Requestid": "req-member"}, json.dumps(envelope(today))

    mock.add_callback(responses.GET, ENDPOINT, callback=reply)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The what-if --------------------------------------------------------------------------------


def test_in_30_days_pairs_each_strategy_with_its_later_self_and_says_why(capillary):
    answer(capillary, member(12000, 4175), tier_upgrade_criteria=later_answer())
    form = WhatIfForm({"days": "30"})
    page = customer_page(
        user_id=GOLD, viewer=AGENT, panel=Panel.TIERS, partial=True, what_if_form=form
    )
    assert len(capillary.calls) == 2  # the record, and the what-if
    assert asked(capillary.calls[1].request)["gap_to_upgrade_for"] == "30"
    assert page.what_if is not None
    on = timezone.localdate() + timedelta(days=30)
    assert page.what_if.on == on
    assert (page.status, page.outcome, page.request_id) == (
        200,
        Outcome.OK,
        "req-tier_upgrade_criteria",
    )
    assert page.record is not None
    rewards = page.record.programs[0]
    (tracker, tracker_later), (_, points_later) = rewards.upgrade
    assert tracker_later is not None
    assert points_later is not None
    assert (tracker.gap, tracker_later.gap) == (8000, 11000)
    by = date_format(on, "j M Y")
    assert tracker_later.reason == f"3,000 of the purchases leave the 365-day window by {by}"
    assert points_later.reason == ""  # the same in 30 days
    assert not points_later.moves
    ((_, renew_later),) = rewards.renewal
    assert renew_later is not None
    assert renew_later.reason == f"2,175 points expire by {by}"
    assert rewards.what_if is not None
    assert [c.description for c in rewards.what_if.criteria] == ["Platinum: purchases of 250,000"]
    assert rewards.what_if.retention is not None
    assert audit_detail(page) == {"panel": "tiers", "what_if_days": 30}


def test_the_what_if_call_asks_only_for_tier_data(capillary):
    answer(capillary, member(12000, 4175), tier_upgrade_criteria=later_answer())
    customer_page(
        user_id=GOLD,
        viewer=AGENT,
        panel=Panel.TIERS,
        partial=True,
        what_if_form=WhatIfForm({"days": "120"}),
    )
    params = asked(capillary.calls[1].request)
    assert {name for name, value in params.items() if value == "true"} == {
        "user_id",
        "mlp",
        "tier_upgrade_criteria",
        "membership_retention_criteria",
    }
    assert (params["gap_to_upgrade_for"], params["gap_to_renew_for"]) == ("120", "120")
    assert params["coupon_limit"] == "0"


def test_an_invalid_number_of_days_is_refused_without_a_call(capillary):
    answer(capillary, member(12000, 4175))
    page = customer_page(
        user_id=GOLD,
        viewer=AGENT,
        panel=Panel.TIERS,
        partial=True,
        what_if_form=WhatIfForm({"days": "400"}),
    )
    assert len(capillary.calls) == 1  # the record only
    assert (page.outcome, page.status, page.what_if) == (Outcome.INVALID, 400, None)


def test_a_failed_what_if_leaves_today_on_screen_and_says_so(capillary, agent_client):
    today = json.dumps(envelope(member(12000, 4175)))

    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        if asked(request).get("tier_upgrade_criteria") == "true":
            return 429, {"Retry-After": "12", "X-Cap-Requestid": "req-busy"}, ""
        return 200, {"X-Cap-Requestid": "req-member"}, today

    capillary.add_callback(responses.GET, ENDPOINT, callback=reply)
    url = reverse("customer-tiers", args=[GOLD])
    response = agent_client.get(url, {"days": "30"}, headers={"HX-Request": "true"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "12,000" in words(html)  # today's tracker value is still there
    assert 'class="later"' not in html
    assert 'role="alert"' in html
    assert f'href="/customers/{GOLD}/tiers/?days=30"' in html  # Retry asks the same again


def test_what_if_renders_today_and_later_bars_and_the_criteria(capillary, agent_client):
    answer(capillary, member(12000, 4175), tier_upgrade_criteria=later_answer())
    url = reverse("customer-tiers", args=[GOLD])
    html = agent_client.get(url, {"days": "30"}, headers={"HX-Request": "true"}).content.decode()
    text = words(html)
    assert '<progress class="later" max="100" value="45"' in html  # 9,000 of 20,000
    assert "In 30 days 9,000 · 11,000 to go" in text
    assert "3,000 of the purchases leave the 365-day window by" in text
    assert "In 30 days: the same, 15,825 to go." in text  # current points do not move
    assert "Upgrade to Platinum Platinum: purchases of 250,000" in text
    assert "Keep Gold points 3,000 by 31 Mar 2027" in text


def test_a_viewer_without_tiers_gets_no_what_if(capillary):
    answer(capillary, member(12000, 4175), tier_upgrade_criteria=later_answer())
    points_only = Viewer(AGENT.capabilities - {Cap.TIERS})
    page = customer_page(
        user_id=GOLD,
        viewer=points_only,
        panel=Panel.TIERS,
        partial=True,
        what_if_form=WhatIfForm({"days": "30"}),
    )
    assert page.what_if is None
    assert len(capillary.calls) == 1


# --- Points: worth, reconciliation, detail ------------------------------------------------------


def with_figures(item: dict[str, Any], **figures: str) -> dict[str, Any]:
    item = copy.deepcopy(item)
    item["points_summaries"]["points_summary"][0].update(figures)
    return item


def test_figures_that_do_not_add_up_are_warned_of(capillary, agent_client):
    # 14,450 − 9,000 − 1,200 − 40 − 35 = 4,175, but Capillary says 4,500.
    answer(capillary, with_figures(member(12000, 4175), loyaltyPoints="4500"))
    html = agent_client.get(reverse("customer", args=[GOLD])).content.decode()
    alert = re.search(r'<p class="reconcile bad" role="alert">(.*?)</p>', html, re.S)
    assert alert
    assert words(alert.group(1)) == (
        "⚠ The figures do not add up: 14,450 lifetime − 9,000 redeemed − 1,200 expired − 40 "
        "returned − 35 adjusted = 4,175, but Capillary shows 4,500 current points (325 more)."
    )


def test_figures_that_add_up_say_so_quietly(capillary, agent_client):
    answer(capillary, member(12000, 4175))
    html = agent_client.get(reverse("customer", args=[GOLD])).content.decode()
    assert '<p class="reconcile ok">✓ The figures add up: 14,450 lifetime' in html
    # The recorded Dining program's figures do not (4,000 lifetime, no movements, 35 current).
    assert html.count('class="reconcile bad"') == 1
    assert "4,000 lifetime − 0 redeemed" in html


def test_the_worth_is_in_the_configured_currency(capillary, agent_client, settings):
    settings.PROGRAM_CURRENCIES = {"1": "AED"}
    item = with_figures(
        member(12000, 4175), program_points_to_currency_ratio="0.001", total_available_points="4000"
    )
    answer(capillary, item)
    text = words(agent_client.get(reverse("customer", args=[GOLD])).content.decode())
    assert "4,175 points worth AED 4.18" in text
    assert "1 point = AED 0.001 · 4,000 available for redemption (AED 4.00)" in text


def detail_answer() -> dict[str, Any]:
    return {
        "user_id": str(GOLD),
        "points_summaries": full_view_item()["points_summaries"],
        "points_summary": {
            "program_id": "1",
            "issued": "500",
            "redeemed": "100",
            "issuance_history": {
                "issued": [
                    {
                        "points": "300",
                        "issued_on": "2026-10-01 10:00:00",
                        "source": "TRANSACTION",
                        "bill_number": "B-1",
                        "store": {"code": "s1", "name": "Store One"},
                    },
                    {
                        "points": "200",
                        "issued_on": "2026-09-01",
                        "source": "PROMOTION",
                        "store": {"code": "s2", "name": "Store Two"},
                        "expiry_date": "2027-09-01",
                    },
                ]
            },
            "redemption_history": {
                "redeemed": [
                    {
                        "points": "100",
                        "redeemed_on": "2026-11-01 12:00:00",
                        "bill_number": "B-2",
                        "store": {"code": "s1", "name": "Store One"},
                    }
                ]
            },
        },
        "promotion_points": {
            "customer": [
                {
                    "points": "200",
                    "issued_on": "2026-09-01",
                    "expiry_date": "2027-09-01",
                    "issued_at": {"code": "s2", "name": "Store Two"},
                    "program_id": "1",
                }
            ],
            "transactions": [],
            "lineitems": [],
        },
        "delayed_accrual": [
            {
                "program_id": "1",
                "delayed_points": "40",
                "delayed_points_details": [
                    {
                        "points": "40",
                        "earned_on": "2026-11-20",
                        "release_date": "2026-12-20",
                        "bill_number": "B-3",
                    }
                ],
            }
        ],
        "item_status": {"success": "true", "code": 1000, "message": ""},
    }


def test_points_detail_is_one_call_and_names_each_program(capillary):
    answer(capillary, member(12000, 4175), promotion_points=detail_answer())
    page = customer_page(
        user_id=GOLD, viewer=AGENT, panel=Panel.POINTS, partial=True, points_detail=True
    )
    assert len(capillary.calls) == 2
    detail = page.points_detail
    assert detail is not None
    assert page.request_id == "req-promotion_points"
    assert [(p.program, p.accrual.delayed_points) for p in detail.pending or ()] == [
        ("Aurora Rewards", 40)
    ]
    assert [
        (p.program, p.grant.points, p.grant.issued_at and p.grant.issued_at.name)
        for p in detail.promotions or ()
    ] == [("Aurora Rewards", 200, "Store Two")]
    assert detail.history_program == "Aurora Rewards"
    assert [(e.redeemed, e.points) for e in detail.history or ()] == [
        (True, 100),
        (False, 300),
        (False, 200),
    ]
    assert audit_detail(page) == {"panel": "points", "points_detail": True}


def test_points_detail_is_cached_like_the_other_narrow_calls(capillary):
    answer(capillary, member(12000, 4175), promotion_points=detail_answer())
    for _ in range(2):
        customer_page(
            user_id=GOLD, viewer=AGENT, panel=Panel.POINTS, partial=True, points_detail=True
        )
    assert len(capillary.calls) == 2  # the record and the detail, once each


def test_a_viewer_without_points_gets_no_points_detail(capillary):
    answer(capillary, member(12000, 4175), promotion_points=detail_answer())
    page = customer_page(
        user_id=GOLD, viewer=TIERS_ONLY, panel=Panel.POINTS, partial=True, points_detail=True
    )
    assert page.points_detail is None
    assert len(capillary.calls) == 1


def test_the_expiry_headline_names_the_program(capillary, agent_client):
    item = member(12000, 4175)
    soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    item["expiry_schedule"] = [{"points": "120", "expiry_date": soon, "program_id": "1"}]
    answer(capillary, item)
    text = words(agent_client.get(reverse("customer", args=[GOLD])).content.decode())
    assert "120 Aurora Rewards points expire on" in text


def test_the_programs_list_names_the_members_tier_only_to_those_who_see_tiers(capillary):
    item = member(12000, 4175)
    item["programs_list"] = {
        "program": [{"programId": "1", "programName": "Aurora Rewards", "isDefault": "true"}]
    }
    answer(capillary, item)
    points_only = Viewer(AGENT.capabilities - {Cap.TIERS})
    for viewer, tier in ((AGENT, "Gold"), (points_only, None)):
        page = customer_page(user_id=GOLD, viewer=viewer, panel=Panel.PROFILE, partial=True)
        assert page.record is not None
        assert [(row.name, row.tier) for row in page.record.program_list or ()] == [
            ("Aurora Rewards", tier)
        ]
