"""The client against recorded answers, mocked only at the HTTP boundary with `responses`.

Every item and HTTP code of CONTRACT.md section 3 maps to its result or error; retries happen only
where the contract makes them safe; headers and parameters are what Capillary documents.
"""

import base64
import hashlib
import json
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from urllib3.util.retry import Retry

from membercare.capillary import transport
from membercare.capillary.errors import (
    BatchTooLarge,
    CapillaryError,
    ConfigurationError,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
    MalformedResponse,
    NoPermission,
    RateLimited,
    Unavailable,
)
from membercare.capillary.identifiers import Identifier, IdentifierKind, parse_identifier
from membercare.capillary.query import FULL_VIEW, CustomerQuery, coupons_page
from membercare.capillary.transport import CapillaryBasicAuth, retry_policy
from membercare.capillary.types import Customer

from .conftest import (
    GET_URL,
    PASSWORD,
    USERNAME,
    envelope,
    failed_item,
    full_view_item,
    make_client,
    pickled,
    recorded,
)

GOLD = Identifier(IdentifierKind.EMAIL, "demo.gold@example.com")
NOBODY = Identifier(IdentifierKind.EMAIL, "nobody@example.com")
NARROW = CustomerQuery(embed=frozenset({"user_id"}), coupon_limit=0)
REQUEST_ID = {"X-Cap-Requestid": "req-7f3a"}


def sent_params(call) -> dict[str, str]:
    query = parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)
    return {name: values[0] for name, values in query.items()}


def answer_not_found(rsps, *, status=500):
    rsps.get(
        GET_URL,
        json=envelope(failed_item({"email": NOBODY.value}, 1012), code=status),
        status=status,
        headers=REQUEST_ID,
    )


# --- What is sent --------------------------------------------------------------------------------


def test_it_authenticates_the_capillary_way_with_the_md5_of_the_password(client, rsps):
    answer_not_found(rsps)
    with pytest.raises(CustomerNotFound):
        client.get_customer(identifier=NOBODY, query=NARROW)

    digest = hashlib.md5(PASSWORD.encode()).hexdigest()  # noqa: S324 - Capillary's scheme
    token = base64.b64encode(f"{USERNAME}:{digest}".encode()).decode()
    assert rsps.calls[0].request.headers["Authorization"] == f"Basic {token}"


def test_the_auth_header_matches_capillarys_documented_example():
    # http://developer.capillarytech.com/.../4000154029-basic-authentication
    request = CapillaryBasicAuth("store.server", "server123")(
        requests.Request("GET", "https://eu.api.capillarytech.com/").prepare()
    )
    assert request.headers["Authorization"] == (
        "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
    )
    assert "server123" not in repr(CapillaryBasicAuth("store.server", "server123"))


def test_it_sends_accept_user_agent_country_code_and_the_language_asked_for(client, rsps):
    answer_not_found(rsps)
    with pytest.raises(CustomerNotFound):
        client.get_customer(identifier=NOBODY, query=NARROW, language="zh")
    with pytest.raises(CustomerNotFound):
        client.get_customer(identifier=NOBODY, query=NARROW)

    with_language, without = (call.request.headers for call in rsps.calls)
    assert with_language["Accept"] == "application/json"
    assert with_language["User-Agent"].startswith("membercare/")
    assert with_language["X-CAP-CLIENT-COUNTRYCODE"] == "IN"
    assert with_language["language"] == "zh"
    assert "language" not in without


def test_it_sends_no_country_code_header_when_none_is_configured(rsps):
    answer_not_found(rsps)
    with pytest.raises(CustomerNotFound):
        make_client(country_code="").get_customer(identifier=NOBODY, query=NARROW)
    assert "X-CAP-CLIENT-COUNTRYCODE" not in rsps.calls[0].request.headers


def test_a_language_that_could_smuggle_a_header_is_refused_before_http(client, rsps):
    with pytest.raises(ValueError, match="language"):
        client.get_customer(identifier=GOLD, query=NARROW, language="en\r\nX-Evil: 1")
    assert len(rsps.calls) == 0


