"""Signing in through the organisation's OpenID provider, on mozilla-django-oidc.

The library does the protocol: the token request, the provider's keys (JWKS), userinfo. This
subclass adds what membercare needs: endpoints from discovery (provider.py) instead of settings,
RS256 only with `iss`, `aud` and `exp` checked, a timeout on every call (OIDC_TIMEOUT, passed by
the library to requests), and accounts and groups from the claims (accounts.py).
"""

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from membercare.sso import accounts, provider
from membercare.sso.accounts import Refusal, Refused

log = logging.getLogger(__name__)

PATH = "membercare.sso.backend.SSOBackend"
ALGORITHM = "RS256"
CLOCK_LEEWAY_SECONDS = 30


class SSOBackend(OIDCAuthenticationBackend):
    """Users of the organisation's provider. Listed in AUTHENTICATION_BACKENDS when SSO is on.

    Django asks every backend's `authenticate()` at a local sign-in: this one never answers there.
    The callback view calls `sign_in()` with the flow's nonce and PKCE verifier instead, so that a
    refused SSO sign-in is not counted as a failed password (axes) nor recorded as one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Nothing read from the provider here: Django builds every backend to load a session or
        # check a permission, and local sign-in must work while the provider is down.
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> Any:
        # ModelBackend's: a deactivated user's session no longer signs them in.
        return ModelBackend.get_user(self, user_id)

    def sign_in(
        self, request: HttpRequest, *, code: str, nonce: str, code_verifier: str | None
    ) -> tuple[Any, dict[str, Any]]:
        """Exchange the authorization code; the user and the provider's tokens. Else Refused."""
        self.request = request
        try:
            self.point_at(provider.endpoints())
            payload = {
                "client_id": self.OIDC_RP_CLIENT_ID,
                "client_secret": self.OIDC_RP_CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": absolutify(request, reverse("sso-callback")),
            }
            if code_verifier is not None:
                payload["code_verifier"] = code_verifier
            tokens = self.get_token(payload)
            claims = self.verified_claims(tokens, nonce=nonce)
        except Exception as exc:
            refusal = refusal_for(exc)
            if refusal is None:
                raise
            # The exception's name and our own message only: no token, no claim.
            log.warning("SSO sign-in refused (%s): %s %s", refusal, type(exc).__name__, exc)
            raise Refused(refusal) from exc
        user = accounts.sign_in(issuer=self.endpoints.issuer, claims=claims, request=request)
        return user, tokens

    def refreshed(self, refresh_token: str) -> dict[str, Any]:
        """A refresh-token grant: new tokens, or HTTPError (400 invalid_grant: the user is gone)."""
        self.point_at(provider.endpoints())
        return self.get_token(
            {
                "client_id": self.OIDC_RP_CLIENT_ID,
                "client_secret": self.OIDC_RP_CLIENT_SECRET,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            }
        )

    def userinfo(self, access_token: str) -> dict[str, Any]:
        """The userinfo endpoint's claims, or HTTPError (401: the token or the user is gone)."""
        self.point_at(provider.endpoints())
        claims = self.get_userinfo(access_token, None, None)
        if not isinstance(claims, dict) or "sub" not in claims:
            raise SuspiciousOperation("userinfo without a subject")
        return claims

    def point_at(self, endpoints: provider.Endpoints) -> None:
        """The attributes the library's methods read, from discovery and the settings."""
        self.endpoints = endpoints
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def verified_claims(self, tokens: dict[str, Any], *, nonce: str | None) -> dict[str, Any]:
        """The ID token's claims, verified, with userinfo's on top (for the same subject).

        Providers differ in where they put the groups claim (Entra ID: the ID token only; others:
        userinfo): both are read. `nonce` is checked at sign-in; a refreshed ID token has none
        to check.
        """
        id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise SuspiciousOperation("token answer without an ID token and an access token")
        id_claims = self._verify_jws(id_token, self.retrieve_matching_jwk(id_token))
        if nonce is not None and id_claims.get("nonce") != nonce:
            raise SuspiciousOperation("ID token nonce does not match")
        userinfo = self.userinfo(access_token)
        if userinfo["sub"] != id_claims["sub"]:
            raise SuspiciousOperation("userinfo is about another subject")
        return {**id_claims, **userinfo}

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """RS256 with the provider's key; issued by our issuer, for us, not expired."""
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[ALGORITHM],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.endpoints.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {type(exc).__name__}") from exc
        # OpenID Connect Core 3.1.3.7: with several audiences, we must be the authorized party.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences, and not authorized to us")
        return claims


def refusal_for(exc: Exception) -> Refusal | None:
    """What went wrong talking to the provider; None for an error that is not about it."""
    if isinstance(exc, provider.ProviderUnavailable | requests.ConnectionError | requests.Timeout):
        return Refusal.UNREACHABLE
    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        return Refusal.UNREACHABLE if status >= 500 else Refusal.PROVIDER_REFUSED
    if isinstance(exc, requests.RequestException):
        return Refusal.UNREACHABLE
    if isinstance(exc, SuspiciousOperation | jwt.PyJWTError | KeyError | ValueError | TypeError):
        return Refusal.BAD_TOKEN  # a token or an answer that does not hold up
    return None
