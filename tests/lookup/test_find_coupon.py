"""Finding a coupon by its code ("is my coupon still valid?"), and the coupon panel's complete
menus, against the sandbox over real HTTP."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from membercare.lookup import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

COUPONS = 50000005  # 250 coupons
HTMX = {"HX-Request": "true"}


def panel(html: str) -> str:
    match = re.search(r'<section id="coupons".*?</section>', html, re.S)
    assert match, "no #coupons panel"
    return unescape(match.group(0))


def listed_codes(html: str) -> list[str]:
    return re.findall(r'<td class="mono">([^<]+)</td>', panel(html))


def find(client, code: str):
    return client.get(reverse("customer-coupons", args=[COUPONS]), {"code": code}, headers=HTMX)


def page_of(client, **query: str) -> str:
    url = reverse("customer-coupons", args=[COUPONS])
    return client.get(url, query, headers=HTMX).content.decode()


def test_a_coupon_past_the_first_pages_is_found_by_its_code_in_one_call(agent_client, upstream):
    agent_client.get(reverse("customer", args=[COUPONS]))
    oldest = listed_codes(page_of(agent_client, dir="asc"))[0]  # far past the record's 30
    upstream.reset()

    html = panel(find(agent_client, oldest.lower()).content.decode())  # as read out, any case

    assert f'<span class="mono">{oldest}</span>' in html
    assert "Found" in html
    assert upstream.count == 1
    params = parse_qs(urlsplit(upstream.requests[0].url).query)
    assert params["coupon_limit"] == [str(services.COUPON_CODE_SEARCH_LIMIT + 1)]
    assert "mlp" not in params
    assert "transactions" not in params

    upstream.reset()
    find(agent_client, oldest)  # the member's coupons are cached
    assert upstream.count == 0


def test_a_coupon_among_the_newest_is_found_in_the_record_without_a_call(agent_client, upstream):
    newest = listed_codes(agent_client.get(reverse("customer", args=[COUPONS])).content.decode())
    upstream.reset()
    html = panel(find(agent_client, newest[0]).content.decode())
    assert f'<span class="mono">{newest[0]}</span>' in html
    assert upstream.count == 0


def test_the_detail_says_validity_series_redemption_and_whether_it_can_be_redeemed(agent_client):
    # One of each: active, redeemed once only, expired, from the member's status menus.
    active = listed_codes(page_of(agent_client, status="active"))[0]
    redeemed = listed_codes(page_of(agent_client, status="redeemed"))
    expired = listed_codes(page_of(agent_client, status="expired"))[0]

    detail = panel(find(agent_client, active).content.decode())
    assert "Can be redeemed until" in detail
    assert "<dt>Valid</dt>" in detail
    assert re.search(r"<dt>Series</dt>\s*<dd>\s*series \d+", detail)
    assert "Not redeemed." in detail

    detail = panel(find(agent_client, expired).content.decode())
    assert "Cannot be redeemed: it expired on" in detail

    verdicts = [panel(find(agent_client, code).content.decode()) for code in redeemed]
    assert any("Cannot be redeemed again" in v for v in verdicts)
    assert all("does not say when or where" in v for v in verdicts)


def test_a_code_the_member_does_not_have_is_said_plainly(agent_client):
    html = " ".join(panel(find(agent_client, "NOPE-0000").content.decode()).split())
    assert "No coupon with the code" in html
    assert "among the member's 250 coupons" in html


@pytest.mark.parametrize(
    ("code", "message"), [("", "Type the coupon's code."), ("x" * 65, "too long")]
)
def test_a_bad_code_is_a_message_and_never_reaches_capillary(agent_client, upstream, code, message):
    response = find(agent_client, code)
    assert response.status_code == 400
    assert message in panel(response.content.decode())
    assert upstream.count == 0


def test_the_status_menu_has_unredeemed_and_the_order_menu_created_by(agent_client, upstream):
    html = panel(agent_client.get(reverse("customer", args=[COUPONS])).content.decode())
    for value in ("active", "unredeemed", "redeemed", "expired"):
        assert f'<option value="{value}"' in html
    for value in ("created_date", "valid_till", "created_by"):
        assert f'<option value="{value}"' in html
    assert '<button type="submit" class="secondary">Apply</button>' in html
    assert 'hx-trigger="change"' not in html

    upstream.reset()
    unredeemed = panel(page_of(agent_client, status="unredeemed", order="created_by"))
    params = parse_qs(urlsplit(upstream.requests[0].url).query)
    assert (params["coupon_status"], params["coupon_order_by"]) == (["unredeemed"], ["created_by"])
    statuses = set(re.findall(r'class="badge coupon-(\w+)"', unredeemed))
    assert statuses
    assert statuses <= {"active", "expired"}


def test_the_coupon_menus_and_the_code_search_work_without_js(agent_client):
    url = reverse("customer-coupons", args=[COUPONS])
    menus = agent_client.get(url, {"status": "unredeemed", "order": "created_by", "dir": "asc"})
    assert menus.status_code == 200
    assert "<html" in menus.content.decode()
    assert listed_codes(menus.content.decode())
    code = listed_codes(menus.content.decode())[0]
    found = agent_client.get(url, {"code": code})
    assert found.status_code == 200
    assert f'<span class="mono">{code}</span>' in panel(found.content.decode())