def test_the_full_view_sends_every_flag_and_format_json(client, rsps):
    rsps.get(GET_URL, json=recorded("full-view-gold.json"))
    client.get_customer(identifier=GOLD, query=FULL_VIEW)

    assert sent_params(rsps.calls[0]) == {
        "email": "demo.gold@example.com",
        "format": "json",
        **FULL_VIEW.params(),
    }
    assert sent_params(rsps.calls[0])["registered_store"] == "true"


def test_a_narrow_query_sends_the_default_on_flags_as_false(client, rsps):
    rsps.get(GET_URL, json=recorded("full-view-gold.json"))
    client.get_customer(identifier=GOLD, query=coupons_page(limit=11, offset=10, sort_order="asc"))

    params = sent_params(rsps.calls[0])
    assert {k: params[k] for k in ("registered_store", "registered_till", "fraud_details")} == {
        "registered_store": "false",
        "registered_till": "false",
        "fraud_details": "false",
    }
    assert (params["coupon_limit"], params["coupon_offset"], params["coupon_sort_order"]) == (
        "11",
        "10",
        "asc",
    )
    assert "mlp" not in params


def test_each_identifier_kind_is_sent_under_its_own_parameter(client, rsps):
    rsps.get(GET_URL, json=recorded("full-view-gold.json"))
    for kind, value in [
        (IdentifierKind.MOBILE, "919800000002"),
        (IdentifierKind.EXTERNAL_ID, "DEMO-GOLD"),
        (IdentifierKind.USER_ID, "50000002"),
        (IdentifierKind.CARD_NUMBER, "7100000000000002"),
        (IdentifierKind.CARD_EXTERNAL_ID, "CARD-GOLD"),
    ]:
        customer = client.get_customer(identifier=Identifier(kind, value), query=NARROW)
        assert customer.user_id == 50000002
        assert sent_params(rsps.calls[-1])[kind.value] == value


# --- Item codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (816, CustomerNotFound),
        (1011, CustomerNotFound),
        (1012, CustomerNotFound),
        (8109, CustomerDeleted),
        (1042, InvalidIdentifier),
        (400, InvalidIdentifier),
        (1015, InvalidIdentifier),
        (1044, NoPermission),
        (1060, BatchTooLarge),
    ],
)
def test_each_failing_item_code_raises_its_error_with_the_request_id(client, rsps, code, error):
    rsps.get(
        GET_URL,
        json=envelope(failed_item({"email": NOBODY.value}, code, "says who"), code=500),
        status=500,
        headers=REQUEST_ID,
    )
    with pytest.raises(error) as caught:
        client.get_customer(identifier=NOBODY, query=NARROW)

    assert type(caught.value) is error
    assert (caught.value.code, caught.value.request_id) == (code, "req-7f3a")
    assert "says who" not in caught.value.message  # our words, not Capillary's
    if isinstance(caught.value, InvalidIdentifier):
        assert caught.value.kind is IdentifierKind.EMAIL
    assert len(rsps.calls) == 1  # a 500 that is an envelope is an answer: never retried


def test_a_deleted_member_is_told_apart_from_a_missing_one(client, rsps):
    rsps.get(GET_URL, json=envelope(failed_item({"email": NOBODY.value}, 8109), code=500))
    with pytest.raises(CustomerDeleted) as caught:
        client.get_customer(identifier=NOBODY, query=NARROW)
    assert caught.value.message == "This member was deleted after a PII delete request."


def test_an_unknown_failing_item_code_is_a_plain_capillary_error_keeping_the_code(client, rsps):
    rsps.get(GET_URL, json=envelope(failed_item({"email": NOBODY.value}, 9999), code=500))
    with pytest.raises(CapillaryError) as caught:
        client.get_customer(identifier=NOBODY, query=NARROW)
    assert type(caught.value) is CapillaryError
    assert caught.value.code == 9999


