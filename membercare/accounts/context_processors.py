"""What the page layout needs for the idle warning (templates/base.html, static/js/session.js)."""

from typing import Any

from django.http import HttpRequest

from membercare.accounts import sessions


def session_limits(request: HttpRequest) -> dict[str, Any]:
    return {"session_idle_seconds": int(sessions.idle_timeout().total_seconds())}
