"""The Capillary client: the only code in membercare that speaks HTTP to Capillary.

Other apps import from here, never from the modules inside:

    from membercare.capillary import FULL_VIEW, client_from_settings, parse_identifier

    identifier = parse_identifier(raw, dial_code=settings.CAPILLARY_MOBILE_DIAL_CODE)
    customer = client_from_settings().get_customer(identifier=identifier, query=FULL_VIEW)

`__all__` is what they use, and nothing more: export a name here when an app outside the package
needs it.
"""

from ._text import Words
from .client import CapillaryClient
from .errors import (
    CapillaryError,
    ConfigurationError,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
    MalformedResponse,
    RateLimited,
    Unavailable,
)
from .identifiers import Identifier, IdentifierKind, detect_kind, parse_identifier
from .names import is_cjk, is_rtl
from .query import (
    FULL_VIEW,
    CustomerQuery,
    coupons_page,
    points_detail,
    tier_what_if,
    transactions_only,
)
from .settings import client_from_settings
from .transport import retries_gated
from .types import (
    Card,
    Coupon,
    Customer,
    DelayedAccrual,
    ExpiredPoints,
    Field,
    FraudDetails,
    Number,
    PartnerProgram,
    PointsEntry,
    PointsExpiry,
    Program,
    ProgramSummary,
    PromotionPoints,
    Renewal,
    RenewStrategy,
    TierChange,
    TierUpdateCriteria,
    Tracker,
    Transaction,
    UpgradeStrategy,
    Warning,
    WarningKind,
)

__all__ = [
    "FULL_VIEW",
    "CapillaryClient",
    "CapillaryError",
    "Card",
    "ConfigurationError",
    "Coupon",
    "Customer",
    "CustomerDeleted",
    "CustomerNotFound",
    "CustomerQuery",
    "DelayedAccrual",
    "ExpiredPoints",
    "Field",
    "FraudDetails",
    "Identifier",
    "IdentifierKind",
    "InvalidIdentifier",
    "MalformedResponse",
    "Number",
    "PartnerProgram",
    "PointsEntry",
    "PointsExpiry",
    "Program",
    "ProgramSummary",
    "PromotionPoints",
    "RateLimited",
    "RenewStrategy",
    "Renewal",
    "TierChange",
    "TierUpdateCriteria",
    "Tracker",
    "Transaction",
    "Unavailable",
    "UpgradeStrategy",
    "Warning",
    "WarningKind",
    "Words",
    "client_from_settings",
    "coupons_page",
    "detect_kind",
    "is_cjk",
    "is_rtl",
    "parse_identifier",
    "points_detail",
    "retries_gated",
    "tier_what_if",
    "transactions_only",
]
