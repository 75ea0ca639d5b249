"""What every sandbox database holds, whatever the seed: programs, tiers, stores, tills, demo ids.

The demo identities are the table of docs/contract-notes.md, exactly: change both together.
"""

from dataclasses import dataclass
from decimal import Decimal
from hashlib import md5
from typing import Final

from membercare.sandbox.models import Fault, FraudStatus, RenewalBasis, UpgradeBasis

DEFAULT_PROGRAM_ID: Final = 1
REWARDS_PROGRAM_ID: Final = 1
DINING_PROGRAM_ID: Final = 2


Tracker = tuple[str, str, str, str, str, int]  # name, type, mode, case, period type, period


@dataclass(frozen=True)
class UpgradeRule:
    based_on: UpgradeBasis
    threshold: int
    tracker: Tracker | None = None


@dataclass(frozen=True)
class TierSpec:
    id: int
    serial: int
    name: str
    description: str
    validity_months: int | None
    upgrade: tuple[UpgradeRule, ...] = ()
    expression: str = ""
    relation: tuple[tuple[int, ...], ...] = ()
    # (basis, threshold) or, for TRACKER, (basis, threshold, tracker)
    renewal: tuple[tuple[RenewalBasis, int] | tuple[RenewalBasis, int, Tracker], ...] = ()


@dataclass(frozen=True)
class ProgramSpec:
    id: int
    name: str
    description: str
    points_to_currency_ratio: Decimal
    is_default: bool
    tiers: tuple[TierSpec, ...]


TWO_YEAR_TRACKER: Final = (
    "2 Years Upgrade Tracker",
    "BILL_AMOUNT",
    "MOVING_WINDOW",
    "730Days_Case",
    "DAYS",
    730,
)
# A calendar-based cyclic tracker: the year's dining spend, counted again from 1 January.
DINING_TRACKER: Final = (
    "Dining Spend This Year",
    "BILL_AMOUNT",
    "CALENDAR_BASED_CYCLIC_WINDOW",
    "CalendarYear_Case",
    "MONTHS",
    12,
)

