"""The customer page value: what it holds, its status, audit outcome and request id, from the data.

Capillary is replayed at the HTTP boundary; nothing here renders a template or makes a request.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from membercare import metrics
from membercare.access.capabilities import Cap
from membercare.access.policy import Viewer
from membercare.lookup import services
from membercare.lookup.forms import CouponForm, RevealForm, TransactionForm, VerifyForm
from membercare.lookup.outcomes import Outcome
from membercare.lookup.pages import Panel, audit_detail, customer_page
from tests.capillary.conftest import envelope, full_view_item
from tests.lookup.conftest import ENDPOINT, GOLD, answer_busy, answer_gone, answer_member

pytestmark = pytest.mark.django_db

AGENT = Viewer(
    frozenset(
        {Cap.LOOKUP, Cap.TIERS, Cap.POINTS, Cap.COUPONS, Cap.TRANSACTIONS, Cap.VERIFY, Cap.REVEAL}
    )
)
TIERS_ONLY = Viewer(frozenset({Cap.LOOKUP, Cap.TIERS}))


def test_it_shows_the_whole_member_from_one_call(capillary):
    answer_member(capillary)
    page = customer_page(user_id=GOLD, viewer=AGENT)
    assert len(capillary.calls) == 1
    assert (page.status, page.outcome, page.request_id) == (200, Outcome.OK, "req-member")
    assert page.customer is not None
    assert page.customer.user_id == GOLD
    assert page.coupons is not None
    assert page.coupons.result is not None
    assert page.transactions is not None
    assert page.transactions.result is not None
    assert page.customer.email == "d•••@example.com"  # masked: agents lack the contact capability


def test_a_searchs_record_is_in_hand_for_its_view_not_read_back_from_the_cache(capillary):
    answer_member(capillary)
    identifier = services.read_identifier(text="demo.gold@example.com", kind=None)
    member_reads = metrics.MEMBER_CACHE.labels(record="member", result="hit")
    found = services.find_member(identifier=identifier)
    reads_before = member_reads._value.get()

    page = customer_page(user_id=found.user_id, viewer=AGENT, in_hand=found.snapshot)

    assert found.snapshot is not None
    assert page.customer is not None
    assert page.customer.user_id == GOLD
    assert member_reads._value.get() == reads_before
    assert len(capillary.calls) == 1
    # The same search again comes from the cache, which keeps no record with it.
    assert services.find_member(identifier=identifier).snapshot is None


def test_it_builds_no_panel_the_viewer_may_not_see(capillary):
    answer_member(capillary)
    page = customer_page(user_id=GOLD, viewer=TIERS_ONLY)
    assert page.coupons is None
    assert page.transactions is None
    assert page.viewed_by == ()
    assert page.customer is not None
    assert page.customer.mobile == "••••••••0002"


def test_each_program_has_its_own_next_expiry_for_the_header(capillary):
    today = timezone.localdate()
    item = full_view_item()
    item["expiry_schedule"] = [
        {"points": 300, "expiry_date": (today - timedelta(days=2)).isoformat(), "program_id": 1},
        {"points": 700, "expiry_date": (today + timedelta(days=40)).isoformat(), "program_id": 1},
        {"points": 500, "expiry_date": (today + timedelta(days=9)).isoformat(), "program_id": 1},
        {"points": 80, "expiry_date": (today + timedelta(days=20)).isoformat(), "program_id": 2},
    ]
    capillary.get(ENDPOINT, json=envelope(item))

    page = customer_page(user_id=GOLD, viewer=AGENT)

    assert page.record is not None
    by_title = {program.summary.title: program for program in page.record.programs}
    aurora, dining = by_title["Aurora Rewards"], by_title["Aurora Dining"]
    assert aurora.next_expiry is not None
    assert dining.next_expiry is not None
    assert (aurora.next_expiry.points, aurora.days_left) == (500, 9)  # not the one gone already
    assert (dining.next_expiry.points, dining.days_left) == (80, 20)
    assert page.record.next_expiry == aurora.next_expiry  # the member's soonest, any program


def test_a_program_with_nothing_to_expire_has_no_next_expiry(capillary):
    item = full_view_item()
    item["expiry_schedule"] = []
    capillary.get(ENDPOINT, json=envelope(item))

    page = customer_page(user_id=GOLD, viewer=AGENT)

    assert page.record is not None
    assert [(p.next_expiry, p.days_left) for p in page.record.programs] == [(None, None)] * 2


@pytest.mark.parametrize(
    ("code", "outcome", "status"),
    [(1012, Outcome.NOT_FOUND, 404), (8109, Outcome.DELETED, 410)],
)
def test_a_member_who_is_gone_is_the_gone_state_with_capillarys_request_id(
    capillary, code, outcome, status
):
    answer_gone(capillary, code=code)
    page = customer_page(user_id=GOLD, viewer=AGENT)
    assert (page.gone, page.status, page.outcome, page.request_id) == (
        outcome,
        status,
        outcome,
        "req-gone",
    )
    assert page.record is None
    assert page.coupons is None
    assert page.transactions is None


def test_upstream_trouble_is_a_problem_in_every_panel_from_one_call(capillary):
    answer_busy(capillary)
    page = customer_page(user_id=GOLD, viewer=AGENT)
    assert len(capillary.calls) == 1  # the panels don't ask again for what just failed
    assert (page.status, page.outcome, page.request_id) == (503, Outcome.UPSTREAM_ERROR, "req-busy")
    assert page.problem is not None
    assert page.problem.retry_after == 12
    assert page.coupons is not None
    assert page.coupons.problem == page.problem
    assert page.transactions is not None
    assert page.transactions.problem == page.problem


def test_a_coupon_page_partial_asks_for_coupons_only_and_owns_its_outcome(capillary):
    answer_busy(capillary, request_id="req-coupons")
    form = CouponForm({"page": "4"})  # past the first view's three pages
    page = customer_page(
        user_id=GOLD, viewer=AGENT, panel=Panel.COUPONS, partial=True, coupon_form=form
    )
    assert len(capillary.calls) == 1
    assert "coupon_limit=11" in capillary.calls[0].request.url
    assert page.record is None
    assert page.transactions is None
    assert (page.status, page.outcome, page.request_id) == (
        503,
        Outcome.UPSTREAM_ERROR,
        "req-coupons",
    )
    assert audit_detail(page) == {
        "panel": "coupons",
        "page": 4,
        "order": "created_date",
        "dir": "desc",
    }


def test_the_first_coupon_page_comes_from_the_members_record(capillary):
    answer_member(capillary)
    first = CouponForm({"page": "1"})
    page = customer_page(
        user_id=GOLD, viewer=AGENT, panel=Panel.COUPONS, partial=True, coupon_form=first
    )
    assert page.coupons is not None
    assert page.coupons.result is not None
    assert [coupon.code for coupon in page.coupons.result.coupons]  # the record's coupons
    assert page.request_id == "req-member"


@pytest.mark.parametrize(
    ("panel", "form"),
    [
        (Panel.COUPONS, {"coupon_form": CouponForm({"page": "0"})}),
        (Panel.COUPONS, {"coupon_form": CouponForm({"order": "points"})}),
        (Panel.TRANSACTIONS, {"transaction_form": TransactionForm({"type": "REFUND"})}),
    ],
)
def test_bad_panel_controls_are_invalid_and_reach_nobody(capillary, panel, form):
    page = customer_page(user_id=GOLD, viewer=AGENT, panel=panel, partial=True, **form)
    assert len(capillary.calls) == 0
    assert (page.status, page.outcome, page.request_id) == (400, Outcome.INVALID, None)


def test_a_partial_of_the_record_builds_neither_coupons_nor_transactions(capillary):
    answer_member(capillary)
    page = customer_page(user_id=GOLD, viewer=AGENT, panel=Panel.POINTS, partial=True)
    assert page.record is not None
    assert page.coupons is None
    assert page.transactions is None
    assert page.verify_form is None
    assert page.reveal_forms == {}  # the profile's forms are the profile's
    assert audit_detail(page) == {"panel": "points"}


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ({"field": "email", "value": " Demo.Gold@Example.com "}, Outcome.MATCH),
        ({"field": "mobile", "value": "9800000003"}, Outcome.NO_MATCH),
        ({"field": "mobile", "value": ""}, Outcome.INVALID),
        ({"field": "password", "value": "x"}, Outcome.INVALID),
    ],
)
def test_a_verify_answers_match_or_no_match_and_never_the_value(capillary, said, outcome):
    answer_member(capillary)
    page = customer_page(
        user_id=GOLD, viewer=AGENT, panel=Panel.PROFILE, verify_form=VerifyForm(said)
    )
    assert page.outcome == outcome
    assert page.status == (400 if outcome == Outcome.INVALID else 200)
    assert page.verify_form is not None
    assert not page.verify_form.is_bound or outcome == Outcome.INVALID  # no echo of a check made


def test_a_verify_whose_record_cannot_be_had_is_an_upstream_error(capillary):
    answer_busy(capillary)
    form = VerifyForm({"field": "email", "value": "demo.gold@example.com"})
    page = customer_page(user_id=GOLD, viewer=AGENT, panel=Panel.PROFILE, verify_form=form)
    assert (page.outcome, page.status, page.request_id) == (
        Outcome.UPSTREAM_ERROR,
        503,
        "req-busy",
    )
    assert page.verified is None


def test_a_reveal_unmasks_one_field_for_this_page_only(capillary):
    answer_member(capillary)
    form = RevealForm({"field": "email", "reason": "caller updates their email"})
    page = customer_page(user_id=GOLD, viewer=AGENT, panel=Panel.PROFILE, reveal_form=form)
    assert page.customer is not None
    assert page.customer.email == "demo.gold@example.com"
    assert page.customer.mobile == "••••••••0002"
    assert page.record is not None
    assert page.record.revealed == {"email"}
    assert page.outcome == Outcome.OK


def test_a_reveal_without_a_good_reason_reveals_nothing(capillary):
    answer_member(capillary)
    form = RevealForm({"field": "email", "reason": "because"})
    page = customer_page(user_id=GOLD, viewer=AGENT, panel=Panel.PROFILE, reveal_form=form)
    assert (page.outcome, page.status) == (Outcome.INVALID, 400)
    assert page.customer is not None
    assert page.customer.email == "d•••@example.com"
    assert page.reveal_forms["email"] is form  # shown again with its error


def test_outcomes_map_every_kind_of_capillary_error_once():
    from membercare.capillary.errors import (
        CustomerDeleted,
        CustomerNotFound,
        InvalidIdentifier,
        MalformedResponse,
        RateLimited,
        Unavailable,
    )

    assert Outcome.of(CustomerNotFound()) is Outcome.NOT_FOUND
    assert Outcome.of(CustomerDeleted()) is Outcome.DELETED
    assert Outcome.of(InvalidIdentifier()) is Outcome.INVALID
    for error in (MalformedResponse(), RateLimited(), Unavailable()):
        assert Outcome.of(error) is Outcome.UPSTREAM_ERROR
