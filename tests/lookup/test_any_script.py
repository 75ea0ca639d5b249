"""Agents type in their own script: Arabic-Indic, Persian and full-width digits and plus signs."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from membercare.capillary import Customer
from membercare.lookup.verification import contact_matches

GOLD = 50000002  # demo.gold: mobile 919800000002
ARABIC = 50000014  # demo.arabic: فاطمة الحسيني, mobile 971500000014
CHINESE = 50000015  # demo.chinese: 王小明 (firstname 小明, lastname 王), mobile 8613800000015

GOLD_MOBILE_TYPED = [
    "+٩١ ٩٨٠٠٠ ٠٠٠٠٢",  # Arabic-Indic
    "+۹۱ ۹۸۰۰۰ ۰۰۰۰۲",  # Persian
    "＋９１ ９８０００ ００００２",  # full-width, from a Chinese or Japanese input method
    "\u200f+٩١ 98000 ۰۰۰۰٢",  # mixed, with the mark a number copied from Arabic text carries
]


def member(**fields: object) -> Customer:
    base: dict[str, object] = {
        "user_id": 1,
        "firstname": "小明",
        "lastname": "王",
        "mobile": "971501234567",
        "email": "wang@example.com",
        "external_id": None,
    }
    return Customer(**(base | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ("mobile", "+٩٧١ ٥٠ ١٢٣ ٤٥٦٧"),
        ("mobile", "٥٠١٢٣٤٥٦٧"),  # the national number, without the country code
        ("mobile", "＋９７１５０１２３４５６７"),
        ("email", "ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
        ("name", "王小明"),  # as a Chinese caller says it
        ("name", "王 小明"),
    ],
)
def test_verify_compares_what_the_caller_says_in_any_script(field, said):
    assert contact_matches(member(), field, said)


def test_verify_still_refuses_a_different_number_in_another_script():
    assert not contact_matches(member(), "mobile", "+٩٧١ ٥٠ ١٢٣ ٤٥٦٨")


@pytest.mark.django_db
@pytest.mark.usefixtures("live_upstream")
class TestAgainstTheSandbox:
    @pytest.mark.parametrize("typed", GOLD_MOBILE_TYPED)
    def test_the_search_box_finds_a_member_by_a_mobile_typed_in_any_script(
        self, agent_client, upstream, typed
    ):
        response = agent_client.post(reverse("search"), {"q": typed})
        assert response.status_code == 303
        assert response["Location"] == f"/customers/{GOLD}/"
        assert upstream.count == 1

    @pytest.mark.parametrize("typed", GOLD_MOBILE_TYPED)
    def test_the_search_box_says_a_mobile_typed_in_any_script_looks_like_one(
        self, agent_client, htmx_headers, upstream, typed
    ):
        response = agent_client.post(reverse("search-detect"), {"q": typed}, headers=htmx_headers)
        assertContains(response, "Looks like mobile")
        assert upstream.count == 0

    @pytest.mark.parametrize(
        ("typed", "result"), [("+٩٧١ ٥٠ ٠٠٠ ٠٠١٤", "match"), ("+٩٧١ ٥٠ ٠٠٠ ٠٠١٥", "no-match")]
    )
    def test_verify_compares_a_mobile_the_caller_reads_out_in_arabic_indic_digits(
        self, agent_client, typed, result
    ):
        response = agent_client.post(
            reverse("customer-verify", args=[ARABIC]),
            {"field": "mobile", "value": typed},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assertContains(response, f'class="verify-result {result}"')
