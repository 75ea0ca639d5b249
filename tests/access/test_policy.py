"""Secure by default: every view in the URLconf declares who may use it."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from membercare.access.policy import PUBLIC, SIGNED_IN

# Django's admin checks staff status itself and stays for superusers.
EXEMPT_NAMESPACES = {"admin"}


def walk(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield namespace, prefix + str(pattern.pattern), pattern.callback


def declared_views() -> list[tuple[str, object]]:
    return [
        (route, getattr(view, "access_policy", None))
        for namespace, route, view in walk(get_resolver().url_patterns)
        if namespace not in EXEMPT_NAMESPACES
    ]


def test_every_view_declares_its_access_policy():
    missing = [route for route, policy in declared_views() if policy is None]
    assert not missing, f"views without @requires/@signed_in/@public: {missing}"


def test_policies_are_capabilities_or_the_two_named_exceptions():
    for route, policy in declared_views():
        assert policy in (PUBLIC, SIGNED_IN) or (isinstance(policy, tuple) and policy), route


def test_only_sign_in_the_sandbox_and_the_operators_endpoints_are_public():
    """And the session's time left, which says only "signed out" to a signed-out page; health
    checks, which say nothing of anyone; metrics, behind their own token; and the language menu,
    which the sign-in page has too."""
    public = sorted(route for route, policy in declared_views() if policy == PUBLIC)
    assert public == [
        "accounts/language/",
        "accounts/login/",
        "accounts/session/",
        "accounts/sso/authenticate/",
        "accounts/sso/callback/",
        "healthz",
        "metrics",
        "readyz",
        "sandbox/v1.1/customer/get",
    ]
