"""Masking keeps enough to recognise a caller and no more."""

import unicodedata
from dataclasses import replace

import pytest

from membercare.access.capabilities import Cap
from membercare.access.masking import initials, mask_email, mask_mobile, visible_record
from membercare.access.policy import Viewer
from membercare.capillary.types import Card, Customer, Field, FraudDetails


def customer() -> Customer:
    return Customer(
        user_id=1,
        firstname="Ada",
        lastname="Lovelace",
        mobile="919800000002",
        email="ada.lovelace@example.com",
        external_id="EXT-12345",
        cards=(Card("7100000000000002", "CX-9", "Gold", "ACTIVE", None, None),),
        custom_fields=(Field("dob", "1990-12-10"),),
        fraud=FraudDetails(status="CONFIRMED", reason="chargebacks"),
    )


@pytest.mark.parametrize(
    ("value", "masked"),
    [("919800000002", "••••••••0002"), ("12345", "•••45"), ("", ""), (None, None)],
)
def test_mobile_keeps_its_last_digits(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("ada.lovelace@example.com", "a•••@example.com"), ("nodomain", "n•••"), (None, None)],
)
def test_email_keeps_its_first_letter_and_domain(value, masked):
    assert mask_email(value) == masked


RLM = "\u200f"


def test_names_become_initials_in_any_script():
    assert initials("Ada", "Lovelace") == ("A.", "L.")
    assert initials("  Ada ", "de Morgan") == ("A.", "d.")
    assert initials("", None) == ("", "")


@pytest.mark.parametrize(
    ("first", "last", "masked"),
    [
        # Arabic: the family name's article is not its initial (الحسيني is ح., not ا.), joined or
        # apart; a given name keeps its first letter, article-like or not (الهام, Ilham).
        ("فاطمة", "الحسيني", ("ف." + RLM, "ح." + RLM)),
        ("محمد", "آل سعود", ("م." + RLM, "س." + RLM)),
        ("الهام", "علي", ("ا." + RLM, "ع." + RLM)),
        # Chinese, Japanese, Korean: the first character, and a dot rather than a period.
        ("小明", "王", ("小•", "王•")),
        ("太郎", "山田", ("太•", "山•")),
        ("민준", "김", ("민•", "김•")),
    ],
)
def test_initials_are_marked_as_the_names_script_marks_them(first, last, masked):
    assert initials(first, last) == masked


def test_masked_arabic_initials_keep_each_period_beside_its_letter_in_any_paragraph():
    record = visible_record(
        replace(customer(), firstname="فاطمة", lastname="الحسيني"), Viewer(frozenset({Cap.LOOKUP}))
    )
    # Each period is followed by a right-to-left mark, so the neutral period belongs to the
    # Arabic run even in a left-to-right page: it never drifts to the far end (ا .ف.).
    assert record.full_name == f"ف.{RLM} ح.{RLM}"
    assert all(unicodedata.bidirectional(c) in ("AL", "R", "CS", "WS") for c in record.full_name)


def test_masked_chinese_names_show_the_family_name_first_without_a_space():
    record = visible_record(
        replace(customer(), firstname="小明", lastname="王"), Viewer(frozenset({Cap.LOOKUP}))
    )
    assert record.full_name == "王•小•"


def test_a_viewer_without_contact_capability_gets_no_raw_contact_value():
    record = visible_record(customer(), Viewer(frozenset({Cap.LOOKUP, Cap.FRAUD})))
    text = repr(record)
    for secret in (
        "Lovelace",
        "919800000002",
        "ada.lovelace@",
        "EXT-12345",
        "7100000000000002",
        "1990-12-10",
    ):
        assert secret not in text
    assert record.full_name == "A. L."
    assert record.fraud.status == "CONFIRMED"


def test_a_revealed_field_is_shown_for_that_view_only():
    viewer = Viewer(frozenset({Cap.LOOKUP, Cap.REVEAL}))
    record = visible_record(customer(), viewer, revealed=frozenset({"email"}))
    assert record.email == "ada.lovelace@example.com"
    assert record.mobile == "••••••••0002"
    assert visible_record(customer(), viewer).email == "a•••@example.com"


def test_parts_a_viewer_lacks_are_removed_from_the_record():
    record = visible_record(customer(), Viewer(frozenset({Cap.LOOKUP})))
    assert record.fraud.status == ""
    assert record.coupons is None
    assert record.transactions is None
    assert record.programs is None


def test_store_manager_keeps_only_store_filtered_transactions():
    with_store = Viewer(frozenset({Cap.LOOKUP, Cap.STORE_TRANSACTIONS}), store_code="north_store")
    without_store = Viewer(frozenset({Cap.LOOKUP, Cap.STORE_TRANSACTIONS}))
    assert with_store.transaction_scope == "north_store"
    assert without_store.transaction_scope is None


def test_contact_capability_sees_everything_unmasked():
    record = visible_record(customer(), Viewer(frozenset(Cap)))
    assert record == customer()
