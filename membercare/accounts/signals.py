"""What ends or starts a session outside a request to do so, connected in AccountsConfig.ready.

A user deactivated, or left without any access (their last group removed, or the group deleted),
loses every session at once rather than at its timeout.
"""

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import Group
from django.db.models import signals as model_signals

from membercare import i18n
from membercare.access.policy import viewer_for
from membercare.accounts import sessions
from membercare.accounts.sessions import Ending
from membercare.audit.events import record
from membercare.audit.models import Action

log = logging.getLogger(__name__)


def connect() -> None:
    User = get_user_model()
    auth_signals.user_logged_in.connect(_on_sign_in, dispatch_uid="accounts.sign_in")
    auth_signals.user_logged_out.connect(_on_sign_out, dispatch_uid="accounts.sign_out")
    model_signals.post_save.connect(_on_user_saved, sender=User, dispatch_uid="accounts.user")
    model_signals.m2m_changed.connect(
        _on_groups_changed, sender=User.groups.through, dispatch_uid="accounts.groups"
    )
    model_signals.pre_delete.connect(_on_group_deleting, sender=Group, dispatch_uid="accounts.g-")
    model_signals.post_delete.connect(_on_group_deleted, sender=Group, dispatch_uid="accounts.g")
    user_locked_out.connect(_on_locked_out, dispatch_uid="accounts.locked_out")


def _on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)
        i18n.remember_language(request, user)


def _on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.forget(request)


def _on_user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        sessions.end_sessions(sessions.active(user=instance), ending=Ending.DEACTIVATED)


def _on_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in {"post_remove", "post_clear"}:
        return
    if isinstance(instance, Group):  # group.user_set.remove(...): pk_set holds the users
        _end_if_no_access(pk_set or set())
    else:
        _end_if_no_access({instance.pk})


def _on_group_deleting(sender: Any, instance: Group, **kwargs: Any) -> None:
    # The memberships go with the group, and no m2m_changed is sent for them.
    instance._members_before_delete = set(instance.user_set.values_list("pk", flat=True))  # type: ignore[attr-defined]


def _on_group_deleted(sender: Any, instance: Group, **kwargs: Any) -> None:
    _end_if_no_access(getattr(instance, "_members_before_delete", set()))


def _end_if_no_access(user_ids: set[int]) -> None:
    # Fresh instances: a user object's permission cache would still hold the removed group's.
    for user in get_user_model().objects.filter(pk__in=user_ids):
        if not viewer_for(user).capabilities:
            sessions.end_sessions(sessions.active(user=user), ending=Ending.NO_ACCESS)


def _on_locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    log.warning("Sign-in paused after repeated failures (the audit trail says whose)")
    record(
        request,
        action=Action.LOCKED_OUT,
        outcome="locked",
        detail={"username": str(username or "")[:150]},
    )
