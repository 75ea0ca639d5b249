"""What a person may do in membercare: a fixed set of capabilities, stored as Django permissions.

Access groups (Django groups) bundle capabilities; admins manage them in the dashboard.
"""

from enum import StrEnum


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
        return LABELS[self]


LABELS = {
    Cap.LOOKUP: "Look up members",
    Cap.CONTACT: "See contact details unmasked",
    Cap.VERIFY: "Verify a caller's contact details",
    Cap.REVEAL: "Reveal a masked field, with a reason",
    Cap.TIERS: "See tiers and progress",
    Cap.POINTS: "See points",
    Cap.COUPONS: "See coupons",
    Cap.TRANSACTIONS: "See transactions",
    Cap.STORE_TRANSACTIONS: "See transactions of their own store",
    Cap.FRAUD: "See fraud status",
    Cap.BULK: "Look up several members at once",
    Cap.AUDIT: "Read the audit trail",
    Cap.GROUPS: "Manage access groups",
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
