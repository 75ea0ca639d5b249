"""Every shape Capillary has been seen to send becomes the same, correct dataclasses.

The samples are the JSON printed in Capillary's documentation (CONTRACT.md section 2, "What the
client must survive"); the recorded answer has the shape the sandbox gives (contract-notes.md).
"""

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from membercare.capillary.errors import MalformedResponse
from membercare.capillary.types import (
    Card,
    Coupon,
    CouponStatus,
    Customer,
    Envelope,
    ExpiredPoints,
    Field,
    FraudDetails,
    ItemStatus,
    Place,
    PointsExpiry,
    PointsSummary,
    ProgramSummary,
    Renewal,
    RenewStrategy,
    Subscription,
    TierChange,
    Tracker,
    Transaction,
    UpgradeStrategy,
    Warning,
    reconcile,
)

from .conftest import HERE, full_view_item, pickled, recorded, sample


def present[T](section: tuple[T, ...] | None) -> tuple[T, ...]:
    assert section is not None
    return section


def customers_of(payload):
    envelope = Envelope.from_api(payload)
    assert envelope is not None
    return [Customer.from_api(item) for item in envelope.items or ()]


def test_the_samples_here_are_the_shared_contract_samples():
    shared = Path("/work/shared/capillary/samples")
    if not shared.is_dir():
        pytest.skip("the shared contract folder is not on this machine")
    for path in shared.glob("*.json"):
        assert json.loads((HERE / "samples" / path.name).read_text()) == json.loads(
            path.read_text()
        )


# --- The documentation's samples -----------------------------------------------------------------


def test_the_2017_bulk_sample_without_wrapper_and_with_a_bare_customer_list():
    (tom,) = customers_of(sample("docs-2017-customer-get-bulk-mobile"))

    assert tom.full_name == "Tom Swayer"
    assert (tom.mobile, tom.email, tom.external_id) == (
        "44700900000",
        "tomsawyer@example.com",
        "ts1234",
    )
    assert (tom.lifetime_points, tom.lifetime_purchases, tom.loyalty_points) == (0, 0, 0)
    assert tom.current_slab is None  # "current_slab": []
    assert tom.registered_on == dt.datetime(2013, 1, 21, 11, 23, 45)
    assert tom.registered_store == Place("vimal.store", "vimal store")
    assert tom.registered_till == Place("vimal.till", "vimal.till")
    assert tom.fraud == FraudDetails(status="NONE", marked_by=None, modified_on=None)
    assert not tom.fraud.is_flagged
    assert (tom.ndnc_status, tom.optin_status) == ("NONE", "NONE")
    assert tom.custom_fields == ()  # [[]]
    assert tom.transactions == ()  # [[]]: present, empty
    assert tom.expiry_schedule == (PointsExpiry(10, dt.datetime(2014, 3, 25, 23, 59, 59)),)
    assert tom.expired_points == (ExpiredPoints(10, dt.datetime(2013, 12, 20)),)
    assert tom.slab_history == (
        TierChange(
            from_tier="TIER1-SILVER",
            to_tier="TIER2-GOLD",
            type="UPGRADE",
            changed_on=dt.datetime(
                2014, 1, 24, 19, 29, 40, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
            ),
            store=Place("store.code", "store.name"),
            notes="done by the scron",
        ),
    )
    assert tom.points_summary == PointsSummary(redeemed=120, expired=103, returned=30, adjusted=10)
    assert tom.programs is None
    (coupon,) = present(tom.coupons)
    assert (coupon.code, coupon.series_id, coupon.redeemed) == ("00b5nis2", "6", True)
    assert coupon.valid_till == dt.datetime(2009, 10, 1, 23, 59, 59)  # a date: valid all day
    assert coupon.status is CouponStatus.REDEEMED
    assert tom.item == ItemStatus(True, 1000, "Customer successfully retrieved")