PROGRAMS: Final = (
    ProgramSpec(
        id=REWARDS_PROGRAM_ID,
        name="Aurora Rewards",
        description="Earn points on every purchase at Aurora stores",
        points_to_currency_ratio=Decimal("0.2500"),
        is_default=True,
        tiers=(
            TierSpec(11, 1, "Silver", "Entry tier: points on every purchase", None),
            TierSpec(
                12,
                2,
                "Gold",
                "Bonus points and birthday rewards",
                12,
                upgrade=(UpgradeRule(UpgradeBasis.CUMULATIVE_PURCHASES, 25_000),),
                renewal=(
                    (RenewalBasis.VISITS, 6),
                    (RenewalBasis.PURCHASE, 20_000),
                    (RenewalBasis.POINTS, 2_000),
                ),
            ),
            TierSpec(
                13,
                3,
                "Platinum",
                "Priority service and double points weekends",
                12,
                upgrade=(UpgradeRule(UpgradeBasis.CUMULATIVE_PURCHASES, 75_000),),
                renewal=(
                    (RenewalBasis.VISITS, 12),
                    (RenewalBasis.PURCHASE, 60_000),
                    (RenewalBasis.POINTS, 6_000),
                ),
            ),
            TierSpec(
                14,
                4,
                "Diamond",
                "Top tier: personal shopper and lounge access",
                24,
                upgrade=(
                    UpgradeRule(UpgradeBasis.CUMULATIVE_PURCHASES, 200_000),
                    UpgradeRule(UpgradeBasis.CURRENT_POINTS, 20_000),
                    UpgradeRule(UpgradeBasis.TRACKER_VALUE_BASED, 250_000, TWO_YEAR_TRACKER),
                ),
                expression="((A AND B) OR C)",
                relation=((1, 2), (3,)),
                renewal=(
                    (RenewalBasis.VISITS, 24),
                    (RenewalBasis.PURCHASE, 150_000),
                    (RenewalBasis.POINTS, 15_000),
                    (RenewalBasis.TRACKER, 150_000, TWO_YEAR_TRACKER),
                ),
            ),
        ),
    ),
    ProgramSpec(
        id=DINING_PROGRAM_ID,
        name="Aurora Dining",
        description="Points and perks at Aurora restaurants and cafes",
        points_to_currency_ratio=Decimal("0.1000"),
        is_default=False,
        tiers=(
            TierSpec(21, 1, "Member", "Points on every meal", None),
            TierSpec(
                22,
                2,
                "Insider",
                "Free dessert and priority booking",
                12,
                upgrade=(UpgradeRule(UpgradeBasis.CURRENT_POINTS, 2_000),),
                renewal=((RenewalBasis.VISITS, 4), (RenewalBasis.PURCHASE, 8_000)),
            ),
            TierSpec(
                23,
                3,
                "Elite",
                "Chef's table and complimentary valet",
                12,
                upgrade=(UpgradeRule(UpgradeBasis.TRACKER_VALUE_BASED, 50_000, DINING_TRACKER),),
                renewal=(
                    (RenewalBasis.VISITS, 10),
                    (RenewalBasis.PURCHASE, 40_000),
                    (RenewalBasis.TRACKER, 30_000, DINING_TRACKER),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class PartnerProgramSpec:
    """A partner program linked to one of the org's programs (`programs_list`'s PartnerPrograms)."""

    id: int
    program_id: int
    name: str
    description: str
    type: str  # SUPPLEMENTARY (a paid or granted add-on) or EXTERNAL (another brand's program)
    points_exchange_rate: Decimal
    membership_period: tuple[str, int] | None = None  # ("DAYS", 365); None for EXTERNAL ones
    tiers: tuple[str, ...] = ()  # tier names, lowest first; empty when not tier based


PARTNER_PROGRAMS: Final = (
    PartnerProgramSpec(
        31,
        REWARDS_PROGRAM_ID,
        "Aurora Plus",
        "Paid membership: free delivery and early sale access",
        "SUPPLEMENTARY",
        Decimal("1"),
        ("DAYS", 365),
    ),
    PartnerProgramSpec(
        32,
        REWARDS_PROGRAM_ID,
        "SkyMiles Partners",
        "Convert Aurora points to airline miles",
        "EXTERNAL",
        Decimal("0.5"),
        tiers=("Blue", "Silver", "Gold"),
    ),
    PartnerProgramSpec(
        33,
        DINING_PROGRAM_ID,
        "Aurora Dining Club",
        "Monthly tasting menus for subscribers",
        "SUPPLEMENTARY",
        Decimal("1"),
        ("DAYS", 30),
    ),
)


@dataclass(frozen=True)
class StoreSpec:
    id: int
    code: str
    name: str
    city: str


STORES: Final = (
    StoreSpec(1, "blr.indiranagar", "Aurora Indiranagar", "Bengaluru"),
    StoreSpec(2, "blr.koramangala", "Aurora Koramangala", "Bengaluru"),
    StoreSpec(3, "mum.bandra", "Aurora Bandra", "Mumbai"),
    StoreSpec(4, "del.saket", "Aurora Saket", "New Delhi"),
    StoreSpec(5, "dxb.marina", "Aurora Dubai Marina", "Dubai"),
    StoreSpec(6, "auh.yas", "Aurora Yas Mall", "Abu Dhabi"),
    StoreSpec(7, "sha.jingan", "Aurora Jing'an", "Shanghai"),
    StoreSpec(8, "sz.futian", "Aurora Futian", "Shenzhen"),
    StoreSpec(9, "jkt.senayan", "Aurora Senayan", "Jakarta"),
    StoreSpec(10, "sub.tunjungan", "Aurora Tunjungan", "Surabaya"),
    StoreSpec(11, "online", "Aurora Online", "Online"),
)
API_STORE_ID: Final = 11


@dataclass(frozen=True)
class TillSpec:
    id: int
    code: str
    store_id: int
    password: str
    can_read_customers: bool = True

    @property
    def password_md5(self) -> str:
        return md5(self.password.encode()).hexdigest()  # noqa: S324 - Capillary's scheme


# The two API tills of the notes, then one counter till per store (members register at those).
# Counter tills have no usable password: nothing can sign in as them.
API_TILLS: Final = (
    TillSpec(1, "sandbox.till", API_STORE_ID, "sandbox-till-password"),
    TillSpec(2, "noread.till", API_STORE_ID, "noread-till-password", can_read_customers=False),
)
COUNTER_TILLS: Final = tuple(
    TillSpec(100 + store.id, f"{store.code}.till01", store.id, "") for store in STORES
)


@dataclass(frozen=True)
class ExtendedFieldSpec:
    id: int
    name: str
    labels: dict[str, str]  # language -> label


EXTENDED_FIELDS: Final = (
    ExtendedFieldSpec(
        1,
        "preferred_store",
        {"en": "Preferred store", "zh": "首选门店", "id": "Toko pilihan", "ar": "المتجر المفضل"},
    ),
    ExtendedFieldSpec(
        2,
        "marital_status",
        {
            "en": "Marital status",
            "zh": "婚姻状况",
            "id": "Status pernikahan",
            "ar": "الحالة الاجتماعية",
        },
    ),
    ExtendedFieldSpec(
        3,
        "dietary_preference",
        {
            "en": "Dietary preference",
            "zh": "饮食偏好",
            "id": "Preferensi makanan",
            "ar": "التفضيل الغذائي",
        },
    ),
    ExtendedFieldSpec(
        4,
        "preferred_language",
        {
            "en": "Preferred language",
            "zh": "首选语言",
            "id": "Bahasa pilihan",
            "ar": "اللغة المفضلة",
        },
    ),
    # Capillary's current samples carry gender as an extended field (the top-level key is null).
    ExtendedFieldSpec(
        5,
        "gender",
        {"en": "Gender", "zh": "性别", "id": "Jenis kelamin", "ar": "الجنس"},
    ),
)
GENDER_FIELD_ID: Final = 5
LABEL_LANGUAGES: Final = ("en", "zh", "id", "ar")


@dataclass(frozen=True)
class DemoIdentity:
    key: str
    email: str
    mobile: str
    external_id: str
    card_number: str
    user_id: int
    firstname: str
    lastname: str
    # (Aurora Rewards serial, Aurora Dining serial): every demo identity is enrolled in both.
    tiers: tuple[int, int] = (1, 1)
    fraud: FraudStatus = FraudStatus.NONE
    fault: Fault = Fault.NONE
    pii_deleted: bool = False
    merged_into: str = ""  # key of the survivor
    restricted: bool = False
    points_unavailable: bool = False
    coupons: int | None = None  # None: a handful
    # Promotion points, delayed (pending) points and a long points history, whatever the draw.
    points_showcase: bool = False

    @property
    def card_external_id(self) -> str:
        # Not in the notes' table: one rule for every member, demo or generated.
        return card_external_id_for(self.user_id)


def card_external_id_for(user_id: int) -> str:
    return f"CX-{user_id}"


def _demo(
    key: str,
    n: int,
    first: str,
    last: str,
    *,
    email: str = "",
    external_id: str = "",
    mobile: str = "",
    tiers: tuple[int, int] = (1, 1),
    fraud: FraudStatus = FraudStatus.NONE,
    fault: Fault = Fault.NONE,
    pii_deleted: bool = False,
    merged_into: str = "",
    restricted: bool = False,
    points_unavailable: bool = False,
    coupons: int | None = None,
    points_showcase: bool = False,
) -> DemoIdentity:
    """A row of the notes' table; most identifiers follow from the key and the row number."""
    return DemoIdentity(
        key=key,
        email=email or f"demo.{key}@example.com",
        mobile=mobile or f"9198000000{n:02d}",
        external_id=external_id or f"DEMO-{key.upper()}",
        card_number=f"71000000000000{n:02d}",
        user_id=50_000_000 + n,
        firstname=first,
        lastname=last,
        tiers=tiers,
        fraud=fraud,
        fault=fault,
        pii_deleted=pii_deleted,
        merged_into=merged_into,
        restricted=restricted,
        points_unavailable=points_unavailable,
        coupons=coupons,
        points_showcase=points_showcase,
    )


# The near-upgrade member's cumulative purchases: 96% of Platinum's 75,000 threshold.
NEAR_UPGRADE_PURCHASES: Final = 72_000
DEMO_COUPONS: Final = 250

DEMO_IDENTITIES: Final = (
    _demo("silver", 1, "Asha", "Rao", tiers=(1, 1)),
    _demo("gold", 2, "Rahul", "Mehta", tiers=(2, 2), points_showcase=True),
    _demo("platinum", 3, "Priya", "Nair", tiers=(3, 2), points_showcase=True),
    _demo("diamond", 4, "Vikram", "Singh", tiers=(4, 3)),
    _demo("coupons", 5, "Meera", "Iyer", tiers=(2, 1), coupons=DEMO_COUPONS),
    _demo(
        "fraud-confirmed",
        6,
        "Karan",
        "Shah",
        email="demo.fraud.confirmed@example.com",
        external_id="DEMO-FRAUD-CONFIRMED",
        tiers=(2, 1),
        fraud=FraudStatus.CONFIRMED,
    ),
    _demo(
        "fraud-marked",
        7,
        "Neha",
        "Gupta",
        email="demo.fraud.marked@example.com",
        external_id="DEMO-FRAUD-MARKED",
        fraud=FraudStatus.MARKED,
    ),
    _demo(
        "pii-deleted",
        8,
        "",
        "",
        email="demo.deleted@example.com",
        external_id="DEMO-DELETED",
        pii_deleted=True,
    ),
    _demo("merged", 9, "Arjun", "Das", merged_into="survivor"),
    _demo("survivor", 10, "Arjun", "Das", tiers=(3, 2)),
    _demo(
        "near-upgrade",
        11,
        "Divya",
        "Menon",
        email="demo.near@example.com",
        external_id="DEMO-NEAR",
        tiers=(2, 2),
    ),
    _demo("restricted", 12, "Rohan", "Kapoor", tiers=(2, 1), restricted=True),
    _demo("partial", 13, "Ananya", "Bose", tiers=(2, 1), points_unavailable=True),
    _demo("arabic", 14, "فاطمة", "الحسيني", mobile="971500000014", tiers=(3, 2)),
    _demo("chinese", 15, "小明", "王", mobile="8613800000015", tiers=(2, 2)),
    _demo("slow", 21, "Ravi", "Kumar", fault=Fault.SLOW),
    _demo("error", 22, "Sunita", "Pillai", fault=Fault.ERROR),
    _demo("ratelimited", 23, "Imran", "Qureshi", fault=Fault.RATELIMITED),
    _demo("malformed", 24, "Lakshmi", "Reddy", fault=Fault.MALFORMED),
    _demo("html", 25, "Farhan", "Akhtar", fault=Fault.HTML),
    _demo("reset", 26, "Geeta", "Joshi", fault=Fault.RESET),
    _demo("gateway", 27, "Sanjay", "Verma", fault=Fault.GATEWAY),
)
DEMO_BY_KEY: Final = {demo.key: demo for demo in DEMO_IDENTITIES}
