"""Every response body in `samples/real/` (published by Capillary's own documentation; SOURCES.md
says where each comes from and what it shows) read through the client, with the values a person
would read off it.

The `customer/get` bodies are served over the HTTP boundary (`responses`) to the client's own
`get_customer(s)`, so that the envelope, the matching of items to what was asked and the reading
of each section are the ones the dashboard uses. The snippet and the two relatives of
`customer/get` (`customer/coupons`, `customer/transactions`) have no client call: they are read by
the same `Envelope` and `Customer` readers the client uses.
"""

import collections
import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import responses

from membercare.capillary.client import CapillaryClient
from membercare.capillary.errors import CustomerDeleted, InvalidIdentifier
from membercare.capillary.identifiers import IdentifierKind, parse_identifier
from membercare.capillary.query import FULL_VIEW
from membercare.capillary.types import (
    Customer,
    Envelope,
    PartnerProgram,
    Place,
    ProgramSummary,
    UpgradeStrategy,
)

from .conftest import GET_URL, HERE

REAL = HERE / "samples" / "real"
SHARED = Path("/work/shared/capillary/samples/real")
MOBILE, USER_ID = IdentifierKind.MOBILE, IdentifierKind.USER_ID
# Each file and the test that reads it: a new file without a test fails the first test below.
READ_BY: dict[str, str] = {}


def reads(name: str) -> Any:
    def register(test: Any) -> Any:
        READ_BY[name] = test.__name__
        return test

    return register


def body(name: str) -> Any:
    return json.loads((REAL / name).read_text())


def served(rsps: responses.RequestsMock, payload: Any, status: int = 200) -> None:
    rsps.get(GET_URL, json=payload, status=status, headers={"X-Cap-Requestid": "req-real"})


def fetch(
    client: CapillaryClient, rsps: responses.RequestsMock, name: str, mobile: str
) -> Customer:
    served(rsps, body(name))
    return client.get_customer(identifier=parse_identifier(mobile, MOBILE), query=FULL_VIEW)


def only_item(name: str) -> Customer:
    envelope = Envelope.from_api(body(name))
    assert envelope is not None
    (item,) = envelope.items or ()
    return Customer.from_api(item)


def test_every_real_sample_has_a_test_and_matches_the_shared_folder():
    names = {path.name for path in REAL.glob("*.json")}
    assert len(names) == 11  # SOURCES.md's table
    assert names == set(READ_BY)
    if SHARED.is_dir():
        for path in SHARED.iterdir():
            assert (REAL / path.name).read_bytes() == path.read_bytes(), path.name


# --- customer/get ------------------------------------------------------------------------------


@reads("capdocs-customer-get-user_id.json")
def test_the_user_id_sample_reads_its_float_lifetime_points_and_17_transactions(client, rsps):
    tom = fetch(client, rsps, "capdocs-customer-get-user_id.json", "9988776655")

    assert tom.user_id == 98662653  # "98662653", a string
    assert tom.full_name == "Tom Sawyer"
    assert tom.lifetime_points == Decimal("26447.104")  # a JSON float, kept to the last digit
    assert f"{tom.lifetime_points:,}" == "26,447.104"
    assert (tom.loyalty_points, tom.lifetime_purchases) == (12869, Decimal(183159))
    assert tom.current_slab == "Platinum"
    assert tom.fraud.status == "NOT_FRAUD"
    assert not tom.fraud.is_flagged
    assert tom.fraud.marked_by == "1491395484_Achyuthanandan"
    assert tom.fraud.modified_on == dt.datetime(2021, 11, 23, 13, 12, 39)
    assert (len(tom.custom_fields), len(tom.extended_fields)) == (7, 6)
    assert tom.gender == "Male"  # the extended field: the top-level gender is null
    assert tom.registered_store == Place("changi", "FG")
    assert tom.request_id == "req-real"

    transactions = tom.transactions or ()
    assert len(transactions) == 17
    assert collections.Counter(t.type for t in transactions) == {"REGULAR": 10, "RETURN": 7}
    newest = transactions[0]
    assert (newest.number, newest.store, newest.created_date) == (
        "numtest-1239",
        "Mobile App",
        dt.datetime(2023, 4, 5, 17, 7, 23),
    )
    assert newest.points_issued is None  # the sample has no points on its bills
    assert newest.no_points_reason == "Capillary sent no points figures for this bill."

    coupons = tom.coupons or ()
    assert len(coupons) == 10
    assert all(c.same_user_multiple_redeem is False for c in coupons)
    by_id = {c.id: c for c in coupons}
    assert by_id["475850391"].valid_till == dt.datetime(2198, 12, 31, 23, 59, 59)  # never ends
    assert by_id["370179951"].redeemed
    assert by_id["370179951"].issued_on == dt.datetime(2021, 5, 17, 19, 6, 3)
    on = dt.datetime(2023, 9, 11)
    assert by_id["483792674"].status_on(on).value == "expired"
    assert not by_id["483792674"].can_redeem_on(on)
    assert by_id["475850391"].can_redeem_on(on)
    assert tom.programs == ()  # points_summaries: {"points_summary": []}
    assert tom.warnings == ()  # {"warning": []}


