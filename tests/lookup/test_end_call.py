"""End call: the member leaves the screen and the search box, a call_end event records the time
since the lookup, and the call's summary (never contact data) is there to copy. Against the
sandbox over real HTTP."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membercare.access.capabilities import AGENTS
from membercare.audit.models import AuditEvent
from membercare.lookup import calls
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

GOLD = 50000002
HTMX = {"HX-Request": "true"}
# Gold's contact data as the sandbox holds it: none of it may be in a summary.
CONTACT = ["demo.gold@example.com", "919800000002", "DEMO-GOLD", "7100000000000002"]


def summary(html: str) -> str:
    match = re.search(r'<textarea id="call-summary"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no call summary"
    return unescape(match.group(1))


def end_call(client: Client, user_id: int = GOLD, **kwargs):
    return client.post(reverse("customer-end-call", args=[user_id]), **kwargs)


def test_end_call_clears_the_member_and_the_search_box_and_sums_up_the_call(agent_client, upstream):
    agent_client.get(reverse("customer", args=[GOLD]))
    bills = reverse("customer-transactions", args=[GOLD])
    agent_client.get(bills, {"type": "NOT_INTERESTED"}, headers=HTMX)
    coupons = reverse("customer-coupons", args=[GOLD])
    agent_client.get(coupons, {"code": "NOPE-1234"}, headers=HTMX)
    upstream.reset()

    response = end_call(agent_client, headers=HTMX)

    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#workspace"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert response.headers["HX-Push-Url"] == reverse("home")
    html = response.content.decode()
    assert 'id="customer-view"' not in html
    assert "Call ended" in html
    box = re.search(r'<input type="search" name="q"[^>]*>', html)
    assert box
    assert "value=" not in box.group(0)  # the search box comes back empty
    assert 'hx-swap-oob="true"' in html
    text = summary(html)
    assert text.startswith(f"Member {GOLD}\n")
    assert "Tiers: Aurora Rewards: Gold; Aurora Dining:" in text
    assert "- Bill search (type): " in text
    assert "not-interested bill" in text
    assert "- Coupon NOPE-1234: not among the member's" in text
    for value in CONTACT:
        assert value not in text
    assert upstream.count == 0  # ending a call asks Capillary nothing


def test_end_call_records_the_time_since_the_lookup(agent_client):
    agent_client.get(reverse("customer", args=[GOLD]))
    session = agent_client.session
    call = session[calls.SESSION_KEY]
    call["at"] = (timezone.now() - timedelta(minutes=4, seconds=5)).isoformat()
    session[calls.SESSION_KEY] = call
    session.save()

    html = end_call(agent_client, headers=HTMX).content.decode()

    event = AuditEvent.objects.filter(action="call_end").get()
    assert event.member_id == GOLD
    assert 245 <= event.detail["seconds"] < 300
    assert event.detail["looked_at"] == 0
    assert "Call: 4 min" in summary(html)
    assert calls.SESSION_KEY not in agent_client.session  # the call is over


def test_the_summary_holds_no_contact_data_even_for_those_who_see_it(group_admin_client):
    page = group_admin_client.get(reverse("customer", args=[GOLD])).content.decode()
    assert "demo.gold@example.com" in page  # admins see contact details
    name = re.search(r"<h1>([^<]+)</h1>", page)
    assert name
    text = summary(end_call(group_admin_client, headers=HTMX).content.decode())
    for value in [*CONTACT, name.group(1).strip()]:
        assert value not in text


def test_end_call_without_js_is_the_page_with_the_summary_and_an_empty_box(agent_client):
    agent_client.get(reverse("customer", args=[GOLD]))
    response = end_call(agent_client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert f"Member {GOLD}" in summary(html)
    assert 'id="customer-view"' not in html


def test_end_call_with_no_call_open_says_so_and_is_still_recorded(agent_client):
    html = end_call(agent_client, headers=HTMX).content.decode()
    assert f"No call with member {GOLD} was open" in html
    event = AuditEvent.objects.filter(action="call_end").get()
    assert event.detail == {"seconds": None, "looked_at": 0}


def test_end_call_is_a_post_with_csrf(agent):
    client = signed_in(agent)
    client.handler.enforce_csrf_checks = True
    assert end_call(client).status_code == 403
    assert client.get(reverse("customer-end-call", args=[GOLD])).status_code == 405
    assert not AuditEvent.objects.filter(action="call_end").exists()


def test_the_member_header_has_the_end_call_button_and_its_shortcut(agent_client):
    html = agent_client.get(reverse("customer", args=[GOLD])).content.decode()
    form = re.search(r'<form[^>]*class="end-call".*?</form>', html, re.S)
    assert form
    assert 'method="post"' in form.group(0)
    assert "csrfmiddlewaretoken" in form.group(0)
    assert 'aria-keyshortcuts="Alt+Shift+E"' in form.group(0)


def test_end_call_is_there_when_capillary_fails_too(agent_client):
    # demo.error: Capillary answers HTTP 500 (not an envelope), so no member can be shown.
    response = agent_client.get(reverse("customer", args=[50000022]))
    html = response.content.decode()
    assert response.status_code == 503
    assert "<h1>Member 50000022</h1>" in html
    assert 'class="end-call"' in html
    assert "End call</button>" in html


def test_a_group_preview_has_no_end_call(group_admin_client):
    group = Group.objects.get(name=AGENTS)
    url = reverse("group-preview", args=[group.pk])
    html = group_admin_client.get(url, {"user_id": GOLD}).content.decode()
    assert "this is what the group" in html
    assert 'class="end-call"' not in html