def test_the_2018_mlp_sample_with_a_single_customer_object_and_two_programs():
    (tom,) = customers_of(sample("docs-2018-customer-get-mlp"))

    assert tom.full_name == "Tom Sawyer"
    assert (tom.current_slab, tom.loyalty_points, tom.lifetime_points) == ("Gold", 15, 30)
    assert tom.lifetime_purchases == Decimal(2600)
    assert (tom.type, tom.source) == ("LOYALTY", "instore")
    assert tom.custom_fields == tom.extended_fields == ()
    assert [(t.id, t.number, t.type, t.store) for t in tom.transactions or ()] == [
        ("33084753", "n-4001", "REGULAR", "north"),
        ("33076050", "n-4000", "REGULAR", "north"),
    ]
    assert [c.status for c in tom.coupons or ()] == [CouponStatus.REDEEMED] * 2

    rewards, other = present(tom.programs)
    assert rewards.program_id == 1252
    assert (rewards.current_tier, rewards.tier_serial, rewards.next_tier) == ("Gold", 2, "Diamond")
    assert (rewards.next_tier_serial, rewards.next_tier_description) == (3, "tier 3")
    assert (rewards.redeemed, rewards.loyalty_points, rewards.lifetime_points) == (15, 15, 30)
    assert rewards.tier_expiry_date == dt.datetime(2118, 2, 19, 23, 59, 59)
    assert rewards.upgrade == ()
    assert rewards.renewal is None
    assert not rewards.is_top_tier
    assert (other.program_id, other.current_tier, other.next_tier) == (1253, "White", "Pink")
    assert (other.redeemed, other.expired, other.loyalty_points) == (47, 8, 145)


def test_the_2021_sample_with_one_custom_field_object_and_a_wrapped_empty_transaction_list():
    (tom,) = customers_of(sample("docs-2021-customer-get"))

    assert (tom.current_slab, tom.loyalty_points, tom.lifetime_points) == ("Silver", 500, 2300)
    assert tom.custom_fields == (Field("gender", "value_308645"),)
    assert tom.transactions == ()
    redeemed, unredeemed = present(tom.coupons)
    assert redeemed.status_on(dt.datetime(2018, 6, 1)) is CouponStatus.REDEEMED
    assert unredeemed.status_on(dt.datetime(2018, 6, 1, 23, 0)) is CouponStatus.ACTIVE
    assert unredeemed.status_on(dt.datetime(2018, 6, 2)) is CouponStatus.EXPIRED
    assert unredeemed.status is CouponStatus.EXPIRED  # long past


def test_the_gap_to_upgrade_snippet_reads_as_39_percent_of_a_tracker_threshold():
    program = ProgramSummary.from_api(sample("docs-2021-gap-to-upgrade-snippet"))

    (strategy,) = program.upgrade
    assert strategy == UpgradeStrategy(
        based_on="TRACKER_VALUE_BASED",
        threshold=25000,
        current_value=9786,
        gap=15214,
        valid_until=dt.datetime(2022, 5, 6, 23, 59, 59),
        tracker=Tracker(
            name="2 Years Upgrade Tracker",
            type="BILL_AMOUNT",
            mode="MOVING_WINDOW",
            case_name="730Days_Case",
            period_type="DAYS",
            period_value=730,
        ),
    )
    assert strategy.progress == pytest.approx(9786 / 25000)
    assert strategy.percent == 39
    assert not program.is_top_tier  # upgrade data means there is a tier above


def test_the_gap_to_renew_snippet_reads_three_strategies():
    program = ProgramSummary.from_api(sample("docs-2021-gap-to-renew-snippet"))

    assert program.renewal == Renewal(
        tier_expiry_date=dt.datetime(2020, 9, 3, 23, 59, 59),
        confirmed=False,
        strategies=(
            RenewStrategy("VISITS", 56000, 1, 55999),
            RenewStrategy("PURCHASE", 30000, 1200, 28800),
            RenewStrategy("POINTS", 50000, 460, 49540),
        ),
    )
    visits, purchase, points = program.renewal.strategies
    assert visits.progress == pytest.approx(1 / 56000)
    assert (visits.percent, purchase.percent, points.percent) == (0, 4, 0)
    assert purchase.progress == pytest.approx(0.04)


# --- The sandbox-shaped full view ----------------------------------------------------------------