@reads("capdocs-customer-get-program_summary.json")
def test_the_program_summary_sample_reads_14_programs_with_their_partner_programs(client, rsps):
    tom = fetch(client, rsps, "capdocs-customer-get-program_summary.json", "9988776655")

    programs = tom.programs_list or ()
    assert len(programs) == 14
    assert [p.name for p in programs][:4] == [
        "Default Program",
        "Nike Move Program",
        "TCP Demo",
        "B2C Hospitality",
    ]
    assert [p.id for p in programs if p.is_default] == [469]  # "isDefault": "true"
    default = programs[0]
    assert (default.description, default.points_to_currency_ratio) == (
        "Metro Brands Limited",
        Decimal("0.01"),
    )
    assert [len(p.partner_programs) for p in programs] == [
        37,
        3,
        2,
        2,
        0,
        0,
        0,
        0,
        2,
        0,
        0,
        0,
        0,
        0,
    ]
    partners = default.partner_programs
    assert collections.Counter(p.type for p in partners) == {"SUPPLEMENTARY": 23, "EXTERNAL": 14}
    assert partners[0] == PartnerProgram(
        id=40,
        name="1 Masan WinMembership Premier Tier",
        description="1 Masan WinMembership Premier Tier",
        type="SUPPLEMENTARY",
        is_tier_based=False,
        points_exchange_rate=Decimal("1"),
        membership_period_type="DAYS",
        membership_period_value=365,
        tiers=(),  # "partnerProgramTiers": []
    )
    airasia = next(p for p in partners if p.id == 18)
    assert (airasia.name, airasia.is_tier_based, airasia.tiers) == (
        "Airasia partnership",
        True,
        ("Bronze", "Silver", "Gold"),
    )
    assert airasia.membership_period_type is None  # ""
    assert tom.lifetime_points == Decimal("27169.104")
    assert tom.loyalty_points == 2412
    assert tom.current_slab == "Rhodium"


@reads("capdocs-customer-get-slab_history.json")
def test_the_slab_history_sample_reads_15_tier_changes_with_their_types(client, rsps):
    tom = fetch(client, rsps, "capdocs-customer-get-slab_history.json", "9988776655")

    history = tom.slab_history or ()
    assert len(history) == 15
    assert collections.Counter(c.type for c in history) == {
        "RENEW": 9,
        "UPGRADE": 4,
        "DOWNGRADE": 2,
    }
    newest, oldest = history[0], history[-1]
    assert (newest.type, newest.from_tier, newest.to_tier) == ("RENEW", "Rhodium", "Rhodium")
    assert newest.changed_on == dt.datetime(2024, 1, 1, 2, 30, 3)
    assert newest.store == Place("teststore", "test")
    assert newest.program_id == 469  # "469", a string
    assert newest.notes == "points_engine_tier_downgrade visits: 9 purchase: 422976.0"
    assert (oldest.type, oldest.from_tier, oldest.to_tier) == ("UPGRADE", "Base", "Bronze")
    assert history[1].store is None  # the store key is missing on some entries
    assert sum(change.store is None for change in history) == 8
    changed = [c.changed_on for c in history if c.changed_on]
    assert len(changed) == 15
    assert changed == sorted(changed, reverse=True)  # newest first
    assert (tom.lifetime_points, tom.loyalty_points) == (Decimal("27369.104"), 2212)


@reads("capdocs-customer-get-result.json")
def test_the_result_sample_reads_a_trailing_space_and_empty_wrapped_sections(client, rsps):
    rita = fetch(client, rsps, "capdocs-customer-get-result.json", "44700900999")

    assert rita.full_name == "Rita John"
    assert rita.current_slab == "Member Tier"  # "Member Tier " in the sample
    assert (rita.lifetime_points, rita.loyalty_points, rita.lifetime_purchases) == (500, 500, 0)
    assert rita.fraud.reason is None  # ""
    assert rita.registered_till == Place("Mobile App", "bukl.ind.solution")
    assert rita.user_groups == ()  # "user_groups2": []
    assert rita.gender == "Female"
    dob = next(f for f in rita.extended_fields if f.name == "dob")
    assert dob.value == "1998-09-01 00:00:00"
    assert (rita.transactions, rita.coupons, rita.programs) == ((), (), ())


