"""The audit trail: one row per thing a person did with member data, never changed afterwards.

Append-only in the ORM (this module) and, on PostgreSQL, in the database too (a trigger added by
migration 0002). The one change either allows: when a user is deleted, their events lose the
link to the user row (`actor` becomes NULL) and keep `actor_username`.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Someone tried to change or remove an audit event."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"The audit trail is append-only: {what} is not allowed.")


# The one update an audit row accepts: Django's SET_NULL when the acting user is deleted.
_DETACH_ACTOR = ({"actor": None}, {"actor_id": None})


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        if kwargs not in _DETACH_ACTOR:
            _refuse("update()")
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        _refuse("delete()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update()")


class Action(models.TextChoices):
    SEARCH = "search", _("Search")
    VIEW_CUSTOMER = "view_customer", _("Opened a member")
    VIEW_PANEL = "view_panel", _("Opened a panel")
    COUPON_PAGE = "coupon_page", _("Coupon page")
    REVEAL = "reveal", _("Revealed a field")
    VERIFY = "verify", _("Verified contact details")
    DENIED = "denied", _("Access denied")
    GROUP_CHANGE = "group_change", _("Access group change")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    AUDIT_EXPORT = "audit_export", _("Exported the audit trail")
    LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
    UNLOCKED = "unlocked", _("Sign-in lockout lifted")
    MFA_ENROLLED = "mfa_enrolled", _("Set up a second factor")
    MFA_VERIFIED = "mfa_verified", _("Passed the second factor")
    MFA_FAILED = "mfa_failed", _("Failed the second factor")
    MFA_RESET = "mfa_reset", _("Second factor reset")
    PASSWORD_CHANGE = "password_change", _("Changed their password")
    SESSION_ENDED = "session_ended", _("Session ended")
    SSO_REFUSED = "sso_refused", _("Single sign-on refused")
    CALL_END = "call_end", _("Ended a call")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When, in UTC.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        db_index=False,  # the (actor, at) index serves lookups by actor
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    outcome = models.CharField(max_length=32, default="ok")
    # Capillary's user id. Indexed by the (member_id, at) index, which leads with it.
    member_id = models.BigIntegerField(null=True, blank=True)
    identifier_kind = models.CharField(max_length=32, blank=True)
    identifier_hash = models.CharField(
        max_length=64, blank=True, help_text="Keyed hash of the identifier; never the value."
    )
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Capillary's X-Cap-Requestid of the upstream call behind the event, when there was one.
    request_id = models.CharField(max_length=128, blank=True)
    # Our own request id (the request's log lines carry it, membercare/request_log.py).
    trace_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # No add/change/delete permissions: reading is the `read_audit` capability.
        default_permissions = ()
        # Django's own machinery (deletion collector, related managers) goes through the guard too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["member_id", "at"], name="audit_member_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "(nobody)"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("saving an existing event")
        # Never an UPDATE, even when a primary key was given: an existing row makes the insert fail.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete()")

    def detail_items(self) -> list[tuple[str, str]]:
        """The detail as (label, value) pairs, for the audit page."""
        detail = self.detail if isinstance(self.detail, dict) else {"detail": self.detail}
        return [(str(key).replace("_", " "), _as_text(value)) for key, value in detail.items()]


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(item) for item in value)
    return "" if value is None else str(value)