def test_a_merged_account_returns_the_survivor_as_a_member(client, rsps):
    rsps.get(GET_URL, json=recorded("merged.json"), headers=REQUEST_ID)
    asked = Identifier(IdentifierKind.USER_ID, "50000009")

    survivor = client.get_customer(identifier=asked, query=FULL_VIEW)

    assert (survivor.user_id, survivor.merged_from) == (50000010, "50000009")
    assert survivor.item.code == 91009
    assert survivor.request_id == "req-7f3a"


def test_a_merged_account_asked_by_email_pairs_the_only_answer_with_the_only_question(client, rsps):
    rsps.get(GET_URL, json=recorded("merged.json"))
    survivor = client.get_customer(
        identifier=Identifier(IdentifierKind.EMAIL, "demo.merged@example.com"), query=NARROW
    )
    assert survivor.email == "demo.survivor@example.com"


@pytest.mark.parametrize(
    ("code", "warning"),
    [(1000, 618), (1000, 91012), (91001, None), (91002, None), (91011, None), (91013, 91014)],
)
def test_partial_data_and_warnings_still_give_the_member(client, rsps, code, warning):
    item = full_view_item()
    if code == 91001:
        del item["points_summaries"]
    warnings = [{"code": warning, "message": "..."}] if warning else []
    item["item_status"] = {"success": "true", "code": code, "message": "", "warnings": warnings}
    rsps.get(GET_URL, json=envelope(item))

    customer = client.get_customer(identifier=GOLD, query=FULL_VIEW)

    assert customer.item.code == code
    assert [w.code for w in customer.warnings] == ([warning] if warning else [])
    if code == 91001:
        assert customer.programs is None  # "not available", the rest still shown


def test_a_fraud_item_that_says_failed_but_carries_the_member_shows_the_member(client, rsps):
    item = full_view_item() | {"fraud_details": {"status": "CONFIRMED"}}
    item["item_status"] = {"success": "false", "code": 618, "message": "Customer marked as fraud"}
    rsps.get(GET_URL, json=envelope(item))

    customer = client.get_customer(identifier=GOLD, query=FULL_VIEW)

    assert customer.fraud.is_flagged
    assert customer.item.code == 618


# --- HTTP codes ----------------------------------------------------------------------------------


def test_401_is_a_configuration_error_about_credentials(client, rsps):
    rsps.get(GET_URL, json=recorded("error-401.json"), status=401, headers=REQUEST_ID)
    with pytest.raises(ConfigurationError) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)
    assert (caught.value.code, caught.value.http_status) == (401, 401)
    assert caught.value.request_id == "req-7f3a"
    assert "credentials" in caught.value.message


def test_401_in_the_body_of_a_200_is_a_configuration_error_too(client, rsps):
    rsps.get(GET_URL, json=recorded("error-401.json"))
    with pytest.raises(ConfigurationError):
        client.get_customer(identifier=GOLD, query=NARROW)


@pytest.mark.parametrize("body", [recorded("error-403-4000.json"), None])
def test_403_means_the_tills_access_group_lacks_customer_read(client, rsps, body):
    rsps.get(GET_URL, json=body, status=403, headers=REQUEST_ID)
    with pytest.raises(ConfigurationError) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)
    assert caught.value.code == (4000 if body else 403)
    assert "Customer read" in caught.value.message
    assert len(rsps.calls) == 1


def test_503_with_error_code_4001_is_retried_then_unavailable(client, rsps):
    rsps.get(GET_URL, json=recorded("error-503-4001.json"), status=503, headers=REQUEST_ID)
    with pytest.raises(Unavailable) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)
    assert caught.value.retryable
    assert (caught.value.code, caught.value.request_id) == (4001, "req-7f3a")
    assert len(rsps.calls) == 3  # the first try and two retries


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("30", 30), ("Wed, 21 Oct 2099 07:28:00 GMT", None), ("soon", None), (None, None)],
)
def test_429_raises_rate_limited_at_once_with_retry_after(client, rsps, retry_after, expected):
    headers = REQUEST_ID | ({"Retry-After": retry_after} if retry_after else {})
    rsps.get(GET_URL, status=429, headers=headers, body="")
    started = time.monotonic()

    with pytest.raises(RateLimited) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)

    assert time.monotonic() - started < 1  # never sleeps on it
    assert len(rsps.calls) == 1  # never retried
    assert caught.value.request_id == "req-7f3a"
    if expected is not None or retry_after is None or retry_after == "soon":
        assert caught.value.retry_after == expected
    else:
        assert caught.value.retry_after is not None
        assert caught.value.retry_after > 60 * 60 * 24 * 365  # an HTTP date, far ahead


