"""The dashboard's language: the user's own choice, else the browser's, else LANGUAGE_CODE."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from membercare.access.models import StaffProfile
from membercare.access.policy import GENERATION_KEY
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

LANGUAGE_URL = reverse("set-language")


def html_lang(client: Client, url: str = "/", **headers: str) -> tuple[str, str]:
    """The page's <html lang dir>."""
    page = client.get(url, headers=headers).content.decode()
    found = re.search(r'<html lang="([^"]+)" dir="(\w+)">', page)
    assert found, page[:300]
    return found.group(1), found.group(2)


def test_without_a_choice_the_browsers_language_is_used(anonymous_client):
    sign_in = reverse("login")
    assert html_lang(anonymous_client, sign_in, accept_language="ar,en;q=0.5") == ("ar", "rtl")
    assert html_lang(anonymous_client, sign_in, accept_language="zh-CN,zh;q=0.9") == (
        "zh-hans",
        "ltr",
    )
    assert html_lang(anonymous_client, sign_in, accept_language="id-ID") == ("id", "ltr")


def test_without_a_choice_or_a_known_browser_language_it_is_language_code(anonymous_client):
    sign_in = reverse("login")
    assert html_lang(anonymous_client, sign_in, accept_language="fr-FR,de") == ("en", "ltr")
    assert html_lang(anonymous_client, sign_in) == ("en", "ltr")
    assert settings.LANGUAGE_CODE == "en"


def test_the_header_menu_is_a_plain_post_form_on_every_page(agent_client, anonymous_client):
    for client, url in ((agent_client, "/"), (anonymous_client, reverse("login"))):
        page = client.get(url).content.decode()
        form = re.search(
            rf'<form class="language" method="post" action="{LANGUAGE_URL}">.*?</form>', page, re.S
        )
        assert form, url
        assert 'name="csrfmiddlewaretoken"' in form.group(0)
        assert re.findall(r'<option value="([\w-]+)"', form.group(0)) == [
            "en",
            "ar",
            "zh-hans",
            "id",
        ]
        assert 'type="submit"' in form.group(0)


def test_an_agents_choice_is_kept_on_their_profile_and_wins_over_the_browser(agent: Any):
    client = signed_in(agent)
    response = client.post(LANGUAGE_URL, {"language": "ar", "next": "/bulk/"})

    assert response.status_code == 303
    assert response["Location"] == "/bulk/"
    assert StaffProfile.objects.get(user=agent).language == "ar"
    assert html_lang(client, accept_language="id") == ("ar", "rtl")
    # In another browser, after signing in again: still theirs.
    assert html_lang(signed_in(agent), accept_language="zh-CN") == ("ar", "rtl")


def test_a_store_managers_choice_keeps_their_store(manager: Any, manager_client: Client):
    manager_client.post(LANGUAGE_URL, {"language": "zh-hans", "next": "/"})
    profile = StaffProfile.objects.get(user=manager)
    assert (profile.language, profile.store_code) == ("zh-hans", "blr.indiranagar")


def test_choosing_a_language_changes_nobodys_access(agent: Any, agent_client: Client):
    agent_client.get("/")
    generation = cache.get(GENERATION_KEY)
    agent_client.post(LANGUAGE_URL, {"language": "id", "next": "/"})
    agent_client.post(LANGUAGE_URL, {"language": "ar", "next": "/"})
    assert cache.get(GENERATION_KEY) == generation


def test_signed_out_the_choice_lives_in_the_language_cookie(anonymous_client):
    response = anonymous_client.post(LANGUAGE_URL, {"language": "id", "next": "/accounts/login/"})

    assert response.status_code == 303
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "id"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # In production (DEBUG off, as here) bound to this host over HTTPS, like the session's.
    assert settings.LANGUAGE_COOKIE_NAME == "__Host-language"
    assert cookie["secure"]
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert html_lang(anonymous_client, reverse("login"), accept_language="ar") == ("id", "ltr")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_the_menu_goes_back_only_to_a_page_of_membercare(agent_client, next_url):
    response = agent_client.post(LANGUAGE_URL, {"language": "ar", "next": next_url})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(agent: Any, agent_client: Client):
    response = agent_client.post(LANGUAGE_URL, {"language": "fr", "next": "/"})
    assert response.status_code == 303
    assert not StaffProfile.objects.filter(user=agent, language="fr").exists()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_menu_needs_the_csrf_token(agent: Any):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.post(LANGUAGE_URL, {"language": "ar"}).status_code == 403


def test_the_page_is_served_in_the_chosen_language_and_says_so(agent: Any):
    client = signed_in(agent)
    client.post(LANGUAGE_URL, {"language": "zh-hans", "next": "/"})
    response = client.get("/")
    assert response["Content-Language"] == "zh-hans"
    assertContains(response, "退出登录")  # "Sign out"


@pytest.mark.parametrize("language", ["ar", "zh-hans", "id"])
def test_every_page_of_an_admin_reads_in_their_language(group_admin: Any, language):
    """The pages outside the customer view, each in the admin's language, with no English left
    of the words they share (the header's)."""
    from django.contrib.auth.models import Group

    StaffProfile.objects.create(user=group_admin, language=language)
    client = signed_in(group_admin)
    group = Group.objects.get(name="Admins")
    pages = [
        "/",
        reverse("bulk-lookup"),
        reverse("groups"),
        reverse("group", args=[group.pk]),
        reverse("audit"),
        reverse("sign-ins"),
        reverse("mfa-security"),
        reverse("password-change"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f'<html lang="{language}"' in page, url
        for english in (">Sign out<", ">Security<", ">Access groups<", ">Audit trail<"):
            assert english not in page, (url, english)
        # The menu names each language in itself, whatever the page's language.
        names = re.findall(r'<option value="[\w-]+" lang="[\w-]+"\s*(?:selected)?>([^<]+)<', page)
        assert names == ["English", "العربيّة", "简体中文", "Bahasa Indonesia"], url
