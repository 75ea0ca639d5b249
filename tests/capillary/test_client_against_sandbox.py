"""The client against the embedded sandbox over real HTTP: the demo identities of
docs/contract-notes.md, every failure mode, bulk, and coupon paging.

`sandbox_url` (tests/fixtures/sandbox.py) serves a seeded sandbox on 127.0.0.1 with
SANDBOX_SLOW_SECONDS=3.
"""

import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from membercare.capillary.client import CapillaryClient
from membercare.capillary.errors import (
    ConfigurationError,
    CustomerDeleted,
    CustomerNotFound,
    MalformedResponse,
    NoPermission,
    RateLimited,
    Unavailable,
)
from membercare.capillary.identifiers import Identifier, IdentifierKind, parse_identifier
from membercare.capillary.query import FULL_VIEW, coupons_page
from membercare.capillary.types import CouponStatus, Customer, ProgramSummary

TILL, TILL_PASSWORD = "sandbox.till", "sandbox-till-password"
EMAIL, MOBILE, USER_ID = IdentifierKind.EMAIL, IdentifierKind.MOBILE, IdentifierKind.USER_ID


def demo(key: str, kind: IdentifierKind = EMAIL) -> Identifier:
    """A demo identity of contract-notes.md by its key ("gold", "pii-deleted", ...)."""
    number = DEMO_NUMBERS[key]
    raw = {
        EMAIL: DEMO_EMAILS.get(key, f"demo.{key}@example.com"),
        MOBILE: f"9198000000{number:02d}",
        IdentifierKind.EXTERNAL_ID: f"DEMO-{DEMO_EXTERNAL.get(key, key.upper())}",
        USER_ID: f"500000{number:02d}",
        IdentifierKind.CARD_NUMBER: f"71000000000000{number:02d}",
    }[kind]
    return parse_identifier(raw, kind)


DEMO_NUMBERS = {
    "silver": 1, "gold": 2, "platinum": 3, "diamond": 4, "coupons": 5,
    "fraud-confirmed": 6, "fraud-marked": 7, "pii-deleted": 8, "merged": 9, "survivor": 10,
    "near-upgrade": 11, "restricted": 12, "partial": 13,
    "slow": 21, "error": 22, "ratelimited": 23, "malformed": 24, "html": 25, "reset": 26,
    "gateway": 27,
}  # fmt: skip
DEMO_EMAILS = {
    "fraud-confirmed": "demo.fraud.confirmed@example.com",
    "fraud-marked": "demo.fraud.marked@example.com",
    "pii-deleted": "demo.deleted@example.com",
    "near-upgrade": "demo.near@example.com",
}
DEMO_EXTERNAL = {"pii-deleted": "DELETED", "near-upgrade": "NEAR"}


def sandbox_client(base_url: str, **overrides: Any) -> CapillaryClient:
    options: dict[str, Any] = {
        "base_url": base_url,
        "username": TILL,
        "password": TILL_PASSWORD,
        "country_code": "IN",
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "retries": 2,
        "retry_total_seconds": 8.0,
        "batch_size": 10,
    } | overrides
    return CapillaryClient(**options)


@pytest.fixture
def client(sandbox_url):
    capillary = sandbox_client(sandbox_url)
    yield capillary
    capillary.close()


def program(customer: Customer, title: str) -> ProgramSummary:
    return next(p for p in customer.programs or () if p.title == title)


# --- Finding members -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [EMAIL, MOBILE, IdentifierKind.EXTERNAL_ID, USER_ID, IdentifierKind.CARD_NUMBER],
)
def test_a_demo_member_is_found_by_each_kind_of_identifier(client, kind):
    customer = client.get_customer(identifier=demo("gold", kind), query=FULL_VIEW)
    assert customer.user_id == 50000002
    assert customer.email == "demo.gold@example.com"
    assert customer.request_id


def test_a_demo_member_is_found_by_card_external_id_and_by_a_mobile_typed_loosely(client):
    gold = client.get_customer(identifier=demo("gold"), query=FULL_VIEW)
    card = next(c for c in gold.cards or () if c.card_external_id)
    by_card = parse_identifier(card.card_external_id or "", IdentifierKind.CARD_EXTERNAL_ID)
    typed = parse_identifier("+91 98000-00002")

    assert client.get_customer(identifier=by_card, query=FULL_VIEW).user_id == 50000002
    assert client.get_customer(identifier=typed, query=FULL_VIEW).user_id == 50000002


