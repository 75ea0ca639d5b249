"""The styled 403, 404, 500 and CSRF failure pages, as production (DEBUG off) serves them: the
site's header, a heading that says what happened, and a way back."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

BRAND = '<a class="brand" href="/">member<span>care</span></a>'
BACK = '<a class="button" href="/">Back to membercare</a>'


def assert_styled(response, status: int, heading: str) -> None:
    assert response.status_code == status
    assertContains(
        response, '<link rel="stylesheet" href="/static/css/app.css">', status_code=status
    )
    assertInHTML(BRAND, response.content.decode())
    assertInHTML(f'<h1 id="error-title">{heading}</h1>', response.content.decode())
    assertInHTML(BACK, response.content.decode())


def test_debug_is_off_in_these_tests(settings):
    assert settings.DEBUG is False  # what production serves, not Django's technical pages


@pytest.mark.django_db
def test_an_unknown_address_gets_the_styled_404_page(anonymous_client):
    response = anonymous_client.get("/no-such-page/")
    assert_styled(response, 404, "Page not found")


@pytest.mark.django_db
def test_a_signed_in_agent_gets_the_404_page_with_their_header(agent_client):
    response = agent_client.get("/no-such-page/")
    assert_styled(response, 404, "Page not found")
    assertContains(response, 'aria-label="Sections"', status_code=404)


@pytest.mark.django_db
def test_the_access_policy_refuses_with_the_styled_403_page(agent_client):
    response = agent_client.get(reverse("groups"))  # admins only
    assert_styled(response, 403, "No access to this page")
    assertContains(response, "ask an admin", status_code=403)
    assertContains(response, 'aria-label="Sections"', status_code=403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "status", "heading"),
    [("/access/groups/", 403, "No access to this page"), ("/no-such-page/", 404, "Page not found")],
)
def test_an_htmx_request_gets_the_message_alone_for_its_panel(
    agent_client, htmx_headers, address: str, status: int, heading: str
):
    response = agent_client.get(address, headers=htmx_headers)
    assert response.status_code == status
    assertInHTML(f'<h1 id="error-title">{heading}</h1>', response.content.decode())
    assertInHTML(BACK, response.content.decode())
    assertNotContains(response, "<html", status_code=status)  # not a page inside the panel
    assertNotContains(response, 'aria-label="Sections"', status_code=status)
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_an_error_in_a_view_gets_the_styled_500_page(agent):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert_styled(response, 500, "Something went wrong")
    assertNotContains(response, "a bug in a view", status_code=500)
    assertNotContains(response, "<script", status_code=500)  # no nonce without a request


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_database_too_busy_to_answer_gets_a_503_to_try_again_not_a_500(agent):
    client = Client(raise_request_exception=False)
    response = client.get("/locked/")
    assert_styled(response, 503, "Busy: try again")
    assertContains(response, "Nothing was changed: try again in 5 seconds.", status_code=503)
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    panel = client.get("/locked/", headers={"HX-Request": "true"})
    assert panel.status_code == 503
    assertInHTML('<h1 id="error-title">Busy: try again</h1>', panel.content.decode())
    assertNotContains(panel, "<html", status_code=503)  # the message alone, for its panel


def test_the_500_page_renders_without_the_database_or_the_request_context():
    # No django_db mark: any query would fail the test. Django's handler renders the template
    # with no context at all; this is the very view, given a bare request.
    response = server_error(RequestFactory().get("/"))
    assert_styled(response, 500, "Something went wrong")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_styled_csrf_page(agent):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "agent", "password": "x"})
    assert_styled(response, 403, "This form has expired")
    assertContains(response, "Nothing was changed.", status_code=403)
