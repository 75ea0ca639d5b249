"""What an agent types becomes exactly one valid identifier, or a message, before any HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from membercare.capillary.errors import CapillaryError, InvalidIdentifier
from membercare.capillary.identifiers import (
    Identifier,
    IdentifierKind,
    detect_kind,
    parse_identifier,
    to_ascii,
)
from membercare.capillary.query import CustomerQuery

from .conftest import GET_URL, envelope, failed_item, make_client

EMAIL = IdentifierKind.EMAIL
MOBILE = IdentifierKind.MOBILE
CARD = IdentifierKind.CARD_NUMBER
EXTERNAL = IdentifierKind.EXTERNAL_ID
USER_ID = IdentifierKind.USER_ID
CARD_EXTERNAL = IdentifierKind.CARD_EXTERNAL_ID
_NARROW = CustomerQuery(embed=frozenset({"user_id"}), coupon_limit=0)


def test_every_kind_has_a_human_label_and_names_its_query_parameter():
    assert {kind: kind.label for kind in IdentifierKind} == {
        MOBILE: "Mobile",
        EMAIL: "Email",
        EXTERNAL: "External ID",
        USER_ID: "User ID",
        CARD: "Card number",
        CARD_EXTERNAL: "Card external ID",
    }
    assert [kind.value for kind in IdentifierKind] == [
        "mobile",
        "email",
        "external_id",
        "id",
        "card_number",
        "card_external_id",
    ]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("demo.gold@example.com", EMAIL),
        ("  Someone@Example.COM ", EMAIL),
        ("+44 7700 900000", MOBILE),
        ("0044 7700 900000", MOBILE),
        ("(98000) 00001", MOBILE),
        ("919800000001", MOBILE),
        ("98000-00001", MOBILE),
        ("8613800000015", MOBILE),
        ("7100 0000 0000 0001", CARD),
        ("7100000000000001234", CARD),
        ("DEMO-GOLD", EXTERNAL),
        ("ts1234", EXTERNAL),
        # Short numbers are as likely user ids as mobiles: no guess, the agent chooses.
        ("50000001", None),
        ("12345", None),
        ("12345678901234567890", None),
        ("", None),
        ("   ", None),
        ("two words", None),
    ],
)
def test_detect_kind_guesses_by_the_documented_rules(raw, kind):
    assert detect_kind(raw) == kind


def test_user_id_and_card_external_id_are_never_guessed():
    guesses = {detect_kind(raw) for raw in ["50000001", "1", "CARD-GOLD", "7100000000000001"]}
    assert USER_ID not in guesses
    assert CARD_EXTERNAL not in guesses


@pytest.mark.parametrize(
    ("raw", "kind", "dial_code", "expected"),
    [
        (" Demo.Gold@Example.COM ", None, "", Identifier(EMAIL, "demo.gold@example.com")),
        (
            "o'neil+care@mail.example.co.uk",
            EMAIL,
            "",
            Identifier(EMAIL, "o'neil+care@mail.example.co.uk"),
        ),
        ("+91 98000-00001", None, "", Identifier(MOBILE, "919800000001")),
        ("0091 (98000) 00001", None, "", Identifier(MOBILE, "919800000001")),
        ("+91.98000.00001", MOBILE, "91", Identifier(MOBILE, "919800000001")),
        ("98000 00001", None, "91", Identifier(MOBILE, "919800000001")),
        ("098000 00001", MOBILE, "91", Identifier(MOBILE, "919800000001")),
        ("050 123 4567", MOBILE, "971", Identifier(MOBILE, "971501234567")),
        ("9800000001", None, "", Identifier(MOBILE, "9800000001")),
        ("919800000001", None, "91", Identifier(MOBILE, "919800000001")),
        ("44700900000", MOBILE, "", Identifier(MOBILE, "44700900000")),
        ("7100 0000 0000 0001", None, "", Identifier(CARD, "7100000000000001")),
        ("ab-12 cd", CARD, "", Identifier(CARD, "AB12CD")),
        ("DEMO-GOLD", None, "", Identifier(EXTERNAL, "DEMO-GOLD")),
        ("  ts1234 ", EXTERNAL, "", Identifier(EXTERNAL, "ts1234")),
        ("CARD-GOLD", CARD_EXTERNAL, "", Identifier(CARD_EXTERNAL, "CARD-GOLD")),
        ("50000001", USER_ID, "", Identifier(USER_ID, "50000001")),
        ("7", USER_ID, "", Identifier(USER_ID, "7")),
    ],
)
def test_parse_identifier_normalises_each_kind(raw, kind, dial_code, expected):
    assert parse_identifier(raw, kind, dial_code=dial_code) == expected


@pytest.mark.parametrize(
    ("raw", "kind", "message"),
    [
        ("demo.gold@example", None, "That doesn't look like an email address."),
        ("a@@example.com", EMAIL, "That doesn't look like an email address."),
        ("first..last@example.com", EMAIL, "That doesn't look like an email address."),
        (".first@example.com", EMAIL, "That doesn't look like an email address."),
        ("ünïcode@example.com", EMAIL, "That doesn't look like an email address."),
        ("a" * 65 + "@example.com", EMAIL, "That doesn't look like an email address."),
        ("a@b.com\nb@c.com", EMAIL, "That doesn't look like an email address."),
        ("12345", MOBILE, "That doesn't look like a mobile number."),
        ("+0 98000 00001", None, "That doesn't look like a mobile number."),
        ("1234567890123456", MOBILE, "That doesn't look like a mobile number."),
        ("98000\t00001", MOBILE, "That doesn't look like a mobile number."),
        ("٩٨٠٠٠", MOBILE, "That doesn't look like a mobile number."),
        ("٩٨٠٠٠٠٠٠٠٠١٢٣٤٥٦", MOBILE, "That doesn't look like a mobile number."),
        ("12-34", CARD, "That doesn't look like a card number."),
        ("7100*0000", CARD, "That doesn't look like a card number."),
        ("has space", EXTERNAL, "That doesn't look like an external ID."),
        ("x" * 65, EXTERNAL, "That doesn't look like an external ID."),
        ("a&b=c", EXTERNAL, "That doesn't look like an external ID."),
        ("card;1", CARD_EXTERNAL, "That doesn't look like a card external ID."),
        ("0123", USER_ID, "A user ID is a number of up to 12 digits, without a leading zero."),
        (
            "1234567890123",
            USER_ID,
            "A user ID is a number of up to 12 digits, without a leading zero.",
        ),
        ("-5", USER_ID, "A user ID is a number of up to 12 digits, without a leading zero."),
        (
            "a@example.com,b@example.com",
            None,
            "Look up one identifier at a time: remove the comma.",
        ),
        ("9800000001,9800000002", MOBILE, "Look up one identifier at a time: remove the comma."),
        ("", None, "Enter an identifier to look up."),
        (" \t ", EMAIL, "Enter an identifier to look up."),
        ("x" * 257, None, "That is too long to be an identifier."),
        ("50000001", None, "We couldn't tell what kind of identifier that is; choose one."),
    ],
)
def test_parse_identifier_refuses_with_a_message_fit_for_an_agent(raw, kind, message):
    with pytest.raises(InvalidIdentifier) as caught:
        parse_identifier(raw, kind)
    assert caught.value.message == message
    assert caught.value.kind == kind or kind is None
    assert caught.value.request_id is None


def test_an_invalid_email_says_it_is_about_email():
    with pytest.raises(InvalidIdentifier) as caught:
        parse_identifier("nobody@nowhere")
    assert caught.value.kind is EMAIL


def test_a_bad_dial_code_is_a_settings_mistake_not_an_agent_one():
    with pytest.raises(ValueError, match="dial_code"):
        parse_identifier("98000 00001", MOBILE, dial_code="+91")


# --- Properties ----------------------------------------------------------------------------------

KINDS = st.sampled_from([None, *IdentifierKind])
DIAL_CODES = st.sampled_from(["", "91", "1", "971", "86"])
SEPARATED_DIGITS = st.lists(
    st.tuples(
        st.text("0123456789", min_size=1, max_size=5),
        st.sampled_from(["", " ", "-", ".", "(", ")"]),
    ),
    max_size=6,
).map(lambda parts: "".join(digits + sep for digits, sep in parts))
# Plausible inputs (so valid paths are exercised), mixed with anything at all.
RAW = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="ascii"), max_size=300),
    st.emails().map(lambda e: f"  {e.upper()} "),
    st.sampled_from(["+", "00", "0", ""]).flatmap(lambda p: SEPARATED_DIGITS.map(lambda d: p + d)),
    st.from_regex(r"[A-Za-z0-9._:@/#+~=, -]{1,70}", fullmatch=True),
    st.from_regex(r"[+＋]?[0-9٠-٩۰-۹０-９ 　-]{1,20}", fullmatch=True),
)


def _parse(raw, kind, dial_code):
    try:
        return parse_identifier(raw, kind, dial_code=dial_code)
    except InvalidIdentifier:
        return None


@pytest.mark.parametrize(
    ("raw", "kind", "dial_code", "expected"),
    [
        # Arabic-Indic digits, as a Gulf agent's keyboard types them.
        ("+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", None, "", Identifier(MOBILE, "971501234567")),
        ("٠٥٠ ١٢٣ ٤٥٦٧", MOBILE, "971", Identifier(MOBILE, "971501234567")),
        # Extended Arabic-Indic (Persian, Urdu) digits.
        ("۰۰۹۷۱۵۰۱۲۳۴۵۶۷", None, "", Identifier(MOBILE, "971501234567")),
        # Full-width digits and plus sign, from a Chinese or Japanese input method.
        ("＋８６ １３８－００００－００１５", None, "", Identifier(MOBILE, "8613800000015")),
        ("９８０００　００００２", None, "91", Identifier(MOBILE, "919800000002")),
        ("７１００ ００００ ００００ ０００２", None, "", Identifier(CARD, "7100000000000002")),
        (
            "ｄｅｍｏ．ｇｏｌｄ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            None,
            "",
            Identifier(EMAIL, "demo.gold@example.com"),
        ),
        ("５００００００２", USER_ID, "", Identifier(USER_ID, "50000002")),
        # Digits mixed across scripts, and the direction marks a number copied from RTL text has.
        ("\u200f+٩٧١ 50 ۱۲۳ ４５６７\u200e", None, "", Identifier(MOBILE, "971501234567")),
        ("\u2066+971501234567\u2069", None, "", Identifier(MOBILE, "971501234567")),
    ],
)
def test_digits_and_plus_signs_of_other_scripts_read_as_ascii_ones(raw, kind, dial_code, expected):
    assert parse_identifier(raw, kind, dial_code=dial_code) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", MOBILE),
        ("۹۸۰۰۰۰۰۰۰۰۲", MOBILE),
        ("＋９１９８０００００００２", MOBILE),
        ("７１００００００００００００００２", CARD),
        ("ａ＠ｅｘａｍｐｌｅ．ｃｏｍ", EMAIL),
        ("ＤＥＭＯ－ＧＯＬＤ", EXTERNAL),
        ("٥٠٠٠", None),  # four digits: as ambiguous as "5000"
    ],
)
def test_detect_kind_reads_other_scripts_digits_as_ascii_ones(raw, kind):
    assert detect_kind(raw) is kind


def test_letters_of_other_scripts_are_left_alone_and_refused_where_ascii_is_needed():
    assert to_ascii("王小明 فاطمة") == "王小明 فاطمة"
    with pytest.raises(InvalidIdentifier):
        parse_identifier("王小明", EXTERNAL)


@given(raw=RAW, kind=KINDS, dial_code=DIAL_CODES)
@example(raw="a@b.co,c@d.co", kind=None, dial_code="")
@example(raw="\x00", kind=EXTERNAL, dial_code="")
@example(raw="+٣", kind=None, dial_code="")
def test_no_input_crashes_parsing_and_each_result_is_one_clean_identifier(raw, kind, dial_code):
    assert detect_kind(raw) in {None, *IdentifierKind}
    result = _parse(raw, kind, dial_code)  # anything but InvalidIdentifier fails the test
    if result is None:
        return
    assert type(result) is Identifier
    assert kind is None or result.kind is kind
    assert "," not in result.value
    assert result.value
    assert result.value.isascii()
    assert all(char.isprintable() and not char.isspace() for char in result.value)
    assert len(result.value) <= 254


@given(raw=RAW, kind=KINDS, dial_code=DIAL_CODES)
def test_normalisation_is_idempotent(raw, kind, dial_code):
    result = _parse(raw, kind, dial_code)
    if result is not None:
        # A normalised value already carries its country code: re-parsed without a dial code.
        assert parse_identifier(result.value, result.kind) == result


@given(raw=RAW, kind=st.sampled_from(list(IdentifierKind)))
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_invalid_input_reaches_http_and_a_valid_one_is_sent_alone(raw, kind):
    """Even an Identifier built by hand (skipping parse_identifier) is checked before the URL."""
    expected = _parse(raw, kind, "")
    client = make_client(retries=0)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(GET_URL, json=envelope(failed_item({}, 1012), code=500))
        if expected is None:
            with pytest.raises(InvalidIdentifier):
                client.get_customer(identifier=Identifier(kind, raw), query=_NARROW)
        else:
            with pytest.raises(CapillaryError):  # the mock answers "not found"
                client.get_customer(identifier=Identifier(kind, raw), query=_NARROW)
        if expected is None:
            assert len(mock.calls) == 0
        else:
            assert len(mock.calls) == 1
            sent = parse_qs(urlsplit(str(mock.calls[0].request.url)).query)[kind.value]
            assert sent == [expected.value]
    client.close()
