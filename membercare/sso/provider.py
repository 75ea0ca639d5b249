"""The organisation's OpenID provider: whether single sign-on is on, and where its endpoints are.

Everything comes from the settings ("Single sign-on" in membercare/settings.py). The endpoints
are read from `<OIDC_ISSUER>/.well-known/openid-configuration` on first use and kept for the life
of the process: never at import, so that membercare starts, and local accounts sign in, while the
provider is down.
"""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """The provider could not be reached in time, or its discovery document is not usable."""


@dataclass(frozen=True)
class Endpoints:
    """What discovery says (OpenID Connect Discovery 1.0, section 3)."""

    issuer: str
    authorization: str
    token: str
    userinfo: str
    jwks: str


def enabled() -> bool:
    """Single sign-on is on when the issuer, the client id and its secret are all set."""
    return bool(
        settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET
    )


def name() -> str:
    """What the sign-in button calls the provider ("Sign in with …")."""
    return str(settings.OIDC_PROVIDER_NAME)


# By issuer: a test, or a changed setting, never reads another provider's endpoints.
_discovered: dict[str, Endpoints] = {}


def endpoints() -> Endpoints:
    """The provider's endpoints, discovered once per process. A failure is not kept: the next
    sign-in tries again."""
    issuer = settings.OIDC_ISSUER
    found = _discovered.get(issuer)
    if found is None:
        found = _discovered[issuer] = _discover(issuer)
    return found


def forget_endpoints() -> None:
    """Discover again on next use (tests that start and stop providers)."""
    _discovered.clear()


def _discover(issuer: str) -> Endpoints:
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("OpenID provider discovery failed: %s", type(exc).__name__)
        raise ProviderUnavailable("discovery failed") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable("discovery answered something other than a JSON object")
    # Discovery 4.3: the issuer in the document must be exactly the one configured, or every
    # token's `iss` check would be against a value the provider never sends.
    if document.get("issuer") != issuer:
        log.error("OIDC_ISSUER must be exactly the provider's issuer (discovery says otherwise)")
        raise ProviderUnavailable("issuer mismatch")
    try:
        return Endpoints(
            issuer=issuer,
            authorization=str(document["authorization_endpoint"]),
            token=str(document["token_endpoint"]),
            userinfo=str(document["userinfo_endpoint"]),
            jwks=str(document["jwks_uri"]),
        )
    except KeyError as exc:
        log.error("OpenID provider discovery lacks %s", exc)
        raise ProviderUnavailable("discovery incomplete") from exc