@reads("v11docs-2017-09-customer-get-response-wrapper.json")
def test_the_2017_09_sample_reads_json_numbers_a_list_of_one_and_nulls(client, rsps):
    rati = fetch(client, rsps, "v11docs-2017-09-customer-get-response-wrapper.json", "19889999999")

    assert rati.full_name == "Rati Ranjan"
    assert (rati.lifetime_points, rati.lifetime_purchases, rati.loyalty_points) == (
        442,
        Decimal(12338),
        242,
    )
    assert rati.external_id is None  # null
    assert rati.fraud.marked_by is None  # ""
    assert rati.gender == "Male"
    assert [t.number for t in rati.transactions or ()] == [
        "90384",
        "testbil90",
        "test0",
        "uash0",
        "txnsubmit1",
        "wefrw455",
    ]
    assert rati.coupons == ()
    assert rati.warnings == ()


@reads("v11docs-2018-02-customer-get-mlp-points-summaries.json")
def test_the_2018_mlp_sample_reads_strings_a_single_object_and_two_programs(client, rsps):
    tom = fetch(
        client, rsps, "v11docs-2018-02-customer-get-mlp-points-summaries.json", "919889999999"
    )

    assert (tom.lifetime_points, tom.loyalty_points) == (30, 15)
    assert tom.gender is None  # "gender": []
    assert [t.number for t in tom.transactions or ()] == ["n-4001", "n-4000"]  # a bare list
    assert [c.code for c in tom.coupons or ()] == ["X2TLL9YD", "ICRHTAY0"]
    first, second = tom.programs or ()
    assert (first.program_id, first.current_tier, first.next_tier, first.tier_serial) == (
        1252,
        "Gold",
        "Diamond",
        2,
    )
    assert first.tier_expiry_date == dt.datetime(2118, 2, 19, 23, 59, 59)
    assert (second.program_id, second.lifetime_points, second.loyalty_points) == (1253, 200, 145)
    assert (second.redeemed, second.expired) == (47, 8)
    # Both programs' figures obey current = lifetime − redeemed − expired − returned + adjusted.
    assert first.reconciliation is not None
    assert first.reconciliation.adds_up
    assert second.reconciliation is not None
    assert second.reconciliation.words == (
        "The figures add up: 200 lifetime − 47 redeemed − 8 expired − 0 returned + 0 adjusted "
        "= 145 current points."
    )


@reads("capdocs-customer-get-500-bulk-pii-8109.json")
def test_the_all_failed_bulk_sample_reads_as_deleted_and_invalid(client, rsps):
    served(rsps, body("capdocs-customer-get-500-bulk-pii-8109.json"), status=500)
    deleted, other = (parse_identifier(v, USER_ID) for v in ("172157568", "172157569"))

    outcomes = client.get_customers(identifiers=[deleted, other], query=FULL_VIEW)

    assert isinstance(outcomes[deleted], CustomerDeleted)
    assert outcomes[deleted].code == 8109  # "8109", a string
    # The second item names no one: it is the one left, and its "400" is invalid input.
    assert isinstance(outcomes[other], InvalidIdentifier)
    envelope = Envelope.from_api(body("capdocs-customer-get-500-bulk-pii-8109.json"))
    assert envelope is not None
    assert envelope.status is not None
    assert (envelope.status.code, envelope.status.total, envelope.status.success_count) == (
        500,
        2,
        0,
    )


@reads("capdocs-customer-get-gap_to_upgrade-snippet.json")
def test_the_gap_to_upgrade_snippet_reads_a_two_year_moving_window_tracker():
    snippet = body("capdocs-customer-get-gap_to_upgrade-snippet.json")
    program = ProgramSummary.from_api(snippet)
    (strategy,) = program.upgrade
    assert strategy == UpgradeStrategy.from_api(snippet["gap_to_upgrade"]["upgrade_strategy"][0])
    assert (strategy.based_on, strategy.threshold, strategy.current_value, strategy.gap) == (
        "TRACKER_VALUE_BASED",
        25000,
        9786,
        15214,
    )
    assert strategy.percent == 39
    assert strategy.valid_until == dt.datetime(2022, 5, 6, 23, 59, 59)
    assert strategy.tracker is not None  # "upgrade_entity_identifers", Capillary's spelling
    assert (strategy.tracker.mode, strategy.tracker.period_type, strategy.tracker.period_value) == (
        "MOVING_WINDOW",
        "DAYS",
        730,
    )


