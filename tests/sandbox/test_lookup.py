"""The endpoint: auth, identifiers, bulk, item codes and the envelope (CONTRACT.md sections 1-3)."""

import base64
import json
import re

import pytest
from django.test import Client, override_settings

from membercare.sandbox.catalog import DEMO_BY_KEY
from membercare.sandbox.models import Customer
from tests.fixtures.sandbox import basic_auth
from tests.sandbox.conftest import ENDPOINT, SANDBOX_DB, Call, body, codes, customers, one

pytestmark = SANDBOX_DB
GOLD = DEMO_BY_KEY["gold"]


# -- Auth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer abc",
        "Basic not-base64!",
        basic_auth("sandbox.till", "wrong-password"),
        basic_auth("nobody.till", "sandbox-till-password"),
        # The plain password instead of its md5 is not Capillary's scheme.
        "Basic " + base64.b64encode(b"sandbox.till:sandbox-till-password").decode(),
    ],
)
def test_it_answers_401_without_good_credentials(client: Client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(ENDPOINT, {"email": GOLD.email}, headers=headers)
    assert response.status_code == 401
    assert body(response)["response"]["status"]["code"] == 401
    assert response["X-Cap-Requestid"]


def test_it_answers_403_with_error_code_4000_to_a_till_without_customer_read(client: Client):
    auth = basic_auth("noread.till", "noread-till-password")
    response = client.get(ENDPOINT, {"email": GOLD.email}, headers={"Authorization": auth})
    assert response.status_code == 403
    assert body(response) == {
        "response": {"status": {"success": "false", "code": 403, "message": "Not authorized"}},
        "errorCode": 4000,
    }


def test_it_answers_a_good_till(call: Call):
    response = call(email=GOLD.email)
    assert response.status_code == 200
    assert one(response)["firstname"] == GOLD.firstname


# -- Identifiers ----------------------------------------------------------------------------

KINDS = {
    "mobile": (GOLD.mobile, "mobile"),
    "email": (GOLD.email, "email"),
    "external_id": (GOLD.external_id, "external_id"),
    "id": (str(GOLD.user_id), "user_id"),
    "card_number": (GOLD.card_number, "card_number"),
    "card_external_id": (GOLD.card_external_id, "card_external_id"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_it_finds_a_member_by_every_identifier_kind_and_echoes_it(call: Call, kind):
    value, echo = KINDS[kind]
    item = one(call(**{kind: value}))
    assert codes(item) == (1000, [])
    assert item[echo] == value
    assert item["external_id"] == GOLD.external_id


def test_it_matches_emails_whatever_their_case_and_echoes_them_as_asked(call: Call):
    item = one(call(email=GOLD.email.upper()))
    assert codes(item)[0] == 1000
    assert item["email"] == GOLD.email.upper()


def test_it_answers_400_without_an_identifier(call: Call):
    response = call(mlp="true")
    assert response.status_code == 400
    assert body(response)["response"]["status"]["code"] == 400


def test_it_answers_400_to_two_identifier_kinds(call: Call):
    response = call(email=GOLD.email, mobile=GOLD.mobile)
    assert response.status_code == 400


def test_it_answers_400_to_another_format_than_json(call: Call):
    assert call(email=GOLD.email, format="xml").status_code == 400


# -- Bulk -----------------------------------------------------------------------------------


def test_it_answers_a_bulk_call_item_by_item_in_the_order_asked(call: Call):
    asked = [DEMO_BY_KEY["silver"].email, "nobody@example.com", GOLD.email]
    response = call(email=",".join(asked))
    assert response.status_code == 201
    status = body(response)["response"]["status"]
    assert (status["code"], status["total"], status["success_count"]) == (201, "3", "2")
    items = customers(response)
    assert [item["email"] for item in items] == asked
    assert [codes(item)[0] for item in items] == [1000, 1012, 1000]


def test_it_answers_500_when_every_item_failed(call: Call):
    response = call(email="nobody@example.com,nobody.else@example.com")
    assert response.status_code == 500
    assert body(response)["response"]["status"]["success"] == "false"
    assert [codes(item)[0] for item in customers(response)] == [1012, 1012]


def test_it_answers_a_single_unknown_member_with_500_and_item_1012(call: Call):
    response = call(email="nobody@example.com")
    assert response.status_code == 500
    assert one(response) == {
        "email": "nobody@example.com",
        "item_status": {
            "success": "false",
            "code": 1012,
            "message": "Customer not found",
            "warnings": [],
        },
    }


@override_settings(SANDBOX_BATCH_LIMIT=3)
def test_it_fails_every_item_with_1060_beyond_the_batch_limit(call: Call):
    asked = [DEMO_BY_KEY[k].email for k in ("silver", "gold", "platinum", "diamond")]
    response = call(email=",".join(asked))
    assert response.status_code == 500
    assert [codes(item)[0] for item in customers(response)] == [1060] * 4
    assert [item["email"] for item in customers(response)] == asked


@override_settings(SANDBOX_BATCH_LIMIT=3)
def test_it_answers_a_batch_at_the_limit(call: Call):
    asked = [DEMO_BY_KEY[k].email for k in ("silver", "gold", "platinum")]
    assert call(email=",".join(asked)).status_code == 200


# -- Item codes -----------------------------------------------------------------------------


def test_it_answers_8109_for_a_pii_deleted_member(call: Call):
    item = one(call(email=DEMO_BY_KEY["pii-deleted"].email))
    assert codes(item) == (8109, [])
    assert item["item_status"]["message"] == "Customer is deleted after PII delete request"
    assert "firstname" not in item


def test_it_answers_91009_with_the_survivors_data_for_a_merged_account(call: Call):
    merged, survivor = DEMO_BY_KEY["merged"], DEMO_BY_KEY["survivor"]
    response = call(email=merged.email, user_id="true")
    item = one(response)
    assert response.status_code == 200
    assert codes(item) == (91009, [])
    assert item["item_status"]["success"] == "true"
    assert item["merged_from"] == str(merged.user_id)
    assert item["user_id"] == str(survivor.user_id)
    assert item["external_id"] == survivor.external_id
    assert item["email"] == merged.email  # the echo of what was asked


def test_it_echoes_a_merged_account_asked_by_id_through_merged_from(call: Call):
    merged, survivor = DEMO_BY_KEY["merged"], DEMO_BY_KEY["survivor"]
    item = one(call(id=str(merged.user_id)))
    assert (item["merged_from"], item["user_id"]) == (str(merged.user_id), str(survivor.user_id))


def test_it_answers_1044_for_a_member_the_till_may_not_see(call: Call):
    item = one(call(mobile=DEMO_BY_KEY["restricted"].mobile))
    assert codes(item) == (1044, [])
    assert "firstname" not in item


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "demo.gold.example.com"),
        ("email", "two@@example.com"),
        ("mobile", "91980000000A"),
        ("mobile", "12"),
        ("id", "abc"),
        ("external_id", "has space"),
    ],
)
def test_it_answers_1042_for_a_value_that_cannot_be_of_its_kind(call: Call, kind, value):
    item = one(call(**{kind: value}))
    assert codes(item) == (1042, [])
    assert item["item_status"]["message"].startswith("Invalid")


