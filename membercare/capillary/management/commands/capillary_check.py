"""`manage.py capillary_check`: is the configured Capillary connection usable?

One harmless lookup (user id 1, the narrowest query) through the real client. Any answer about a
member, "not found" included, proves the host is reachable and the till may read customers.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from membercare.capillary.errors import (
    CapillaryError,
    ConfigurationError,
    CustomerDeleted,
    CustomerNotFound,
    MalformedResponse,
    NoPermission,
    RateLimited,
    Unavailable,
)
from membercare.capillary.identifiers import Identifier, IdentifierKind
from membercare.capillary.query import CustomerQuery
from membercare.capillary.settings import client_from_settings

PROBE = Identifier(IdentifierKind.USER_ID, "1")
# Only the user id: default-on sections sent as false, no coupons.
MINIMAL = CustomerQuery(embed=frozenset({"user_id"}), coupon_limit=0)
# Answers about the probe member itself: Capillary heard us, and let us ask.
MEMBER_ANSWERS = (CustomerNotFound, CustomerDeleted, NoPermission)


class Command(BaseCommand):
    help = "Check the Capillary connection with one harmless lookup; exits non-zero unless OK."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            client = client_from_settings()
            request_id = client.get_customer(identifier=PROBE, query=MINIMAL).request_id
        except MEMBER_ANSWERS as answer:
            request_id = answer.request_id
        except CapillaryError as error:
            raise CommandError(_diagnosis(error)) from None
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.stdout.write(f"OK: {elapsed_ms:.0f} ms, request id {request_id or '-'}")


def _diagnosis(error: CapillaryError) -> str:
    reference = f" (request id {error.request_id})" if error.request_id else ""
    match error:
        case ConfigurationError(code=401):
            return f"bad credentials: Capillary rejected CAPILLARY_USERNAME/PASSWORD{reference}"
        case ConfigurationError(code=4000 | 403):
            return f"access group lacks Customer read: grant the till Read on Customer{reference}"
        case ConfigurationError():
            return f"misconfigured: {error.message}{reference}"
        case Unavailable():
            return f"unreachable: {error.message}{reference}"
        case RateLimited():
            wait = f", retry after {error.retry_after} s" if error.retry_after else ""
            return f"rate limited{wait}{reference}"
        case MalformedResponse():
            return f"unexpected answer: {error.message}{reference}"
    return f"failed: {error.message}{reference}"
