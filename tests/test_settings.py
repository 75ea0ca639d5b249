import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet


def run_settings(env: dict[str, str], *, code: str = "") -> subprocess.CompletedProcess[str]:
    """The settings imported in a fresh process with only `env`; by default, prints DEBUG."""
    code = code or "from django.conf import settings; settings.SECRET_KEY; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            "DJANGO_SETTINGS_MODULE": "membercare.settings",
            "ENV_FILE": "/dev/null",
            "PATH": "/usr/bin:/bin",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )


@pytest.mark.parametrize("secret", ["", None])
def test_it_refuses_to_start_without_secret_key_when_debug_is_off(secret):
    env = {"DEBUG": "false"} | ({"SECRET_KEY": secret} if secret is not None else {})
    result = run_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_it_starts_with_debug_off_and_a_secret_key():
    result = run_settings({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("env", "in_flight"),
    [
        ({}, 12),  # the Procfile's gthread, 16 threads a worker
        ({"GUNICORN_THREADS": "4"}, 3),
        ({"GUNICORN_WORKER_CLASS": "gevent"}, 996),  # a greenlet per connection, 1,000 of them
        ({"GUNICORN_WORKER_CLASS": "gevent", "GUNICORN_WORKER_CONNECTIONS": "200"}, 196),
        ({"GUNICORN_WORKER_CLASS": "gevent", "CAPILLARY_MAX_IN_FLIGHT": "40"}, 40),
    ],
)
def test_the_calls_a_process_lets_wait_follow_how_many_requests_it_serves_at_once(env, in_flight):
    code = "from django.conf import settings; print(settings.CAPILLARY_MAX_IN_FLIGHT)"
    result = run_settings({"DEBUG": "true"} | env, code=code)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == in_flight


@pytest.mark.parametrize(
    ("env", "remembered", "store"),
    [
        ({"REDIS_URL": ""}, 5, "DatabaseSessionStore"),  # each process's own cache: seconds
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, 300, "CachedSessionStore"),  # one for all
        ({"REDIS_URL": "", "ACCESS_REMEMBER_SECONDS": "0"}, 0, "DatabaseSessionStore"),
    ],
)
def test_what_each_process_keeps_to_itself_follows_whether_the_cache_is_shared(
    env, remembered, store
):
    """Without Redis nothing another process must see is read from this one's cache: sessions
    come from the database, capabilities are remembered for seconds (no connection is made)."""
    code = (
        "import django; django.setup(); from django.conf import settings;"
        " from membercare.accounts.session_store import SessionStore;"
        " print(settings.ACCESS_REMEMBER_SECONDS, SessionStore.__name__)"
    )
    result = run_settings({"DEBUG": "true"} | env, code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(remembered), store]


@pytest.mark.django_db
def test_it_leaves_django_htmx_debug_error_handler_off_the_page_with_debug_on(client, settings):
    """Under DEBUG, django-htmx's htmx_script tag adds a handler that replaces the whole page with
    the raw answer to any 4xx/5xx: the app's styled error partials would never be seen."""
    settings.DEBUG = True
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert "django_htmx/htmx-2.min.js" in html
    assert "django-htmx.js" not in html
    assert "data-debug" not in html


def settings_of(env: dict[str, str], *names: str) -> dict[str, object]:
    """Some settings as the project computes them from `env`, in a fresh process."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = run_settings(env, code=code)
    result.check_returncode()
    return json.loads(result.stdout)


COOKIE_SETTINGS = (
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_PATH",
)


def test_production_cookies_carry_the_host_prefix_secure_on_path_slash_with_no_domain():
    values = settings_of({"DEBUG": "false", "SECRET_KEY": "x" * 50}, *COOKIE_SETTINGS)
    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
    }


def test_debug_over_plain_http_keeps_the_usual_cookie_names():
    """Browsers refuse `__Host-` cookies without HTTPS, and `make run` serves plain http."""
    values = settings_of({"DEBUG": "true"}, *COOKIE_SETTINGS)
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is False


@pytest.mark.django_db
def test_the_sign_in_page_and_a_sign_in_set_host_prefixed_cookies(client, agent):
    page = client.get("/accounts/login/")
    csrf = page.cookies["__Host-csrftoken"]
    client.force_login(agent)
    session = client.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]
    assert "csrftoken" not in page.cookies
    assert "sessionid" not in client.cookies


def test_check_deploy_is_clean_with_production_settings():
    """Only the optional HSTS-preload note (security.W021) may remain."""
    env = {
        "DJANGO_SETTINGS_MODULE": "membercare.settings",
        "ENV_FILE": "/dev/null",
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "membercare.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "CACHE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    found = set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", output))
    assert found <= {"security.W021"}, output
