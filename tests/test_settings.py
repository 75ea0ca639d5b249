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