@pytest.mark.parametrize(
    ("status", "body", "calls"),
    [
        (500, "Internal Server Error", 1),
        (500, '{"error": "boom"}', 1),
        (500, "", 1),
        (502, recorded("gateway.html"), 3),
        (504, "", 3),
    ],
)
def test_5xx_that_is_not_an_envelope_is_an_outage(client, rsps, status, body, calls):
    rsps.get(GET_URL, status=status, body=body, headers=REQUEST_ID)
    with pytest.raises(Unavailable) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)
    assert caught.value.http_status == status
    assert len(rsps.calls) == calls


@pytest.mark.parametrize(
    "body",
    [
        recorded("gateway.html"),
        json.dumps(recorded("full-view-gold.json"))[:500],  # truncated
        "",
        "[1, 2, 3]",
        '{"customers": "none"}',
        '{"hello": "world"}',
        json.dumps(envelope()),  # no item for the one identifier asked
        b"\xff\xfe\x00garbage",
    ],
    ids=["html", "truncated", "empty", "list", "wrong-customers", "unrelated", "no-items", "bytes"],
)
def test_a_200_that_is_not_a_usable_answer_is_malformed_and_never_shown(client, rsps, body):
    rsps.get(GET_URL, status=200, body=body, headers=REQUEST_ID)
    with pytest.raises(MalformedResponse) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)
    assert caught.value.request_id == "req-7f3a"
    assert "<html>" not in caught.value.message


def test_400_with_no_items_is_an_invalid_identifier(client, rsps):
    rsps.get(GET_URL, json=recorded("error-400.json"), status=400)
    with pytest.raises(InvalidIdentifier):
        client.get_customer(identifier=GOLD, query=NARROW)


@pytest.mark.parametrize("status", [301, 302, 404, 405])
def test_redirects_and_missing_endpoints_mean_a_wrong_base_url_and_are_not_followed(
    client, rsps, status
):
    rsps.get(GET_URL, status=status, headers={"Location": "https://elsewhere.test/login"})
    with pytest.raises(ConfigurationError, match="CAPILLARY_BASE_URL"):
        client.get_customer(identifier=GOLD, query=NARROW)
    assert len(rsps.calls) == 1


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (requests.ConnectTimeout(), "could not be reached in time"),
        (requests.ReadTimeout(), "did not answer in time"),
        (requests.ConnectionError(), "could not be reached"),
        (requests.exceptions.ChunkedEncodingError(), "broke during the answer"),
    ],
)
def test_transport_failures_are_unavailable(client, rsps, failure, message):
    rsps.get(GET_URL, body=failure)
    with pytest.raises(Unavailable, match=message):
        client.get_customer(identifier=GOLD, query=NARROW)


def test_a_transport_error_carries_no_chained_exception_holding_the_url(client, rsps):
    rsps.get(
        GET_URL, body=requests.ConnectionError(f"Max retries exceeded with url: /?{GOLD.value}")
    )
    with pytest.raises(Unavailable) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert GOLD.value not in str(caught.value)


# --- Retries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_then_an_answer_is_retried_to_the_answer(client, rsps, status):
    rsps.get(GET_URL, status=status, body="")
    rsps.get(GET_URL, json=recorded("full-view-gold.json"), headers=REQUEST_ID)

    customer = client.get_customer(identifier=GOLD, query=FULL_VIEW)

    assert customer.user_id == 50000002
    assert customer.request_id == "req-7f3a"
    assert len(rsps.calls) == 2


