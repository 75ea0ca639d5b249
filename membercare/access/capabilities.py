"""What a person may do in membercare: a fixed set of capabilities, stored as Django permissions.

Access groups (Django groups) bundle capabilities; admins manage them in the dashboard.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Cap(StrEnum):
    """Each value is a permission codename of the `access` app (`access.<value>`)."""

    LOOKUP = "lookup_members"
    CONTACT = "view_contact"
    VERIFY = "verify_contact"
    REVEAL = "reveal_contact"
    TIERS = "view_tiers"
    POINTS = "view_points"
    COUPONS = "view_coupons"
    TRANSACTIONS = "view_transactions"
    STORE_TRANSACTIONS = "view_store_transactions"
    FRAUD = "view_fraud"
    BULK = "bulk_lookup"
    AUDIT = "read_audit"
    GROUPS = "manage_groups"

    @property
    def permission(self) -> str:
        return f"access.{self.value}"

    @property
    def label(self) -> str:
        """What the capability lets one do, in the active language."""
        return str(LABELS[self])


LABELS = {
    Cap.LOOKUP: _("Look up members"),
    Cap.CONTACT: _("See contact details unmasked"),
    Cap.VERIFY: _("Verify a caller's contact details"),
    Cap.REVEAL: _("Reveal a masked field, with a reason"),
    Cap.TIERS: _("See tiers and progress"),
    Cap.POINTS: _("See points"),
    Cap.COUPONS: _("See coupons"),
    Cap.TRANSACTIONS: _("See transactions"),
    Cap.STORE_TRANSACTIONS: _("See transactions of their own store"),
    Cap.FRAUD: _("See fraud status"),
    Cap.BULK: _("Look up several members at once"),
    Cap.AUDIT: _("Read the audit trail"),
    Cap.GROUPS: _("Manage access groups"),
}

AGENTS = "Call-center agents"
STORE_MANAGERS = "Store managers"
ADMINS = "Admins"

DEFAULT_GROUPS: dict[str, frozenset[Cap]] = {
    AGENTS: frozenset(
        {
            Cap.LOOKUP,
            Cap.VERIFY,
            Cap.REVEAL,
            Cap.TIERS,
            Cap.POINTS,
            Cap.COUPONS,
            Cap.TRANSACTIONS,
            Cap.FRAUD,
        }
    ),
    STORE_MANAGERS: frozenset({Cap.LOOKUP, Cap.TIERS, Cap.POINTS, Cap.STORE_TRANSACTIONS}),
    ADMINS: frozenset(Cap),
}