def test_a_full_view_answer_reads_every_section():
    (grace,) = customers_of(recorded("full-view-gold.json"))

    assert grace.user_id == 50000002
    assert grace.full_name == "Grace Gold"
    assert grace.lifetime_purchases == Decimal("184512.50")
    assert (grace.current_slab, grace.next_slab, grace.next_slab_serial_number) == (
        "Gold",
        "Platinum",
        3,
    )
    assert grace.tier_expiry_date == dt.datetime(2027, 3, 31, 23, 59, 59)
    assert grace.fraud == FraudDetails()
    assert grace.extended_fields[1] == Field("dob", "1988-04-02", "Date of birth")
    assert grace.custom_fields == (Field("preferred_store", "aurora.flagship"),)

    purchase, refund = present(grace.transactions)
    assert purchase == Transaction(
        id="910000231",
        number="INV-2026-000231",
        type="REGULAR",
        created_date=dt.datetime(2026, 9, 28, 19, 12, 44),
        store="Aurora Flagship",
        store_code="aurora.flagship",
        amount=Decimal("2450.00"),
        points_issued=245,
        points_redeemed=0,
        notes=None,
        gross_amount=Decimal("2600.00"),
        discount=Decimal("150.00"),
    )
    assert (refund.amount, refund.points_redeemed, refund.notes) == (
        Decimal("-799.00"),
        80,
        "Size exchange",
    )

    on = dt.datetime(2026, 10, 1)
    assert [(c.code, c.status_on(on)) for c in grace.coupons or ()] == [
        ("AUR-WELCOME-1", CouponStatus.ACTIVE),
        ("AUR-BDAY-2", CouponStatus.REDEEMED),
        ("AUR-SPRING-3", CouponStatus.EXPIRED),
    ]
    assert [c.same_user_multiple_redeem for c in grace.coupons or ()] == [False, False, True]

    rewards, dining = present(grace.programs)
    assert (rewards.title, rewards.points_to_currency_ratio) == ("Aurora Rewards", Decimal("0.25"))
    assert (rewards.adjusted, rewards.delayed_points, rewards.total_available_points) == (
        -35,
        120,
        4175,
    )
    purchases, points = rewards.upgrade
    assert (purchases.based_on, purchases.current_value) == (
        "CUMULATIVE_PURCHASES",
        Decimal("184512.50"),
    )
    assert purchases.percent == 73  # 184512.50 / 250000 = 73.8%, floored
    assert (points.percent, points.gap) == (83, 825)
    assert (rewards.custom_expression, rewards.expression_relation) == ("(A OR B)", ((1,), (2,)))
    assert rewards.renewal is not None
    assert rewards.renewal.strategies == (RenewStrategy("PURCHASE", 60000, 45000, 15000),)
    assert rewards.renewal.strategies[0].percent == 75
    assert dining.is_top_tier  # "nextSlab": [] and no upgrade data
    assert (dining.current_tier, dining.tier_serial, dining.next_tier) == ("Elite", 3, None)

    newest, _ = present(grace.slab_history)
    assert newest.program_id == 1
    assert newest.to_expiry == dt.datetime(2027, 3, 31, 23, 59, 59)
    assert present(grace.slab_history)[1].from_expiry is None
    assert grace.expiry_schedule == (
        PointsExpiry(500, dt.datetime(2026, 12, 31, 23, 59, 59), 1),
        PointsExpiry(1200, dt.datetime(2027, 3, 31, 23, 59, 59), 1),
    )
    assert grace.expired_points == (ExpiredPoints(1200, dt.datetime(2025, 12, 31), 1),)
    assert grace.subscriptions == (
        Subscription("SMS", "TRANS", "SUBSCRIBED", dt.datetime(2024, 1, 2, 10)),
        Subscription("EMAIL", "BULK", "UNSUBSCRIBED", dt.datetime(2025, 7, 19, 16, 45, 10)),
    )
    assert grace.cards == (
        Card(
            card_number="7100000000000002",
            card_external_id="CARD-GOLD",
            series_name="Aurora Card",
            status="ACTIVE",
            issued_on=dt.datetime(2021, 6, 14, 10, 2, 11),
            expiry_date=dt.datetime(2029, 6, 14, 23, 59, 59),
        ),
    )
    assert grace.warnings == ()
    assert grace.merged_from is None


def test_members_and_their_parts_survive_pickling_for_the_cache():
    (grace,) = customers_of(recorded("full-view-gold.json"))
    assert pickled(grace) == grace


# --- Shape variants ------------------------------------------------------------------------------


def _item():
    return {"firstname": "Ann", "item_status": {"success": "true", "code": "1000"}}


