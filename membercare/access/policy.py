"""Access declared on every view, and enforced on the server.

Each view says what it needs with one decorator: `@requires(Cap.X, ...)`, `@signed_in` (any
signed-in user) or `@public` (no sign-in). `tests/access/test_policy.py` walks the URLconf and fails
on any view without a declaration, so a new view cannot be forgotten.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from membercare.access.capabilities import Cap

PUBLIC = "public"
SIGNED_IN = "signed-in"

# The capabilities that change what the customer view shows (a preview names those it held back).
CUSTOMER_VIEW_CAPS = frozenset(Cap) - {Cap.LOOKUP, Cap.BULK, Cap.GROUPS}


@dataclass(frozen=True)
class Shows:
    """Which panels and controls a viewer gets: templates ask this, the views enforce it."""

    contact: bool
    verify: bool
    reveal: bool  # only for those who see contact details masked
    tiers: bool
    points: bool
    coupons: bool
    transactions: bool
    store_transactions_only: bool
    fraud: bool
    viewed_by: bool


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as far as access goes: their capabilities and, for managers, their store."""

    capabilities: frozenset[Cap]
    store_code: str = ""
    preview_of: str = ""  # an access group's name when an admin previews "as this group"
    held_back: frozenset[Cap] = frozenset()  # in a preview: the group's, not the previewer's

    @property
    def held_back_labels(self) -> list[str]:
        """What a preview leaves out of the group's view, as the group page names it."""
        return [cap.label for cap in Cap if cap in self.held_back and cap in CUSTOMER_VIEW_CAPS]

    def can(self, cap: Cap) -> bool:
        return cap in self.capabilities

    def can_any(self, caps: Iterable[Cap]) -> bool:
        return any(cap in self.capabilities for cap in caps)

    @property
    def transaction_scope(self) -> str | None:
        """Which transactions they see: None, none; "", every store's; a store code, that store's.

        Store managers' transactions are asked for with Capillary's store_code filter, and kept
        to their store's whatever Capillary answers (masking.visible_transactions).
        """
        if self.can(Cap.TRANSACTIONS):
            return ""
        if self.can(Cap.STORE_TRANSACTIONS) and self.store_code:
            return self.store_code
        return None

    @cached_property
    def shows(self) -> Shows:
        return Shows(
            contact=self.can(Cap.CONTACT),
            verify=self.can(Cap.VERIFY),
            reveal=self.can(Cap.REVEAL) and not self.can(Cap.CONTACT),
            tiers=self.can(Cap.TIERS),
            points=self.can(Cap.POINTS),
            coupons=self.can(Cap.COUPONS),
            transactions=self.transaction_scope is not None,
            store_transactions_only=bool(self.transaction_scope),
            fraud=self.can(Cap.FRAUD),
            viewed_by=self.can(Cap.AUDIT),
        )


def viewer_for(user: Any) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return Viewer(frozenset())
    granted = user.get_all_permissions()  # superusers have every permission
    capabilities = frozenset(cap for cap in Cap if cap.permission in granted)
    profile = getattr(user, "staff_profile", None)
    return Viewer(capabilities, store_code=profile.store_code if profile else "")


def viewer_for_group(group: Any, *, previewer: Viewer) -> Viewer:
    """The admins' "view as this group" preview: the group's view, cut to what the previewer sees.

    A preview never shows more than its previewer may see themselves: a groups admin without the
    contact capability previewing "Admins" still sees contact details masked. What the group has
    and the previewer lacks is held back, and the preview says so.
    """
    granted = set(
        group.permissions.filter(content_type__app_label="access").values_list(
            "codename", flat=True
        )
    )
    of_group = frozenset(cap for cap in Cap if cap.value in granted)
    return Viewer(
        of_group & previewer.capabilities,
        store_code=previewer.store_code,  # a group has no store: the previewer's own, if any
        preview_of=group.name,
        held_back=of_group - previewer.capabilities,
    )


def viewer_of(request: HttpRequest) -> Viewer:
    """The request's viewer, computed once per request (and remembered across them)."""
    viewer = getattr(request, "_viewer", None)
    if viewer is None:
        viewer = _remembered_viewer(request.user)
        request._viewer = viewer  # type: ignore[attr-defined]
    return viewer


# A user's viewer costs three queries (their permissions, their groups', their staff profile), on
# every request. It is kept in the cache under a generation that any change to who may do what
# moves on (access_changed(), from membercare.access.signals): the next request of everyone reads
# it afresh. ACCESS_REMEMBER_SECONDS bounds what a change the generation does not reach could
# leave stale: one made behind Django's back (raw SQL), or, without Redis, one made in another
# process, whose cache is its own (there the default is seconds, not minutes).
GENERATION_KEY = "access:generation"


def access_changed() -> None:
    """Forget every remembered viewer: a group, a membership, a permission or a store changed."""
    cache.add(GENERATION_KEY, 0, None)
    cache.incr(GENERATION_KEY)


def _remembered_viewer(user: Any) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return Viewer(frozenset())
    # The user row is read fresh on every request: its superuser flag goes in the key.
    generation = cache.get(GENERATION_KEY, 0)
    key = f"access:viewer:{user.pk}:{int(user.is_superuser)}:{generation}"
    held = cache.get(key)
    if held is not None:
        caps, store_code = held
        return Viewer(frozenset(Cap(cap) for cap in caps), store_code=store_code)
    viewer = viewer_for(user)
    remembered = (sorted(viewer.capabilities), viewer.store_code)
    cache.set(key, remembered, settings.ACCESS_REMEMBER_SECONDS)
    return viewer


def requires[View: Callable[..., Any]](*caps: Cap, any_of: bool = False) -> Callable[[View], View]:
    """The view needs every one of `caps` (or, with any_of, at least one); else 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            viewer = viewer_of(request)
            allowed = viewer.can_any(caps) if any_of else all(viewer.can(c) for c in caps)
            if not allowed:
                _on_denied(request, caps, kwargs)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_policy = tuple(caps)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def signed_in[View: Callable[..., Any]](view: View) -> View:
    """Any signed-in user (LoginRequiredMiddleware does the checking)."""
    view.access_policy = SIGNED_IN  # type: ignore[attr-defined]
    return view


def public[View: Callable[..., Any]](view: View) -> View:
    """No sign-in needed (the sign-in page itself, the sandbox with its own auth)."""
    view = login_not_required(view)
    view.access_policy = PUBLIC  # type: ignore[attr-defined]
    return view


def _on_denied(request: HttpRequest, caps: tuple[Cap, ...], kwargs: dict[str, Any]) -> None:
    # Imported here: the audit app's views use this module's decorators.
    from membercare.audit.events import record

    view = request.resolver_match.view_name if request.resolver_match else ""
    # Customer URLs carry the member's Capillary user id; other views' ids are not members.
    member_id = kwargs.get("user_id") if view.startswith("customer") else None
    detail = {"needs": [cap.value for cap in caps], "view": view}
    record(request, action="denied", outcome="denied", member_id=member_id, detail=detail)
