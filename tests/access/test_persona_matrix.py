"""Every URL x every persona x GET and POST, from one table: no unexpected success, no URL left out.

A persona without the capability gets 403 (the panel is not rendered, its data not sent); one who is
signed out or inactive is sent to sign in; the wrong method is 405 for those who may use the view.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from membercare.accounts.models import SignedInSession
from tests.access.test_policy import EXEMPT_NAMESPACES

MEMBER = 50000002  # demo gold
PERSONAS = ("anonymous", "no_group", "agent", "manager", "admin", "inactive")
LOOKUP = {"agent", "manager", "admin"}
ALL_SIGNED_IN = {"no_group", "agent", "manager", "admin"}
EVERYONE = set(PERSONAS)

# url name: (kwargs, method, data, personas allowed, statuses they get)
TABLE: dict[str, tuple[dict, str, dict, set[str], set[int]]] = {
    "home": ({}, "GET", {}, LOOKUP, {200}),
    "search": ({}, "POST", {"q": "demo.gold@example.com"}, LOOKUP, {303}),
    "search-detect": ({}, "POST", {"q": "demo.gold@example.com"}, LOOKUP, {200}),
    "bulk-lookup": ({}, "GET,POST", {"identifiers": "demo.gold@example.com"}, {"admin"}, {200}),
    "customer": ({"user_id": MEMBER}, "GET", {}, LOOKUP, {200}),
    "customer-refresh": ({"user_id": MEMBER}, "POST", {}, LOOKUP, {303}),
    "customer-profile": ({"user_id": MEMBER}, "GET", {}, LOOKUP, {200}),
    "customer-tiers": ({"user_id": MEMBER}, "GET", {}, LOOKUP, {200}),
    "customer-points": ({"user_id": MEMBER}, "GET", {}, LOOKUP, {200}),
    "customer-coupons": ({"user_id": MEMBER}, "GET", {}, {"agent", "admin"}, {200}),
    "customer-transactions": ({"user_id": MEMBER}, "GET", {}, LOOKUP, {200}),
    "customer-verify": (
        {"user_id": MEMBER},
        "POST",
        {"field": "email", "value": "someone@example.com"},
        {"agent", "admin"},
        {200},
    ),
    "customer-reveal": (
        {"user_id": MEMBER},
        "POST",
        {"field": "email", "reason": "caller asked to update it"},
        {"agent", "admin"},
        {200},
    ),
    "customer-end-call": ({"user_id": MEMBER}, "POST", {}, LOOKUP, {200}),
    "group-preview": ({"group_id": "agents"}, "GET", {"user_id": MEMBER}, {"admin"}, {200}),
    "groups": ({}, "GET", {}, {"admin"}, {200}),
    "group-create": ({}, "POST", {"name": "Night shift"}, {"admin"}, {200, 302, 303}),
    "group": ({"group_id": "spare"}, "GET", {}, {"admin"}, {200}),
    "group-capability": (
        {"group_id": "spare", "cap": "view_points"},
        "POST",
        {"granted": "on"},
        {"admin"},
        {200, 302, 303},
    ),
    "group-rename": (
        {"group_id": "spare"},
        "POST",
        {"name": "Spare 2"},
        {"admin"},
        {200, 302, 303},
    ),
    "group-delete": ({"group_id": "spare"}, "POST", {"confirm": "yes"}, {"admin"}, {200, 302, 303}),
    "group-member-add": (
        {"group_id": "spare"},
        "POST",
        {"username": "agent"},
        {"admin"},
        {200, 302, 303},
    ),
    "group-member-remove": (
        {"group_id": "spare", "user_id": "agent"},
        "POST",
        {},
        {"admin"},
        {200, 302, 303},
    ),
    "audit": ({}, "GET", {}, {"admin"}, {200}),
    "audit-export": ({}, "GET", {}, {"admin"}, {200}),
    "login": ({}, "GET,POST", {}, EVERYONE, {200}),
    # Single sign-on is off in the test settings, and its pages are then not there (404): tests/sso/
    # signs in through them with a real provider.
    "sso-start": ({}, "GET", {}, EVERYONE, {404}),
    "sso-callback": ({}, "GET", {}, EVERYONE, {404}),
    "password-change": ({}, "GET,POST", {}, ALL_SIGNED_IN, {200}),
    "session-status": ({}, "GET,POST", {}, EVERYONE, {200}),
    "set-language": ({}, "POST", {"language": "ar", "next": "/"}, EVERYONE, {303}),
    "end-other-sessions": ({}, "POST", {}, ALL_SIGNED_IN, {303}),
    "sign-ins": ({}, "GET", {}, {"admin"}, {200}),
    "session-end": ({"session_id": "session"}, "POST", {}, {"admin"}, {303}),
    "sessions-end": ({}, "POST", {"username": "agent"}, {"admin"}, {303}),
    "unlock": ({}, "POST", {"kind": "username", "value": "agent"}, {"admin"}, {303}),
    # The personas' sessions are verified already: the steps send them on.
    "mfa-setup": ({}, "GET,POST", {}, ALL_SIGNED_IN, {302}),
    "mfa-verify": ({}, "GET,POST", {}, ALL_SIGNED_IN, {302}),
    "mfa-security": ({}, "GET", {}, ALL_SIGNED_IN, {200}),
    "mfa-recovery-codes": ({}, "POST", {"code": "not-a-code"}, ALL_SIGNED_IN, {422}),
    "mfa-reset": ({"user_id": "agent"}, "POST", {}, {"admin"}, {303}),
    "logout": ({}, "POST", {}, ALL_SIGNED_IN, {302}),
    # For the load balancer and Prometheus: the same for everyone; no METRICS_TOKEN in the test
    # settings, so no /metrics (tests/test_metrics.py sets one).
    "healthz": ({}, "GET", {}, EVERYONE, {200}),
    "readyz": ({}, "GET", {}, EVERYONE, {200}),
    "metrics": ({}, "GET", {}, EVERYONE, {404}),
}
# Outside the dashboard's sign-in: the sandbox answers Capillary's Basic auth, not sessions.
SANDBOX = {"customer-get"}


# Each persona of the cast in tests/conftest.py, by the client fixture signed in as them.
CLIENTS = {
    "anonymous": "anonymous_client",
    "no_group": "no_group_client",
    "agent": "agent_client",
    "manager": "manager_client",
    "admin": "group_admin_client",
    "inactive": "inactive_client",
}


@pytest.fixture
def ids(agent, manager, group_admin, no_group, inactive) -> dict[str, int]:
    """The whole cast exists whoever asks; a spare group with the agent in it to change."""
    spare = Group.objects.create(name="Spare")
    spare.user_set.add(agent)
    # A session of the agent's to end (not the requester's own).
    session = SignedInSession.objects.create(session_key="x" * 32, user=agent)
    return {
        "agents": Group.objects.get(name="Call-center agents").pk,
        "spare": spare.pk,
        "agent": agent.pk,
        "session": session.pk,
    }


def url_for(name: str, kwargs: dict, ids: dict) -> str:
    resolved = {
        key: ids.get(value, value) if isinstance(value, str) else value
        for key, value in kwargs.items()
    }
    return reverse(name, kwargs=resolved)


def expected(
    persona: str, method: str, allowed_method: str, allowed: set[str], ok: set[int]
) -> set[int]:
    signed_out = persona in ("anonymous", "inactive")
    if signed_out and "anonymous" not in allowed:
        return {302}
    if persona not in allowed:
        return {403}
    return ok if method in allowed_method.split(",") else {405}


def test_the_table_covers_every_url_in_the_urlconf():
    names = {
        pattern.name
        for namespace, route, pattern in _named_patterns()
        if namespace not in EXEMPT_NAMESPACES
    }
    assert names == set(TABLE) | SANDBOX


def _named_patterns():
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(items, namespace=""):
        for item in items:
            if isinstance(item, URLResolver):
                yield from patterns(item.url_patterns, item.namespace or namespace)
            elif isinstance(item, URLPattern):
                yield namespace, str(item.pattern), item

    return list(patterns(get_resolver().url_patterns))


CASES = [
    (name, persona, method) for name in TABLE for persona in PERSONAS for method in ("GET", "POST")
]


@pytest.mark.usefixtures("live_upstream")
@pytest.mark.parametrize(("name", "persona", "method"), CASES)
def test_persona_gets_exactly_what_the_table_says(request, ids, name, persona, method):
    kwargs, allowed_method, data, allowed, ok = TABLE[name]
    client = request.getfixturevalue(CLIENTS[persona])
    url = url_for(name, kwargs, ids)
    send = client.get if method == "GET" else client.post
    response = send(url, data if method in allowed_method else {})
    assert response.status_code in expected(persona, method, allowed_method, allowed, ok), (
        f"{persona} {method} {url}: {response.status_code}"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_sandbox_needs_capillary_credentials_whoever_asks(request, ids, persona):
    response = request.getfixturevalue(CLIENTS[persona]).get(
        "/sandbox/v1.1/customer/get?email=demo.gold@example.com"
    )
    assert response.status_code == 401
