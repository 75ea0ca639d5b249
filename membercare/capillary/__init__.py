"""The Capillary client: the only code in membercare that speaks HTTP to Capillary.

from membercare.capillary import FULL_VIEW, client_from_settings, parse_identifier

identifier = parse_identifier(raw, dial_code=settings.CAPILLARY_MOBILE_DIAL_CODE)
customer = client_from_settings().get_customer(identifier, FULL_VIEW)
"""

from .client import CapillaryClient
from .errors import (
    BatchTooLarge,
    CapillaryError,
    ConfigurationError,
    CustomerDeleted,
    CustomerNotFound,
    InvalidIdentifier,
    MalformedResponse,
    NoPermission,
    RateLimited,
    Unavailable,
)
from .identifiers import Identifier, IdentifierKind, detect_kind, parse_identifier
from .query import FULL_VIEW, CustomerQuery, coupons_page, transactions_only
from .settings import client_from_settings
from .types import (
    Card,
    Coupon,
    CouponStatus,
    Customer,
    ExpiredPoints,
    Field,
    FraudDetails,
    ItemStatus,
    ItemWarning,
    Place,
    PointsExpiry,
    PointsSummary,
    ProgramSummary,
    Renewal,
    RenewStrategy,
    Subscription,
    TierChange,
    Tracker,
    Transaction,
    UpgradeStrategy,
    Warning,
)

__all__ = [
    "FULL_VIEW",
    "BatchTooLarge",
    "CapillaryClient",
    "CapillaryError",
    "Card",
    "ConfigurationError",
    "Coupon",
    "CouponStatus",
    "Customer",
    "CustomerDeleted",
    "CustomerNotFound",
    "CustomerQuery",
    "ExpiredPoints",
    "Field",
    "FraudDetails",
    "Identifier",
    "IdentifierKind",
    "InvalidIdentifier",
    "ItemStatus",
    "ItemWarning",
    "MalformedResponse",
    "NoPermission",
    "Place",
    "PointsExpiry",
    "PointsSummary",
    "ProgramSummary",
    "RateLimited",
    "RenewStrategy",
    "Renewal",
    "Subscription",
    "TierChange",
    "Tracker",
    "Transaction",
    "Unavailable",
    "UpgradeStrategy",
    "Warning",
    "client_from_settings",
    "coupons_page",
    "detect_kind",
    "parse_identifier",
    "transactions_only",
]