def test_the_full_view_of_a_gold_member_reads_real_values(client):
    gold = client.get_customer(identifier=demo("gold"), query=FULL_VIEW)

    assert gold.mobile == "919800000002"
    assert gold.external_id == "DEMO-GOLD"
    assert gold.firstname
    assert gold.item.code == 1000
    assert gold.fraud.status == "NONE"
    assert gold.registered_store is not None
    assert {p.title for p in gold.programs or ()} == {"Aurora Rewards", "Aurora Dining"}
    rewards = program(gold, "Aurora Rewards")
    assert (rewards.program_id, rewards.current_tier, rewards.tier_serial) == (1, "Gold", 2)
    assert rewards.next_tier == "Platinum"
    assert gold.current_slab == "Gold"
    assert rewards.upgrade
    assert all(0.0 <= s.progress <= 1.0 for s in rewards.upgrade)
    assert rewards.renewal is not None
    assert program(gold, "Aurora Dining").current_tier in {"Member", "Insider", "Elite"}
    assert gold.coupons is not None
    assert len(gold.coupons) <= 11
    assert gold.transactions is not None
    assert gold.subscriptions is not None
    assert gold.slab_history is not None
    assert gold.expiry_schedule is not None
    assert "7100000000000002" in {c.card_number for c in gold.cards or ()}
    assert gold.extended_fields


def test_the_top_tier_member_has_no_upgrade_data_and_a_91012_warning(client):
    diamond = client.get_customer(identifier=demo("diamond"), query=FULL_VIEW)
    rewards = program(diamond, "Aurora Rewards")
    assert rewards.current_tier == "Diamond"
    assert rewards.is_top_tier
    assert 91012 in {w.code for w in diamond.warnings}


def test_the_near_upgrade_member_is_96_percent_of_the_way_to_platinum(client):
    near = client.get_customer(identifier=demo("near-upgrade"), query=FULL_VIEW)
    rewards = program(near, "Aurora Rewards")
    assert (rewards.current_tier, rewards.next_tier) == ("Gold", "Platinum")
    assert max(s.percent for s in rewards.upgrade) == 96


@pytest.mark.parametrize(
    ("key", "status"), [("fraud-confirmed", "CONFIRMED"), ("fraud-marked", "MARKED")]
)
def test_fraud_members_are_flagged(client, key, status):
    member = client.get_customer(identifier=demo(key), query=FULL_VIEW)
    assert member.fraud.status == status
    assert member.fraud.is_flagged
    assert (618 in {w.code for w in member.warnings}) is (status == "CONFIRMED")


def test_an_unknown_member_is_not_found(client):
    with pytest.raises(CustomerNotFound) as caught:
        client.get_customer(identifier=parse_identifier("nobody@example.com"), query=FULL_VIEW)
    assert caught.value.request_id


def test_a_pii_deleted_member_is_reported_as_deleted(client):
    with pytest.raises(CustomerDeleted):
        client.get_customer(identifier=demo("pii-deleted"), query=FULL_VIEW)


def test_a_restricted_member_is_no_permission(client):
    with pytest.raises(NoPermission):
        client.get_customer(identifier=demo("restricted"), query=FULL_VIEW)


@pytest.mark.parametrize("kind", [USER_ID, EMAIL])
def test_a_merged_member_gives_the_survivor(client, kind):
    survivor = client.get_customer(identifier=demo("merged", kind), query=FULL_VIEW)
    assert survivor.user_id == 50000010
    assert survivor.merged_from == "50000009"
    assert survivor.item.code == 91009


def test_a_member_whose_points_failed_is_shown_without_points(client):
    partial = client.get_customer(identifier=demo("partial"), query=FULL_VIEW)
    assert partial.item.code == 91001
    assert partial.programs is None
    assert partial.email == "demo.partial@example.com"


def test_names_in_other_scripts_and_labels_in_other_languages(client):
    arabic = client.get_customer(
        identifier=parse_identifier("demo.arabic@example.com"), query=FULL_VIEW
    )
    chinese = client.get_customer(
        identifier=parse_identifier("demo.chinese@example.com"), query=FULL_VIEW
    )
    assert not arabic.full_name.isascii()
    assert not chinese.full_name.isascii()

    english = client.get_customer(identifier=demo("gold"), query=FULL_VIEW)
    in_chinese = client.get_customer(identifier=demo("gold"), query=FULL_VIEW, language="zh")
    assert [f.name for f in english.extended_fields] == [f.name for f in in_chinese.extended_fields]
    assert [f.label for f in english.extended_fields] != [
        f.label for f in in_chinese.extended_fields
    ]


# --- Faults --------------------------------------------------------------------------------------


def test_a_slow_answer_times_out_quickly_as_unavailable(sandbox_url):
    client = sandbox_client(sandbox_url, read_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="did not answer in time"):
        client.get_customer(identifier=demo("slow"), query=FULL_VIEW)
    assert time.monotonic() - started < 2.5  # one read timeout, no retry (slow is 3 s)


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("error", Unavailable),
        ("ratelimited", RateLimited),
        ("malformed", MalformedResponse),
        ("html", MalformedResponse),
        ("reset", Unavailable),
        ("gateway", Unavailable),
    ],
)
def test_each_fault_identity_raises_its_error(client, key, error):
    started = time.monotonic()
    with pytest.raises(error) as caught:
        client.get_customer(identifier=demo(key), query=FULL_VIEW)
    assert type(caught.value) is error
    assert time.monotonic() - started < 8.5  # the retry time budget
    if key == "ratelimited":
        assert caught.value.retry_after == 30
    if key == "gateway":
        assert caught.value.code == 4001


