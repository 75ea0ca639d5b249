"""Every change to who may do what forgets the remembered viewers (policy.access_changed).

Connected in AccessConfig.ready: a group's capabilities, a user's groups or own permissions, a
group deleted, a store manager's store. The change then applies from everyone's next request.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import signals

from membercare.access.models import StaffProfile
from membercare.access.policy import access_changed


def connect() -> None:
    User = get_user_model()
    for through in (Group.permissions.through, User.groups.through, User.user_permissions.through):
        signals.m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"access.{through}")
    signals.post_delete.connect(_on_change, sender=Group, dispatch_uid="access.group_deleted")
    signals.post_save.connect(_on_profile_saved, sender=StaffProfile, dispatch_uid="access.profile")
    signals.post_delete.connect(_on_change, sender=StaffProfile, dispatch_uid="access.profile-")


def _on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        access_changed()


def _on_change(sender: Any, **kwargs: Any) -> None:
    access_changed()


def _on_profile_saved(
    sender: Any, instance: StaffProfile, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    # A user choosing their language changes nobody's access: saved with update_fields, or a new
    # profile without a store (a viewer without a profile has no store either).
    if update_fields is not None and set(update_fields) <= {"language"}:
        return
    if created and not instance.store_code:
        return
    access_changed()