def test_retries_are_bounded_in_count(rsps):
    rsps.get(GET_URL, status=503, body="")
    with pytest.raises(Unavailable):
        make_client(retries=4).get_customer(identifier=GOLD, query=NARROW)
    assert len(rsps.calls) == 5


def test_no_retry_starts_once_the_time_budget_would_be_exceeded(rsps, monkeypatch):
    """Each failed attempt takes 0.6 s here; a retry may only start while a whole attempt
    (connect 0.5 + read 0.5 s) still fits in the 2 s budget, i.e. before t = 1.0 s."""
    now = [100.0]
    monkeypatch.setattr(transport, "_clock", lambda: now[0])

    def slow_gateway(request):
        now[0] += 0.6
        return (503, {}, "")

    rsps.add_callback(responses.GET, GET_URL, callback=slow_gateway)
    client = make_client(retries=10, retry_total_seconds=2.0, connect_timeout=0.5, read_timeout=0.5)

    with pytest.raises(Unavailable):
        client.get_customer(identifier=GOLD, query=NARROW)

    assert len(rsps.calls) == 2  # at t=0.6 a retry fits; at t=1.2 it would not
    assert now[0] == pytest.approx(101.2)


def test_with_no_time_budget_beyond_one_attempt_nothing_is_retried(rsps):
    rsps.get(GET_URL, status=503, body="")
    client = make_client(retries=5, retry_total_seconds=1.0, connect_timeout=0.5, read_timeout=0.5)
    with pytest.raises(Unavailable):
        client.get_customer(identifier=GOLD, query=NARROW)
    assert len(rsps.calls) == 1


def test_only_get_is_ever_retried_and_only_on_connect_errors_and_gateway_statuses():
    policy = retry_policy(2)
    assert policy.is_retry("GET", 503)
    assert not policy.is_retry("POST", 503)
    assert not policy.is_retry("GET", 500)
    assert not policy.is_retry("GET", 429, has_retry_after=True)
    assert policy.read is False  # a read timeout or reset is never retried
    assert isinstance(policy, Retry)
    assert not policy.respect_retry_after_header  # never sleeps for the server


# --- Bulk ----------------------------------------------------------------------------------------


def emails(*values: str) -> list[Identifier]:
    return [parse_identifier(value, IdentifierKind.EMAIL) for value in values]


def test_bulk_results_are_keyed_by_input_whatever_the_order_of_the_answer(client, rsps):
    rsps.get(GET_URL, json=recorded("bulk-mixed.json"), status=201, headers=REQUEST_ID)
    silver, nobody, fraud, deleted, restricted = asked = emails(
        "demo.silver@example.com",
        "nobody@example.com",
        "demo.fraud.confirmed@example.com",
        "demo.deleted@example.com",
        "demo.restricted@example.com",
    )

    results = client.get_customers(identifiers=asked, query=FULL_VIEW)

    assert list(results) == asked
    assert isinstance(results[silver], Customer)
    assert results[silver].user_id == 50000001  # echoed as "DEMO.Silver@Example.com"
    assert isinstance(results[fraud], Customer)
    assert results[fraud].fraud.status == "CONFIRMED"
    assert [w.code for w in results[fraud].warnings] == [618]
    assert isinstance(results[nobody], CustomerNotFound)
    assert isinstance(results[deleted], CustomerDeleted)
    assert isinstance(results[restricted], NoPermission)
    assert all(r.request_id == "req-7f3a" for r in results.values())
    assert sent_params(rsps.calls[0])["email"] == ",".join(i.value for i in asked)


def fake_capillary(known: dict[str, int], *, batch_limit: int = 100):
    """A responses callback answering any bulk call: known emails found, the rest not found."""

    def answer(request):
        asked = sent_params_of(request.url)["email"].split(",")
        if len(asked) > batch_limit:
            items = [failed_item({"email": value}, 1060) for value in asked]
            return (500, {}, json.dumps(envelope(*items, code=500)))
        items = [
            {
                "user_id": known[value],
                "email": value,
                "item_status": {"success": "true", "code": 1000},
            }
            if value in known
            else failed_item({"email": value}, 1012)
            for value in reversed(asked)  # deliberately not in the order asked
        ]
        return (201, {}, json.dumps(envelope(*items, code=201)))

    return answer