def test_bad_credentials_are_a_configuration_error(sandbox_url):
    client = sandbox_client(sandbox_url, password="not-the-password")
    with pytest.raises(ConfigurationError) as caught:
        client.get_customer(identifier=demo("gold"), query=FULL_VIEW)
    assert caught.value.code == 401


def test_a_till_without_customer_read_is_a_configuration_error(sandbox_url):
    client = sandbox_client(sandbox_url, username="noread.till", password="noread-till-password")
    with pytest.raises(ConfigurationError) as caught:
        client.get_customer(identifier=demo("gold"), query=FULL_VIEW)
    assert caught.value.code == 4000


# --- Bulk ----------------------------------------------------------------------------------------


def test_bulk_with_mixed_outcomes_is_keyed_by_input(sandbox_url):
    client = sandbox_client(sandbox_url, batch_size=3)
    keys = ["gold", "pii-deleted", "restricted", "merged", "fraud-confirmed", "silver", "partial"]
    asked = [demo(key) for key in keys] + [parse_identifier("nobody@example.com")]

    results = client.get_customers(identifiers=list(reversed(asked)), query=FULL_VIEW)

    outcome = {key: results[demo(key)] for key in keys}
    assert list(results) == list(reversed(asked))
    assert outcome["gold"].user_id == 50000002  # type: ignore[union-attr]
    assert outcome["silver"].user_id == 50000001  # type: ignore[union-attr]
    assert outcome["merged"].user_id == 50000010  # type: ignore[union-attr]
    assert outcome["fraud-confirmed"].fraud.is_flagged  # type: ignore[union-attr]
    assert outcome["partial"].programs is None  # type: ignore[union-attr]
    assert isinstance(outcome["pii-deleted"], CustomerDeleted)
    assert isinstance(outcome["restricted"], NoPermission)
    assert isinstance(results[parse_identifier("nobody@example.com")], CustomerNotFound)


def test_a_fault_in_one_chunk_spares_the_other_chunks(sandbox_url):
    client = sandbox_client(sandbox_url, batch_size=2)
    asked = [demo("gold"), demo("silver"), demo("error"), demo("platinum")]

    results = client.get_customers(identifiers=asked, query=FULL_VIEW)

    assert isinstance(results[demo("gold")], Customer)
    assert isinstance(results[demo("silver")], Customer)
    assert isinstance(results[demo("error")], Unavailable)
    assert isinstance(results[demo("platinum")], Unavailable)  # same call as "error"


# --- Coupon paging -------------------------------------------------------------------------------

PAGE = 10


def all_coupon_pages(client, order_by, sort_order, status=None):
    """Every page of 10, asked with limit 11 (the 11th only says "there is more")."""
    pages, offset = [], 0
    while True:
        query = coupons_page(
            limit=PAGE + 1, offset=offset, order_by=order_by, sort_order=sort_order, status=status
        )
        coupons = (
            client.get_customer(identifier=demo("coupons", USER_ID), query=query).coupons or ()
        )
        pages.append(coupons[:PAGE])
        if len(coupons) <= PAGE:
            return pages
        offset += PAGE


@pytest.mark.parametrize("order_by", ["created_date", "created_by", "valid_till"])
@pytest.mark.parametrize("sort_order", ["asc", "desc"])
def test_paging_walks_all_250_coupons_without_overlap_in_each_order(client, order_by, sort_order):
    pages = all_coupon_pages(client, order_by, sort_order)

    coupons = [coupon for page in pages for coupon in page]
    assert len(pages) == 25
    assert all(len(page) == PAGE for page in pages)
    assert len(coupons) == 250
    assert len({c.id for c in coupons}) == 250
    field = {"created_date": "issued_on", "valid_till": "valid_till"}.get(order_by)
    if field:
        values = [getattr(c, field) for c in coupons]
        assert values == sorted(values, reverse=sort_order == "desc")


def test_the_full_view_brings_three_pages_and_says_there_is_more(client):
    member = client.get_customer(identifier=demo("coupons"), query=FULL_VIEW)
    assert len(member.coupons or ()) == 31


@pytest.mark.parametrize(
    ("status", "expected"),
    [("redeemed", CouponStatus.REDEEMED), ("expired", CouponStatus.EXPIRED)],
)
def test_a_status_filter_pages_only_coupons_of_that_status(client, status, expected):
    coupons = [c for page in all_coupon_pages(client, "created_date", "desc", status) for c in page]
    assert 0 < len(coupons) < 250
    assert {c.status for c in coupons} == {expected}


# --- capillary_check -----------------------------------------------------------------------------


def test_capillary_check_says_ok_against_the_sandbox(sandbox_url):
    out = StringIO()
    with override_settings(CAPILLARY_BASE_URL=sandbox_url):
        call_command("capillary_check", stdout=out)
    assert out.getvalue().startswith("OK: ")
