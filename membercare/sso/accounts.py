"""What the provider asserts, applied to membercare's users: the account, its groups, its store.

The provider owns an SSO user's access groups: at every sign-in and re-check their groups become
exactly the access groups OIDC_GROUP_MAP names for the provider groups they are in, and any other
group they were given here is removed. One source of truth, so that removing someone at the
provider always removes their access here (a group added by hand in membercare would otherwise
outlive every group the provider took away). Provider groups that are not in the map are ignored.
"""

import hashlib
import logging
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from membercare.access.models import StaffProfile
from membercare.audit.events import record
from membercare.audit.models import Action
from membercare.sso.models import SSOIdentity

log = logging.getLogger(__name__)

USERNAME_MAX_LENGTH = 150


class Refusal(StrEnum):
    """Why a sign-in through the provider was refused: the audit event's `reason`."""

    NO_ACCESS = "no_mapped_group"
    DEACTIVATED = "deactivated"
    UNREACHABLE = "provider_unreachable"
    PROVIDER_REFUSED = "provider_refused"
    BAD_TOKEN = "bad_token"  # noqa: S105 - a reason, not a secret
    PROVIDER_ERROR = "provider_error"
    EXPIRED = "expired_or_replayed"


class Refused(Exception):
    """The sign-in is refused; `user` is the existing account it was for, if there is one."""

    def __init__(self, reason: Refusal, user: Any = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.user = user


def mapped_group_names(claims: dict[str, Any]) -> set[str]:
    """The access groups the provider's groups claim maps to (unmapped provider groups ignored)."""
    asserted = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(asserted, str):
        asserted = [asserted]
    if not isinstance(asserted, list):
        return set()
    group_map: dict[str, str] = settings.OIDC_GROUP_MAP
    return {group_map[name] for name in asserted if isinstance(name, str) and name in group_map}


def sign_in(*, issuer: str, claims: dict[str, Any], request: HttpRequest) -> Any:
    """The user these verified claims are, created or updated; Refused when they get no access.

    A user in no mapped group is not created; an existing one loses their groups and is refused.
    A user an admin deactivated here stays deactivated whatever the provider says.
    """
    subject = str(claims["sub"])
    refused: Refused | None = None
    with transaction.atomic():
        identity = (
            SSOIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        groups = _existing_groups(mapped_group_names(claims))
        if not groups:
            # The provider gives them no access here (any more): the groups they had go.
            if identity is not None:
                set_groups(identity.user, [], request=request)
            refused = Refused(Refusal.NO_ACCESS, identity.user if identity else None)
        elif identity is not None and not identity.user.is_active:
            refused = Refused(Refusal.DEACTIVATED, identity.user)
        else:
            if identity is None:
                identity = SSOIdentity.objects.create(
                    user=_new_user(issuer, subject, claims), issuer=issuer, subject=subject
                )
            update(identity.user, claims, request=request)
            identity.last_sign_in_at = timezone.now()
            identity.save(update_fields=["last_sign_in_at"])
    # Raised outside the transaction, so that the removal of a refused user's groups is kept.
    if refused is not None:
        raise refused
    assert identity is not None
    return identity.user


def update(user: Any, claims: dict[str, Any], *, request: HttpRequest | None) -> set[str]:
    """Apply the claims to an existing SSO user: name, email, groups, store. Their groups after."""
    with transaction.atomic():
        fields = {
            "email": str(claims.get("email") or "")[:254],
            "first_name": str(claims.get("given_name") or claims.get("name") or "")[:150],
            "last_name": str(claims.get("family_name") or "")[:150],
        }
        changed = [field for field, value in fields.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, fields[field])
        if changed:
            user.save(update_fields=changed)
        groups = _existing_groups(mapped_group_names(claims))
        set_groups(user, groups, request=request)
        if settings.OIDC_STORE_CLAIM:
            store = claims.get(settings.OIDC_STORE_CLAIM)
            StaffProfile.objects.update_or_create(
                user=user, defaults={"store_code": str(store)[:64] if store else ""}
            )
    return {group.name for group in groups}


def set_groups(user: Any, groups: Iterable[Group], *, request: HttpRequest | None) -> None:
    """Make the user's groups exactly `groups`; one group_change event per change, from the IdP."""
    wanted = {group.pk: group for group in groups}
    current = {group.pk: group for group in user.groups.all()}
    for pk, group in wanted.items():
        if pk not in current:
            user.groups.add(group)
            _audit(request, user, group=group.name, change=f"added member {user.get_username()}")
    for pk, group in current.items():
        if pk not in wanted:
            user.groups.remove(group)
            _audit(request, user, group=group.name, change=f"removed member {user.get_username()}")


def _existing_groups(names: set[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=names))
    if len(groups) < len(names):
        # A renamed or deleted access group: the map names a group that is not there.
        missing = names - {group.name for group in groups}
        log.warning("OIDC_GROUP_MAP names access groups that do not exist: %s", sorted(missing))
    return groups


def _new_user(issuer: str, subject: str, claims: dict[str, Any]) -> Any:
    """A new account with no usable password (it signs in only through the provider).

    Its username is the provider's preferred_username (readable in the audit trail) when no one
    has it, else that name with a short hash of the identity; it is never changed afterwards, so
    the audit trail keeps one name per person even when the provider renames them.
    """
    users = get_user_model().objects
    wanted = str(claims.get("preferred_username") or subject)[:USERNAME_MAX_LENGTH]
    if users.filter(username=wanted).exists():
        suffix = hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:10]
        wanted = f"{wanted[: USERNAME_MAX_LENGTH - len(suffix) - 1]}-{suffix}"
    user = users.create_user(wanted)  # no password given: an unusable one
    return user


def _audit(request: HttpRequest | None, user: Any, *, group: str, change: str) -> None:
    record(
        request,
        action=Action.GROUP_CHANGE,
        actor=user,
        detail={"group": group, "change": change, "user": user.get_username(), "source": "sso"},
    )
