"""The search box: detection, validation, and each outcome of a lookup, against the sandbox."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

SEARCH = reverse("search")


def test_home_shows_a_labelled_search_box_focused_on_load(agent_client):
    response = agent_client.get("/")
    assertContains(
        response, '<label for="id_q" class="searchbar-label">Find a member</label>', html=True
    )
    assertContains(response, 'type="search" name="q"')
    assertContains(response, 'id="id_q"')
    assertContains(response, "autofocus")


def test_anonymous_user_is_sent_to_sign_in(anonymous_client):
    response = anonymous_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_expired_session_on_htmx_request_redirects_the_whole_browser(anonymous_client):
    url = reverse("customer-coupons", args=[50000005])
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/customers/50000005/"}
    response = anonymous_client.get(url, headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/?next=/customers/50000005/"
    assertNotContains(response, "Sign in")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("demo.gold@example.com", "Looks like email"),
        ("+91 98000-00002", "Looks like mobile"),
        ("7100 0000 0000 0002", "Looks like card number"),
        ("DEMO-GOLD", "Looks like external id"),
    ],
)
def test_detect_names_the_kind_being_typed_without_calling_upstream(
    agent_client, htmx_headers, upstream, text, label
):
    response = agent_client.post(reverse("search-detect"), {"q": text}, headers=htmx_headers)
    assertContains(response, label)
    assert upstream.count == 0


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Demo.Gold@Example.com ", ""),
        ("+91 98000 00002", ""),
        ("919800000002", "mobile"),
        ("DEMO-GOLD", "external_id"),
        ("7100-0000-0000-0002", ""),
        ("50000002", "id"),
    ],
)
def test_search_by_each_identifier_kind_opens_the_member_with_one_upstream_call(
    agent_client, upstream, text, kind
):
    response = agent_client.post(SEARCH, {"q": text, "kind": kind})
    assert response.status_code == 303
    assert response["Location"] == "/customers/50000002/"

    assertContains(agent_client.get(response["Location"]), "Gold")
    assert upstream.count == 1  # the search's call; the page renders from the cache


def test_search_never_puts_the_identifier_in_a_url(agent_client):
    response = agent_client.post(SEARCH, {"q": "demo.gold@example.com"})
    assert "example.com" not in response["Location"]


def test_htmx_search_swaps_in_the_customer_view_and_pushes_its_url(
    agent_client, htmx_headers, upstream
):
    response = agent_client.post(SEARCH, {"q": "demo.gold@example.com"}, headers=htmx_headers)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/customers/50000002/"
    assert response["HX-Retarget"] == "#workspace"
    assertContains(response, 'id="customer-view"')
    assertNotContains(response, "<html")
    assert upstream.count == 1


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("", "", "Type an email, mobile, external ID or card number."),
        ("a,b@example.com", "", ""),
        ("not an email@", "email", ""),
        ("12ab", "mobile", ""),
        ("x" * 300, "", "too long"),
        ("DEMO\x00GOLD", "external_id", ""),
    ],
)
def test_invalid_input_gets_a_clear_message_and_never_reaches_capillary(
    agent_client, upstream, text, kind, message
):
    response = agent_client.post(SEARCH, {"q": text, "kind": kind})
    assertContains(response, 'class="feedback bad"', status_code=422)
    assertContains(response, message, status_code=422)
    assert upstream.count == 0


def test_unknown_member_gets_a_not_found_state(agent_client):
    response = agent_client.post(SEARCH, {"q": "nobody@example.com"})
    assertContains(response, "No member found for that identifier.", status_code=404)


def test_pii_deleted_member_is_not_shown_as_not_found(agent_client):
    response = agent_client.post(SEARCH, {"q": "demo.deleted@example.com"})
    assertContains(response, "deleted after a PII delete request", status_code=410)
    assertNotContains(response, "No member found", status_code=410)


def test_merged_account_opens_the_survivor_with_a_notice(agent_client):
    response = agent_client.post(SEARCH, {"q": "demo.merged@example.com"})
    assert response.status_code == 303
    assert response["Location"] == "/customers/50000010/"
    assertContains(agent_client.get(response["Location"]), "was merged into this one")


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("demo.error@example.com", "Capillary didn&#x27;t answer."),
        ("demo.reset@example.com", "Capillary didn&#x27;t answer."),
        ("demo.gateway@example.com", "Capillary didn&#x27;t answer."),
        ("demo.ratelimited@example.com", "Retry in 30 s."),
        ("demo.malformed@example.com", "an answer we couldn&#x27;t read"),
        ("demo.html@example.com", "an answer we couldn&#x27;t read"),
    ],
)
def test_upstream_trouble_during_search_gets_a_retryable_message(agent_client, email, message):
    response = agent_client.post(SEARCH, {"q": email})
    assertContains(response, message, status_code=503)
    assertContains(
        response,
        '<button type="submit" class="retry" aria-label="Retry the search">Retry</button>',
        status_code=503,
        html=True,
    )


def test_slow_upstream_times_out_with_a_retryable_message(agent_client, settings):
    settings.CAPILLARY_READ_TIMEOUT = 0.5
    settings.CAPILLARY_RETRIES = 0
    response = agent_client.post(SEARCH, {"q": "demo.slow@example.com"})
    assertContains(response, "Capillary didn&#x27;t answer.", status_code=503)


def test_a_second_search_for_the_same_member_within_the_ttl_costs_nothing(agent_client, upstream):
    agent_client.post(SEARCH, {"q": "demo.gold@example.com"})
    agent_client.post(SEARCH, {"q": "DEMO.GOLD@example.com"})
    agent_client.get("/customers/50000002/")
    assert upstream.count == 1


def test_a_failed_htmx_search_closes_the_member_that_was_open(agent_client, htmx_headers):
    response = agent_client.post(SEARCH, {"q": "nobody@example.com"}, headers=htmx_headers)
    assert response["HX-Retarget"] == "#search"
    assertContains(response, '<div id="workspace" hx-swap-oob="innerHTML">', status_code=404)
    # With its h1, as the page without JS has it: the page has one once the view is gone.
    assertContains(response, "<h1>No member is open</h1>", status_code=404)


def test_a_successful_htmx_search_clears_earlier_messages_under_the_box(agent_client, htmx_headers):
    response = agent_client.post(SEARCH, {"q": "demo.gold@example.com"}, headers=htmx_headers)
    assertContains(response, 'hx-swap-oob="true"')
    assertContains(response, 'value="demo.gold@example.com"')
    assertNotContains(response, 'class="feedback')