def test_it_answers_1015_for_an_empty_value(call: Call):
    assert codes(one(call(email="")))[0] == 1015
    items = customers(call(email=f"{GOLD.email},,"))
    assert [codes(item)[0] for item in items] == [1000, 1015, 1015]


def test_it_warns_618_for_a_confirmed_fraudster(call: Call):
    item = one(call(email=DEMO_BY_KEY["fraud-confirmed"].email))
    assert codes(item) == (1000, [618])
    assert item["fraud_details"]["status"] == "CONFIRMED"


def test_it_warns_618_for_a_reconfirmed_fraudster_but_not_a_suspected_one(call: Call):
    reconfirmed = Customer.objects.filter(fraud_status="RECONFIRMED", pii_deleted=False).first()
    assert reconfirmed is not None
    assert codes(one(call(id=str(reconfirmed.user_id))))[1] == [618]
    item = one(call(email=DEMO_BY_KEY["fraud-marked"].email))
    assert codes(item) == (1000, [])
    assert item["fraud_details"]["status"] == "MARKED"


def test_it_answers_91001_without_points_data_for_the_partial_member(call: Call):
    item = one(call(email=DEMO_BY_KEY["partial"].email, mlp="true", expiry_schedule="true"))
    assert codes(item) == (91001, [])
    assert item["item_status"]["success"] == "true"
    for points_field in (
        "points_summaries",
        "loyalty_points",
        "lifetime_points",
        "expiry_schedule",
    ):
        assert points_field not in item
    assert item["firstname"] == DEMO_BY_KEY["partial"].firstname


def test_it_warns_91012_when_the_gap_to_upgrade_of_a_top_tier_member_is_asked(call: Call):
    diamond = DEMO_BY_KEY["diamond"]
    item = one(call(email=diamond.email, mlp="true", gap_to_upgrade_for="0"))
    assert codes(item) == (1000, [91012, 91012])  # top tier of both programs
    assert codes(one(call(email=diamond.email, mlp="true"))) == (1000, [])
    assert codes(one(call(email=GOLD.email, mlp="true", gap_to_upgrade_for="0"))) == (1000, [])


# -- The envelope ---------------------------------------------------------------------------


def test_it_answers_in_the_current_envelope_with_capillarys_stringy_values(call: Call):
    response = call(email=GOLD.email, user_id="true")
    envelope = body(response)["response"]
    assert envelope["status"] == {
        "success": "true",
        "code": 200,
        "message": "Success",
        "total": "1",
        "success_count": "1",
    }
    item = envelope["customers"]["customer"][0]
    assert item["user_id"] == str(GOLD.user_id)
    assert isinstance(item["loyalty_points"], str)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", item["registered_on"])
    assert item["coupons"][0]["redeemed"] in {"true", "false"}


def test_it_answers_compact_utf8_json(call: Call):
    response = call(email=DEMO_BY_KEY["chinese"].email)
    assert response["Content-Type"].startswith("application/json")
    assert b", " not in response.content
    assert b'": ' not in response.content
    assert "小明" in response.content.decode()
    assert json.loads(response.content)


def test_it_carries_the_user_id_only_when_asked(call: Call):
    assert "user_id" not in one(call(email=GOLD.email))
    assert one(call(email=GOLD.email, user_id="true"))["user_id"] == str(GOLD.user_id)


@pytest.mark.parametrize(
    "params",
    [
        {"email": GOLD.email},
        {"email": "nobody@example.com"},
        {"mlp": "true"},
        {"email": GOLD.email, "gap_to_upgrade_for": "-1", "mlp": "true"},
    ],
)
def test_it_sends_a_fresh_request_id_with_every_answer(call: Call, client: Client, params):
    first, second = call(**params), call(**params)
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Cap-Requestid"])
    assert first["X-Cap-Requestid"] != second["X-Cap-Requestid"]
    assert client.get(ENDPOINT, params)["X-Cap-Requestid"]  # 401 too
    assert client.post(ENDPOINT, params)["X-Cap-Requestid"]  # 405 too