@pytest.mark.parametrize(
    "payload",
    [
        {"response": {"status": {"code": 200}, "customers": {"customer": [_item()]}}},
        {"status": {"code": 200}, "customers": {"customer": [_item()]}},
        {"status": {"code": 200}, "customers": {"customer": _item()}},
        {"status": {"code": 200}, "customers": [_item()]},
        {"response": {"customers": [_item()]}},
    ],
    ids=["wrapped-list", "bare-list", "single-object", "customers-bare-list", "no-status"],
)
def test_the_envelope_reads_with_or_without_wrapper_and_as_list_or_object(payload):
    assert [c.firstname for c in customers_of(payload)] == ["Ann"]


@pytest.mark.parametrize("payload", [[1, 2], "text", None, {"error": "boom"}, {"response": "nope"}])
def test_json_that_is_no_envelope_is_recognised_as_such(payload):
    assert Envelope.from_api(payload) is None


def test_an_error_code_is_found_at_the_top_or_inside_the_status():
    top = Envelope.from_api(recorded("error-403-4000.json"))
    inside = Envelope.from_api({"response": {"status": {"code": 503, "errorCode": "4001"}}})
    assert (top.error_code, top.items) == (4000, None)  # type: ignore[union-attr]
    assert inside.error_code == 4001  # type: ignore[union-attr]


COUPON = {"id": 1, "code": "A", "valid_till": "2099-01-01", "redeemed": "false"}


@pytest.mark.parametrize(
    "coupons",
    [[COUPON], {"coupon": [COUPON]}, {"coupon": COUPON}, COUPON],
    ids=["bare-list", "wrapped-list", "wrapped-object", "single-object"],
)
def test_coupons_read_as_bare_list_wrapped_list_or_single_object(coupons):
    customer = Customer.from_api({"coupons": coupons})
    assert [(c.id, c.code, c.redeemed) for c in customer.coupons or ()] == [("1", "A", False)]


@pytest.mark.parametrize(
    ("summaries", "history"),
    [
        ([{"programId": "7"}], [{"from": "A", "to": "B"}]),
        ({"points_summary": [{"programId": 7}]}, {"history": [{"from": "A", "to": "B"}]}),
        ({"points_summary": {"programId": 7.0}}, {"history": {"from": "A", "to": "B"}}),
    ],
)
def test_programs_and_tier_history_read_as_list_or_wrapped(summaries, history):
    customer = Customer.from_api({"points_summaries": summaries, "slab_history": history})
    assert [p.program_id for p in customer.programs or ()] == [7]
    assert [(h.from_tier, h.to_tier) for h in customer.slab_history or ()] == [("A", "B")]


@pytest.mark.parametrize(
    "fields",
    [
        {"field": {"name": "gender", "value": "F"}},
        {"field": [{"name": "gender", "value": "F"}]},
        [{"name": "gender", "value": "F"}],
        [[]],
    ],
)
def test_fields_read_as_one_object_or_a_list(fields):
    expected = () if fields == [[]] else (Field("gender", "F"),)
    assert Customer.from_api({"custom_fields": fields}).custom_fields == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("15", 15), (15, 15), ("15.000", 15), (15.0, 15), ("15.5", Decimal("15.5")), ("-3", -3)],
)
def test_numbers_read_from_json_numbers_or_strings(raw, expected):
    points = Customer.from_api({"loyalty_points": raw}).loyalty_points
    assert points == expected
    assert type(points) is type(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("TRUE", True), (True, True), ("1", True), ("false", False), (False, False)],
)
def test_booleans_read_from_json_or_strings(raw, expected):
    assert Coupon.from_api({"redeemed": raw}).redeemed is expected


@pytest.mark.parametrize("empty", [[], "", None, {}, [[]], "   "])
def test_empty_scalars_read_as_nothing(empty):
    customer = Customer.from_api(
        {"current_slab": empty, "loyalty_points": empty, "registered_on": empty, "email": empty}
    )
    assert customer.current_slab is None
    assert customer.loyalty_points is None
    assert customer.registered_on is None
    assert customer.email is None
    assert FraudDetails.from_api({"status": "MARKED", "marked_by": empty}).marked_by is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01 10:20:30", dt.datetime(2024, 5, 1, 10, 20, 30)),
        ("2024-05-01", dt.datetime(2024, 5, 1)),
        ("2024-05-01T10:20:30+05:30", dt.datetime(2024, 5, 1, 4, 50, 30, tzinfo=dt.UTC)),
        # "Z" is the org's wall clock mislabelled (see real/capdocs-customer-coupons-pagination)
        ("2024-05-01T10:20:30Z", dt.datetime(2024, 5, 1, 10, 20, 30)),
        ("01/05/2024", None),
        (1714550430, None),
    ],
)
def test_dates_read_in_capillarys_three_formats(raw, expected):
    assert Customer.from_api({"registered_on": raw}).registered_on == expected


