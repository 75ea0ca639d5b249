import subprocess
import sys
from pathlib import Path

import pytest


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "from django.conf import settings; settings.SECRET_KEY; print(settings.DEBUG)"
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
