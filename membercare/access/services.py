"""Reads and writes of access groups: the only code that changes who may do what.

Every write is keyword-only, runs in one transaction, writes exactly one audit event when something
changed (none when nothing did) and refuses a change that would leave nobody able to manage access
groups. Only the capabilities of `Cap` are read or written; a group's other Django permissions
(given in Django admin) are left alone.

Permissions take effect on the affected users' very next request: Django's ModelBackend caches
them on the user object, which AuthenticationMiddleware loads afresh for every request.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from membercare.access.capabilities import DEFAULT_GROUPS, Cap
from membercare.audit.events import record
from membercare.audit.models import Action

Actor = AbstractBaseUser | AnonymousUser | None

NAME_MAX_LENGTH = Group._meta.get_field("name").max_length or 150


class RefusedChange(Exception):
    """A change the rules do not allow; `message` says why, for the admin who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NameTaken(RefusedChange):
    """Another group already has this name (names are unique, ignoring case)."""


class WouldLockOut(RefusedChange):
    """The change would leave no active user able to manage access groups."""


@dataclass(frozen=True)
class GroupRow:
    """One group as the matrix shows it."""

    group: Group
    member_count: int
    capabilities: frozenset[Cap]

    @property
    def id(self) -> int:
        return self.group.pk

    @property
    def name(self) -> str:
        return self.group.name


# Reads


def group_rows() -> list[GroupRow]:
    """Every group, by name, with its member count and its capabilities (two queries)."""
    groups = (
        Group.objects.annotate(member_count=Count("user", distinct=True))
        .prefetch_related(Prefetch("permissions", queryset=_cap_permissions(), to_attr="caps"))
        .order_by("name", "pk")
    )
    return [
        GroupRow(
            group=group,
            member_count=group.member_count,
            capabilities=_caps_of(group.caps),
        )
        for group in groups
    ]


def group_row(*, group: Group) -> GroupRow:
    return GroupRow(
        group=group,
        member_count=group.user_set.count(),
        capabilities=capabilities_of(group=group),
    )


def capabilities_of(*, group: Group) -> frozenset[Cap]:
    return _caps_of(group.permissions.filter(_is_cap_permission()))


def members_of(*, group: Group) -> QuerySet[User]:
    return group.user_set.order_by("username")


def why_not_delete(*, group: Group) -> str:
    """Why deleting `group` would be refused: it would lock everyone out ("" when it would not)."""
    if not _loses_last_manager(drop_group=group):
        return ""
    return _(
        "“%(group)s” is the last group with members that can manage access groups: deleting "
        "it would lock everyone out. Give “%(capability)s” to another group with members first."
    ) % {"group": group.name, "capability": Cap.GROUPS.label}


# Writes


def create_group(*, name: str, actor: Actor, request: HttpRequest | None = None) -> Group:
    name = _clean_name(name)
    with transaction.atomic():
        _ensure_name_free(name)
        try:
            with transaction.atomic():
                group = Group.objects.create(name=name)
        except IntegrityError as error:  # created at the same moment by someone else
            raise NameTaken(_taken_message(name)) from error
        _audit(request, actor, group=name, change="created")
    return group


def rename_group(
    *, group: Group, name: str, actor: Actor, request: HttpRequest | None = None
) -> bool:
    """Rename `group`; False when the name is unchanged."""
    name = _clean_name(name)
    if name == group.name:
        return False
    with transaction.atomic():
        _ensure_name_free(name, other_than=group)
        old = group.name
        group.name = name
        try:
            with transaction.atomic():
                group.save(update_fields=["name"])
        except IntegrityError as error:
            group.name = old
            raise NameTaken(_taken_message(name)) from error
        _audit(request, actor, group=name, change=f"renamed “{old}” → “{name}”", old_name=old)
    return True


def delete_group(*, group: Group, actor: Actor, request: HttpRequest | None = None) -> int:
    """Delete `group`; returns how many members it had (they lose what it gave them)."""
    with transaction.atomic():
        _lock_access_changes()
        if refusal := why_not_delete(group=group):
            raise WouldLockOut(refusal)
        members = group.user_set.count()
        name = group.name
        group.delete()
        _audit(
            request,
            actor,
            group=name,
            change=f"deleted (it had {members} member{'' if members == 1 else 's'})",
            members=members,
        )
    return members


