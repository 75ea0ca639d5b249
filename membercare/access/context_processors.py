"""What the page layout needs to know of the signed-in user's access (the navigation)."""

from typing import Any

from django.http import HttpRequest

from membercare.access.capabilities import Cap
from membercare.access.policy import viewer_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    viewer = viewer_of(request)
    return {
        "nav": {
            "lookup": viewer.can(Cap.LOOKUP),
            "bulk": viewer.can(Cap.LOOKUP) and viewer.can(Cap.BULK),
            "groups": viewer.can(Cap.GROUPS),
            "audit": viewer.can(Cap.AUDIT),
        }
    }