def test_unknown_fields_are_ignored():
    item = full_view_item()
    plain = Customer.from_api(item)
    item |= {"shoe_size": 42, "shoe_colours": {"colour": [{"name": "x"}]}, "trackers": [[]]}
    item["points_summaries"]["points_summary"][0]["brand_new_field"] = {"a": [1]}
    assert Customer.from_api(item) == plain


def test_missing_sections_are_not_available_rather_than_empty():
    customer = Customer.from_api({"user_id": "5", "firstname": "Ann"})

    assert customer.user_id == 5
    for section in (
        "transactions",
        "coupons",
        "programs",
        "points_summary",
        "slab_history",
        "expiry_schedule",
        "expired_points",
        "subscriptions",
        "cards",
        "registered_store",
        "registered_till",
    ):
        assert getattr(customer, section) is None, section
    assert customer.custom_fields == customer.extended_fields == ()
    assert customer.fraud.status == "NONE"  # Capillary's default
    assert customer.full_name == "Ann"


@pytest.mark.parametrize(
    ("status", "flagged"),
    [
        ("NONE", False),
        ("MARKED", True),
        ("CONFIRMED", True),
        ("RECONFIRMED", True),
        ("NOT_FRAUD", False),
        ("INTERNAL", False),
        ("confirmed", True),
    ],
)
def test_fraud_is_flagged_when_marked_confirmed_or_reconfirmed(status, flagged):
    assert FraudDetails.from_api({"status": status}).is_flagged is flagged


def test_warnings_come_from_the_item_status():
    customer = Customer.from_api(
        {
            "item_status": {
                "success": "true",
                "code": 1000,
                "warnings": {
                    "warning": [{"code": "618", "message": "Customer is marked as fraud"}]
                },
            }
        }
    )
    assert customer.warnings == (Warning(618, "Customer is marked as fraud"),)


@pytest.mark.parametrize(
    ("current", "threshold", "gap", "progress", "percent"),
    [
        (9786, 25000, None, 0.39144, 39),
        (None, 25000, 15214, 0.39144, 39),  # current derived from the gap
        (30000, 25000, 0, 1.0, 100),  # clamped
        (-5, 100, None, 0.0, 0),
        (0, 0, None, 1.0, 100),  # nothing to reach
        (5, None, None, 0.0, 0),  # no threshold given
        ("99.6", "100", None, 0.996, 99),  # never rounds up to a 100% not reached
    ],
)
def test_upgrade_progress_is_current_over_threshold_clamped(
    current, threshold, gap, progress, percent
):
    strategy = UpgradeStrategy.from_api(
        {
            "upgrade_threshold": threshold,
            "customer_upgrade_entity_values": {"current_value": current, "gap_to_upgrade": gap},
        }
    )
    assert strategy.progress == pytest.approx(progress)
    assert strategy.percent == percent


def test_expression_relation_reads_as_json_or_as_a_string():
    as_string = ProgramSummary.from_api(
        {
            "gap_to_upgrade": {"custom_expression": "((A AND B) OR C)"},
            "expression_relation": "[[1, 2], [3]]",
        }
    )
    assert as_string.expression_relation == ((1, 2), (3,))
    assert as_string.custom_expression == "((A AND B) OR C)"


def test_coupon_status_compares_naive_and_aware_times_on_the_wall_clock():
    coupon = Coupon.from_api({"valid_till": "2024-05-01 23:59:59", "redeemed": "false"})
    aware_before = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    aware_after = dt.datetime(2024, 5, 2, 0, 0, 1, tzinfo=dt.UTC)
    assert coupon.status_on(aware_before) is CouponStatus.ACTIVE
    assert coupon.status_on(aware_after) is CouponStatus.EXPIRED
    assert Coupon.from_api({"redeemed": "false"}).status is CouponStatus.ACTIVE  # no end date