def set_capability(
    *,
    group: Group,
    cap: Cap,
    granted: bool,
    actor: Actor,
    request: HttpRequest | None = None,
) -> bool:
    """Grant or revoke one capability; False when the group already was that way."""
    permission = _permission(cap)
    with transaction.atomic():
        _lock_access_changes()
        has = group.permissions.filter(pk=permission.pk).exists()
        if has == granted:
            return False
        if granted:
            group.permissions.add(permission)
        else:
            if cap is Cap.GROUPS and _loses_last_manager(drop_group=group):
                raise WouldLockOut(
                    _(
                        "“%(group)s” is the last group with members that can manage access "
                        "groups: taking “%(capability)s” away would lock everyone out. Give it to "
                        "another group with members first."
                    )
                    % {"group": group.name, "capability": cap.label}
                )
            group.permissions.remove(permission)
        _audit(
            request,
            actor,
            group=group.name,
            change=f"{'granted' if granted else 'revoked'} “{cap.label}”",
            capability=cap.value,
        )
    return True


def add_member(
    *, group: Group, user: User, actor: Actor, request: HttpRequest | None = None
) -> bool:
    """Add `user` to `group`; False when they already were a member."""
    with transaction.atomic():
        _lock_access_changes()
        if group.user_set.filter(pk=user.pk).exists():
            return False
        group.user_set.add(user)
        _audit(
            request,
            actor,
            group=group.name,
            change=f"added member {user.get_username()}",
            user=user.get_username(),
        )
    return True


def remove_member(
    *, group: Group, user: User, actor: Actor, request: HttpRequest | None = None
) -> bool:
    """Remove `user` from `group`; False when they were not a member."""
    with transaction.atomic():
        _lock_access_changes()
        if not group.user_set.filter(pk=user.pk).exists():
            return False
        if _loses_last_manager(drop_membership=(group, user)):
            raise WouldLockOut(
                _(
                    "%(user)s is the last active member of the last group that can manage access "
                    "groups: removing them would lock everyone out. Add someone else first."
                )
                % {"user": user.get_username()}
            )
        group.user_set.remove(user)
        _audit(
            request,
            actor,
            group=group.name,
            change=f"removed member {user.get_username()}",
            user=user.get_username(),
        )
    return True


# Helpers


def _cap_permissions() -> QuerySet[Permission]:
    return Permission.objects.filter(_is_cap_permission())


def _is_cap_permission() -> Q:
    return Q(content_type__app_label="access", codename__in=[cap.value for cap in Cap])


def _caps_of(permissions: Iterable[Permission]) -> frozenset[Cap]:
    return frozenset(Cap(permission.codename) for permission in permissions)


def _permission(cap: Cap) -> Permission:
    return Permission.objects.get(content_type__app_label="access", codename=cap.value)


def _lock_access_changes() -> None:
    """Serialise group changes, so that two admins cannot each remove the last-but-one manager.

    Locks the `manage_groups` permission row until the transaction ends (a no-op on SQLite,
    whose writes are serialised anyway).
    """
    Permission.objects.select_for_update(of=("self",)).filter(
        content_type__app_label="access", codename=Cap.GROUPS.value
    ).exists()


def _loses_last_manager(
    *,
    drop_group: Group | None = None,
    drop_membership: tuple[Group, User] | None = None,
) -> bool:
    """Whether some active user manages groups through a group now, and nobody would after.

    "Through a group": superusers, who manage groups in Django admin, do not count.
    """
    memberships = get_user_model().groups.through.objects.filter(
        group__permissions__content_type__app_label="access",
        group__permissions__codename=Cap.GROUPS.value,
        user__is_active=True,
    )
    if not memberships.exists():
        return False  # nobody to lock out (groups are managed by superusers alone)
    after = memberships
    if drop_group is not None:
        after = after.exclude(group=drop_group)
    if drop_membership is not None:
        group, user = drop_membership
        after = after.exclude(group=group, user=user)
    return not after.exists()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise RefusedChange(_("A group needs a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise RefusedChange(
            _("A group's name has at most %(limit_value)d characters.")
            % {"limit_value": NAME_MAX_LENGTH}
        )
    return name


def _ensure_name_free(name: str, *, other_than: Group | None = None) -> None:
    taken = Group.objects.filter(name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise NameTaken(_taken_message(name))


def _taken_message(name: str) -> str:
    return _("There is already a group called “%(name)s”. Choose another name.") % {"name": name}


def _audit(
    request: HttpRequest | None, actor: Actor, *, group: str, change: str, **more: Any
) -> None:
    """One `group_change` event: the group's name, a short description, and a few plain facts."""
    record(
        request,
        action=Action.GROUP_CHANGE,
        actor=actor,
        detail={"group": group, "change": change, **more},
    )


def ensure_default_groups() -> None:
    """Create any missing default group with its capabilities; existing ones stay as they are.

    The migration creates them once; a fresh test database flushed by a live-server test, or
    `manage.py demo_users` after an admin deleted one, needs them again.
    """
    create_permissions(apps.get_app_config("access"), verbosity=0)
    for name, caps in DEFAULT_GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(
                _cap_permissions().filter(codename__in=[cap.value for cap in caps])
            )
