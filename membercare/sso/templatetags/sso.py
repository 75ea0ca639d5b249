from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from membercare.sso import provider

register = template.Library()


@register.inclusion_tag("sso/_button.html", takes_context=True)
def sso_button(context: template.Context) -> dict[str, Any]:
    """The "Sign in with …" button, when single sign-on is configured; nothing otherwise.

    It keeps the sign-in page's `next`: mozilla-django-oidc checks it before sending anyone there.
    """
    next_url = context.get("next")
    query = "?" + urlencode({"next": next_url}, safe="/") if next_url else ""
    return {
        "enabled": provider.enabled(),
        "name": provider.name(),
        "href": reverse("sso-start") + query,
    }