def test_a_customer_item_that_is_not_an_object_is_malformed():
    with pytest.raises(MalformedResponse):
        Customer.from_api(["not", "an", "object"], request_id="r-1")


# Any JSON at all, under the names Customer reads: the reader never crashes.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
KEYS = sorted(
    set(full_view_item())
    | set(full_view_item()["points_summaries"]["points_summary"][0])
    | {"coupon", "transaction", "field", "history", "points_summary", "card", "subscription"}
    # issue 11's sections and the keys inside them
    | {
        "programs_list",
        "program",
        "PartnerPrograms",
        "PartnerProgram",
        "partnerProgramTiers",
        "tier_update_criteria",
        "membership_retention_criteria",
        "promotion_points",
        "customer",
        "transactions",
        "lineitems",
        "delayed_accrual",
        "delayed_points_details",
        "segments",
        "segment",
        "user_group",
        "user_groups2",
        "customer_image",
        "url",
        "issuance_history",
        "redemption_history",
        "issued",
        "redeemed",
        "tenders",
        "tender",
        "credit_notes",
        "credit_note",
        "redemptions",
        "redemption",
        "linked_partner_programs",
        "gender",
        "renew_entity_identifiers",
        "upgrade_strategy",
        "min_purchase_value_required",
    }
)


@given(data=st.dictionaries(st.sampled_from(KEYS), JSON, max_size=12))
def test_any_json_under_known_names_reads_without_crashing(data):
    customer = Customer.from_api(data)
    assert pickled(customer) == customer
    for program in customer.programs or ():
        for strategy in program.upgrade:
            assert 0.0 <= strategy.progress <= 1.0


# JSON whose objects use the names the readers look for, at any depth.
NAMED_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=16,
)


@given(data=st.dictionaries(st.sampled_from(KEYS), NAMED_JSON, max_size=10))
def test_any_nesting_of_known_names_reads_and_its_helpers_answer(data):
    customer = Customer.from_api(data)
    assert pickled(customer) == customer
    on = dt.datetime(2026, 12, 3)
    for program in customer.programs or ():
        if program.reconciliation is not None:
            assert isinstance(program.reconciliation.words, str)
        program.balance_worth  # noqa: B018 - must not raise
    if customer.points_summary is not None:
        customer.points_summary.history  # noqa: B018
    assert all(isinstance(n.meaning, str) for n in customer.notices)
    for bill in customer.transactions or ():
        bill.no_points_reason  # noqa: B018
    for coupon in customer.coupons or ():
        coupon.can_redeem_on(on)
    for card in customer.cards or ():
        card.is_expired_on(on)
    for accrual in customer.delayed_accrual or ():
        accrual.next_release  # noqa: B018


@given(mutation=st.sampled_from(KEYS), value=JSON)
def test_any_value_in_place_of_a_full_view_section_reads_without_crashing(mutation, value):
    item = copy.deepcopy(full_view_item())
    item["points_summaries"]["points_summary"][0][mutation] = value
    item[mutation] = value
    Customer.from_api(item)


def test_an_answer_recorded_from_the_sandbox_reads_with_its_real_values():
    """FULL_VIEW for demo.near@example.com, recorded from the sandbox (seed 42, generator 3)."""
    (near,) = customers_of(recorded("sandbox-full-view-near.json"))

    assert (near.user_id, near.full_name, near.external_id) == (
        50000011,
        "Divya Menon",
        "DEMO-NEAR",
    )
    assert (near.loyalty_points, near.lifetime_points, near.current_slab) == (728, 1413, "Gold")
    assert near.registered_store == Place("blr.indiranagar", "Aurora Indiranagar")
    assert near.fraud == FraudDetails()  # "marked_by": "" and friends
    rewards, dining = present(near.programs)
    (purchases,) = rewards.upgrade
    assert (purchases.based_on, purchases.current_value, purchases.threshold) == (
        "CUMULATIVE_PURCHASES",
        72000,
        75000,
    )
    assert purchases.percent == 96  # the demo's "96% of the way to Platinum"
    assert rewards.renewal is not None
    assert [(s.based_on, s.percent) for s in rewards.renewal.strategies] == [
        ("VISITS", 100),  # 12 of 6: done, clamped
        ("PURCHASE", 100),
        ("POINTS", 36),  # 728 of 2000
    ]
    (tracker_based,) = dining.upgrade
    assert tracker_based.tracker is not None
    assert tracker_based.tracker.name == "Dining Spend This Year"
    assert tracker_based.tracker.mode == "CALENDAR_BASED_CYCLIC_WINDOW"
    assert present(near.cards)[0].card_external_id == "CX-50000011"
    assert near.extended_fields[0] == Field("preferred_store", "blr.indiranagar", "Preferred store")
    assert near.gender == next(f.value for f in near.extended_fields if f.name == "gender")
    assert near.item.code == 1000