# --- Relatives: customer/coupons and customer/transactions -------------------------------------


@reads("capdocs-customer-coupons-pagination.json")
def test_the_coupons_sample_reads_26_coupons_with_redemptions_and_zulu_dates():
    tom = only_item("capdocs-customer-coupons-pagination.json")

    assert tom.user_id == 98662653  # "id"
    coupons = tom.coupons or ()
    assert len(coupons) == 26  # although pagination.total says 1
    assert tom.item.code == 1000  # a JSON number here
    redeemed = [c for c in coupons if c.redemptions]
    assert [c.id for c in redeemed] == ["370179951", "270322657"]
    assert all(c.redemptions == () for c in coupons if c not in redeemed)  # "redemptions": {}
    coupon = redeemed[0]
    assert (coupon.redeemed, coupon.redemption_count, coupon.series_name) == (True, 1, "10 units")
    (redemption,) = coupon.redemptions or ()
    assert redemption.date == dt.datetime(2021, 5, 17, 19, 7, 54)
    assert redemption.transaction_number == "ZDCsddfg"
    assert redemption.store == Place("international_business_park", "International Business Park")
    # "2021-05-17T19:06:03.000Z" here is "2021-05-17 19:06:03" in customer/get: the Z is not UTC.
    in_get = {c.id: c for c in only_item("capdocs-customer-get-user_id.json").coupons or ()}
    assert coupon.issued_on == in_get["370179951"].issued_on == dt.datetime(2021, 5, 17, 19, 6, 3)


@reads("v11docs-2018-customer-coupons-single-object.json")
def test_the_single_object_coupons_sample_reads_each_single_object_as_a_list_of_one():
    john = only_item("v11docs-2018-customer-coupons-single-object.json")

    assert (john.user_id, john.full_name) == (1034, "John Doe")
    (coupon,) = john.coupons or ()
    assert coupon.code == "VOCU24902"
    assert coupon.redeemed  # no "redeemed" key: "redemption_count": "1"
    assert coupon.transaction_number == "BILL-10304"
    assert coupon.valid_till == dt.datetime(2016, 12, 21, 23, 59, 59)  # a date alone: that day
    assert coupon.issued_on == dt.datetime(
        2013, 12, 13, 16, 14, 54, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
    )
    (redemption,) = coupon.redemptions or ()
    assert (redemption.transaction_number, redemption.store) == (
        "BIL2042040",
        Place("storecode", "My store"),
    )


@reads("v11docs-2017-customer-transactions-single-object.json")
def test_the_single_object_transactions_sample_reads_response_customer_and_one_bill():
    tom = only_item("v11docs-2017-customer-transactions-single-object.json")  # response.customer

    assert (tom.lifetime_points, tom.loyalty_points, tom.current_slab) == (13700, 12000, "gold")
    (bill,) = tom.transactions or ()
    assert (bill.number, bill.amount, bill.gross_amount, bill.discount) == (
        "ANBDCGD",
        Decimal(3000),
        Decimal(3000),
        Decimal(10),
    )
    assert (bill.points_issued, bill.points_redeemed) == (30, 20)
    assert bill.store is None  # "store": ""
    assert bill.notes == "Bill added by mobile"
    assert bill.no_points_reason is None


# --- Scientific notation -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [5.632820109e9, "5.632820109E9", "5.632820109e+9"])
def test_values_in_scientific_notation_read_as_numbers(client, rsps, value):
    """Capillary's page says values beyond the type limit come out as `5.632820109E9`."""
    payload = copy.deepcopy(body("capdocs-customer-get-user_id.json"))
    item = payload["response"]["customers"]["customer"][0]
    item["lifetime_points"] = value
    item["lifetime_purchases"] = value
    served(rsps, payload)

    tom = client.get_customer(identifier=parse_identifier("9988776655", MOBILE), query=FULL_VIEW)

    assert tom.lifetime_points == 5_632_820_109
    assert type(tom.lifetime_points) is int
    assert tom.lifetime_purchases == Decimal(5_632_820_109)
    assert f"{tom.lifetime_points:,}" == "5,632,820,109"