def sent_params_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def sent_batches(rsps) -> list[list[str]]:
    """The emails each bulk call asked for, call by call."""
    return [sent_params(call)["email"].split(",") for call in rsps.calls]


def found(results) -> dict[str, int | None]:
    """Each input's user id when it was found, None when it was not: the answer, by input."""
    return {
        identifier.value: result.user_id if isinstance(result, Customer) else None
        for identifier, result in results.items()
    }


def test_bulk_calls_are_chunked_by_batch_size(rsps):
    rsps.add_callback(responses.GET, GET_URL, callback=fake_capillary({"a@x.io": 1, "e@x.io": 5}))
    asked = emails("a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io")

    results = make_client(batch_size=2).get_customers(identifiers=asked, query=NARROW)

    assert sent_batches(rsps) == [["a@x.io", "b@x.io"], ["c@x.io", "d@x.io"], ["e@x.io"]]
    assert list(results) == asked
    assert found(results) == {
        "a@x.io": 1,
        "b@x.io": None,
        "c@x.io": None,
        "d@x.io": None,
        "e@x.io": 5,
    }
    assert [type(r).__name__ for r in results.values()] == [
        "Customer",
        "CustomerNotFound",
        "CustomerNotFound",
        "CustomerNotFound",
        "Customer",
    ]


def test_a_batch_refused_as_too_large_is_split_until_it_fits(rsps):
    known = {"a@x.io": 1, "d@x.io": 4}
    rsps.add_callback(responses.GET, GET_URL, callback=fake_capillary(known, batch_limit=2))
    asked = emails("a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io")

    results = make_client(batch_size=5).get_customers(identifiers=asked, query=NARROW)

    assert sent_batches(rsps) == [
        ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io"],  # 1060 on every item: split in two
        ["a@x.io", "b@x.io"],
        ["c@x.io", "d@x.io", "e@x.io"],  # still too large: split again
        ["c@x.io"],
        ["d@x.io", "e@x.io"],
    ]
    assert list(results) == asked
    assert found(results) == {
        "a@x.io": 1,
        "b@x.io": None,
        "c@x.io": None,
        "d@x.io": 4,
        "e@x.io": None,
    }
    not_found = [asked[1], asked[2], asked[4]]
    assert all(isinstance(results[identifier], CustomerNotFound) for identifier in not_found)


def test_a_duplicate_identifier_is_asked_for_once(client, rsps):
    rsps.add_callback(responses.GET, GET_URL, callback=fake_capillary({"a@x.io": 1}))
    first, again = emails("a@x.io", " A@X.io")
    results = client.get_customers(identifiers=[first, again], query=NARROW)
    assert sent_params(rsps.calls[0])["email"] == "a@x.io"
    assert list(results) == [first]  # equal identifiers are one key


def test_bulk_takes_one_kind_of_identifier_only(client, rsps):
    with pytest.raises(ValueError, match="one kind"):
        client.get_customers(
            identifiers=[GOLD, Identifier(IdentifierKind.USER_ID, "5")], query=NARROW
        )
    assert client.get_customers(identifiers=[], query=NARROW) == {}
    assert len(rsps.calls) == 0


def test_an_input_no_item_mentions_is_reported_as_a_malformed_answer(client, rsps):
    rsps.get(GET_URL, json=envelope(failed_item({"email": "someone.else@x.io"}, 1012)))
    asked = emails("a@x.io", "b@x.io")
    results = client.get_customers(identifiers=asked, query=NARROW)
    assert all(isinstance(r, MalformedResponse) for r in results.values())


def test_merged_members_in_bulk_by_user_id_match_on_merged_from(client, rsps):
    survivor = recorded("merged.json")["response"]["customers"]["customer"][0]
    other = {"user_id": "50000001", "item_status": {"success": "true", "code": 1000}}
    rsps.get(GET_URL, json=envelope(survivor, other))
    merged, silver = (Identifier(IdentifierKind.USER_ID, v) for v in ("50000009", "50000001"))

    results = client.get_customers(identifiers=[silver, merged], query=NARROW)

    assert results[merged].user_id == 50000010
    assert results[silver].user_id == 50000001