@pytest.mark.parametrize(
    ("firstname", "lastname", "full_name"),
    [
        ("小明", "王", "王小明"),  # Chinese: family name first, no space
        ("太郎", "山田", "山田太郎"),  # Japanese (kanji)
        ("さくら", "佐藤", "佐藤さくら"),  # Japanese given name in kana
        ("민준", "김", "김민준"),  # Korean
        ("小明", "", "小明"),
        ("Mei", "王", "Mei 王"),  # mixed scripts: as written in the record's order
        ("فاطمة", "الحسيني", "فاطمة الحسيني"),  # Arabic: given name first, with a space
        ("Ada", "Lovelace", "Ada Lovelace"),
        ("", "", ""),
    ],
)
def test_a_name_reads_as_its_script_writes_it(firstname, lastname, full_name):
    customer = Customer.from_api({"user_id": "1", "firstname": firstname, "lastname": lastname})
    assert customer.full_name == full_name


# --- Issue 11: points figures, promotions, warnings ----------------------------------------------


def test_the_2017_samples_figures_do_not_add_up_and_say_so():
    (tom,) = customers_of(sample("docs-2017-customer-get-bulk-mobile"))
    reconciliation = tom.points_reconciliation
    assert reconciliation is not None
    assert not reconciliation.adds_up
    assert reconciliation.expected_current == -243  # 0 − 120 − 103 − 30 + 10
    assert reconciliation.difference == 243
    assert reconciliation.words == (
        "The figures do not add up: 0 lifetime − 120 redeemed − 103 expired − 30 returned "
        "+ 10 adjusted = −243, but Capillary shows 0 current points (243 more)."
    )


def test_a_negative_adjustment_is_written_as_a_debit_and_thousandths_count():
    figures = reconcile(
        lifetime=Decimal("26447.104"),
        current=Decimal("1212.104"),
        redeemed=25000,
        expired=200,
        returned=None,
        adjusted=-35,
    )
    assert figures is not None
    assert figures.adds_up
    assert "− 35 adjusted" in figures.words
    assert "26,447.104 lifetime" in figures.words
    off = reconcile(
        lifetime=100, current=Decimal("60.001"), redeemed=40, expired=0, returned=0, adjusted=0
    )
    assert off is not None
    assert not off.adds_up
    assert (
        reconcile(
            lifetime=100, current=60, redeemed=None, expired=None, returned=None, adjusted=None
        )
        is None
    )


def test_promotion_points_read_at_member_bill_and_line_item_level():
    (tom,) = customers_of(sample("docs-2017-customer-get-bulk-mobile"))
    promotions = present(tom.promotion_points)
    assert [(p.level, p.points) for p in promotions] == [
        ("customer", 30),
        ("customer", 30),
        ("transaction", 349),
        ("lineitem", 13),
    ]
    assert promotions[0].issued_at == Place("storecode", "storename")
    assert promotions[0].expiry_date == dt.datetime(2014, 11, 2, 23, 59, 59)
    assert (promotions[2].transaction_id, promotions[3].lineitem_id) == ("4325", "10342")
    assert tom.segments == ()  # "segments": [[]]
    assert tom.gender == "M"  # the 2017 top-level key


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (618, "fraud"),
        (91012, "top_tier"),
        (91001, "points_failed"),
        (91013, "upgrade_criteria_failed"),
        (7, "other"),
    ],
)
def test_item_warnings_have_a_kind_and_plain_words(code, kind):
    warning = Warning(code, "")
    assert warning.kind == kind
    assert warning.meaning.endswith(".")