def test_card_lookups_match_on_the_cards_a_member_carries(client, rsps):
    rsps.get(GET_URL, json=recorded("full-view-gold.json"))
    card = Identifier(IdentifierKind.CARD_NUMBER, "7100000000000002")
    other = Identifier(IdentifierKind.CARD_NUMBER, "7100000000000099")

    results = client.get_customers(identifiers=[other, card], query=FULL_VIEW)

    assert isinstance(results[card], Customer)
    assert isinstance(results[other], MalformedResponse)


def test_a_failed_chunk_fails_only_its_own_members(rsps):
    rsps.get(GET_URL, json=envelope(full_view_item()))
    rsps.get(GET_URL, status=503, body="")
    asked = emails("demo.gold@example.com", "b@x.io")

    results = make_client(batch_size=1, retries=0).get_customers(identifiers=asked, query=NARROW)

    assert isinstance(results[asked[0]], Customer)
    assert isinstance(results[asked[1]], Unavailable)


def test_after_a_429_no_further_chunk_is_attempted(rsps):
    rsps.get(GET_URL, status=429, headers={"Retry-After": "12"}, body="")
    asked = emails("a@x.io", "b@x.io", "c@x.io")

    results = make_client(batch_size=1).get_customers(identifiers=asked, query=NARROW)

    assert len(rsps.calls) == 1
    assert {r.retry_after for r in results.values()} == {12}  # type: ignore[union-attr]


def test_bad_credentials_in_bulk_raise_since_nothing_can_succeed(client, rsps):
    rsps.get(GET_URL, status=401, body="")
    with pytest.raises(ConfigurationError):
        client.get_customers(identifiers=emails("a@x.io", "b@x.io"), query=NARROW)


def test_a_hand_built_identifier_holding_a_comma_never_becomes_a_bulk_call(client, rsps):
    sneaky = Identifier(IdentifierKind.EMAIL, "a@x.io,b@x.io")
    with pytest.raises(InvalidIdentifier):
        client.get_customer(identifier=sneaky, query=NARROW)
    assert len(rsps.calls) == 0


# --- No personal data in logs or errors ----------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "json": envelope(failed_item({"email": GOLD.value}, 1012), code=500)},
        {"status": 503, "body": ""},
        {"status": 200, "body": "<html>oops</html>"},
        {"status": 429, "body": ""},
        {"body": requests.ConnectionError(f"url: /v1.1/customer/get?email={GOLD.value}")},
    ],
)
def test_failures_are_logged_with_request_id_and_kind_but_never_the_identifier(
    client, rsps, caplog, answer
):
    rsps.get(GET_URL, headers=REQUEST_ID, **answer)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(CapillaryError) as caught:
        client.get_customer(identifier=GOLD, query=NARROW)

    assert GOLD.value not in caplog.text
    assert "demo.gold" not in caplog.text
    assert "?" not in caplog.text
    assert GOLD.value not in str(caught.value) + repr(caught.value)
    if not isinstance(caught.value, CustomerNotFound):
        assert "kind=email" in caplog.text


def test_errors_survive_pickling_with_their_attributes():
    limited = pickled(RateLimited(retry_after=30, request_id="r-1"))
    invalid = pickled(InvalidIdentifier("Nope.", kind=IdentifierKind.EMAIL))
    assert (limited.retry_after, limited.request_id, limited.message) == (
        30,
        "r-1",
        RateLimited.default_message,
    )
    assert (invalid.kind, invalid.message, str(invalid)) == (IdentifierKind.EMAIL, "Nope.", "Nope.")


def test_a_client_without_base_url_or_credentials_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="CAPILLARY_BASE_URL"):
        make_client(base_url="")
    with pytest.raises(ConfigurationError, match="CAPILLARY_USERNAME"):
        make_client(password="")
