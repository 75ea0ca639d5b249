"""The sandbox's stand-in for Capillary's data: programs, tiers, tills, members, their history.

Everything here lives in the `sandbox` database alias (see routers.py) and is written only by the
generator (`manage.py sandbox_seed`). Primary keys are assigned by the generator, never by the
database, so the same seed always yields the same ids (coupon ids, transaction ids...) on every
backend.
"""

from django.db import models


class UpgradeBasis(models.TextChoices):
    CUMULATIVE_PURCHASES = "CUMULATIVE_PURCHASES"
    CURRENT_POINTS = "CURRENT_POINTS"
    TRACKER_VALUE_BASED = "TRACKER_VALUE_BASED"


class RenewalBasis(models.TextChoices):
    VISITS = "VISITS"
    PURCHASE = "PURCHASE"
    POINTS = "POINTS"
    TRACKER = "TRACKER"


class FraudStatus(models.TextChoices):
    NONE = "NONE"
    MARKED = "MARKED"
    CONFIRMED = "CONFIRMED"
    RECONFIRMED = "RECONFIRMED"
    NOT_FRAUD = "NOT_FRAUD"
    INTERNAL = "INTERNAL"


class Fault(models.TextChoices):
    """How a fault identity misbehaves when it is among a call's identifiers (see faults.py)."""

    NONE = "", "none"
    SLOW = "slow"
    ERROR = "error"
    RATELIMITED = "ratelimited"
    MALFORMED = "malformed"
    HTML = "html"
    RESET = "reset"
    GATEWAY = "gateway"


class TransactionType(models.TextChoices):
    REGULAR = "REGULAR"
    NOT_INTERESTED = "NOT_INTERESTED"
    RETURN = "RETURN"
    NOT_INTERESTED_RETURN = "NOT_INTERESTED_RETURN"
    MIXED = "MIXED"
    NI_MIXED = "NI_MIXED"


class TierChangeType(models.TextChoices):
    UPGRADE = "UPGRADE"
    DOWNGRADE = "DOWNGRADE"
    RENEW = "RENEW"


class Program(models.Model):
    id = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=200)
    points_to_currency_ratio = models.DecimalField(max_digits=8, decimal_places=4)
    # The program whose numbers fill a customer's top-level fields when no program_id is asked for.
    is_default = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Tier(models.Model):
    id = models.PositiveIntegerField(primary_key=True)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    serial = models.PositiveSmallIntegerField(help_text="1 is the lowest tier")
    name = models.CharField(max_length=50)
    description = models.CharField(max_length=200)
    # None: the tier never expires (the lowest tier of a program).
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # How the upgrade strategies into this tier combine, e.g. "((A AND B) OR C)" with
    # relation [[1, 2], [3]] (positions of the strategies). Empty: any single strategy suffices.
    upgrade_expression = models.CharField(max_length=200, blank=True)
    upgrade_expression_relation = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "serial"], name="sandbox_tier_serial"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.name}"


class UpgradeStrategy(models.Model):
    """One criterion for moving up into `tier` (the tier being reached)."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="upgrade_strategies")
    position = models.PositiveSmallIntegerField(help_text="1-based; A is 1 in the expression")
    based_on = models.CharField(max_length=30, choices=UpgradeBasis.choices)
    threshold = models.PositiveIntegerField()
    tracker_name = models.CharField(max_length=100, blank=True)
    tracker_type = models.CharField(max_length=50, blank=True)
    tracker_mode = models.CharField(max_length=50, blank=True)
    tracker_case_name = models.CharField(max_length=100, blank=True)
    tracker_case_period_type = models.CharField(max_length=20, blank=True)
    tracker_case_period_value = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.tier_id}: {self.based_on} >= {self.threshold}"


class RenewalStrategy(models.Model):
    """One criterion for keeping `tier` past its expiry (any one met renews the tier)."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="renewal_strategies")
    position = models.PositiveSmallIntegerField()
    based_on = models.CharField(max_length=20, choices=RenewalBasis.choices)
    threshold = models.PositiveIntegerField()
    # TRACKER renewals: the tracker counted (the same trackers as upgrades use).
    tracker_name = models.CharField(max_length=100, blank=True)
    tracker_type = models.CharField(max_length=50, blank=True)
    tracker_mode = models.CharField(max_length=50, blank=True)
    tracker_case_name = models.CharField(max_length=100, blank=True)
    tracker_case_period_type = models.CharField(max_length=20, blank=True)
    tracker_case_period_value = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.tier_id}: {self.based_on} >= {self.threshold}"


class Store(models.Model):
    id = models.PositiveIntegerField(primary_key=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.code


class Till(models.Model):
    """A till is an API user: Basic auth is `code:md5hex(password)`."""

    id = models.PositiveIntegerField(primary_key=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="tills")
    password_md5 = models.CharField(max_length=32)
    # Whether the till's access group grants Read on the Customer resource (else 403, 4000).
    can_read_customers = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class Customer(models.Model):
    user_id = models.PositiveBigIntegerField(primary_key=True)
    firstname = models.CharField(max_length=100, blank=True)
    lastname = models.CharField(max_length=100, blank=True)
    # Identifiers are unique (their unique indexes serve the lookups); null when a member has none.
    mobile = models.CharField(max_length=20, unique=True, null=True, blank=True)
    email = models.CharField(max_length=254, unique=True, null=True, blank=True)  # lower-cased
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    registered_on = models.DateTimeField()
    updated_on = models.DateTimeField()
    registered_store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_till = models.ForeignKey(
        Till, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_by = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=20, default="LOYALTY")
    source = models.CharField(max_length=20, default="instore")
    ndnc_status = models.CharField(max_length=10, default="NONE")
    optin_status = models.CharField(max_length=10, default="NONE")
    fraud_status = models.CharField(
        max_length=20, choices=FraudStatus.choices, default=FraudStatus.NONE
    )
    fraud_marked_by = models.CharField(max_length=100, blank=True)
    fraud_modified_on = models.DateTimeField(null=True, blank=True)
    fraud_reason = models.CharField(max_length=200, blank=True)
    pii_deleted = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    fault = models.CharField(max_length=20, choices=Fault.choices, blank=True, default="")
    permission_restricted = models.BooleanField(default=False)
    # The points service "fails" for this member: item 91001 and no points data.
    points_unavailable = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.user_id)


class Card(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="cards")
    card_number = models.CharField(max_length=30, unique=True)
    card_external_id = models.CharField(max_length=50, unique=True)
    series_name = models.CharField(max_length=50)
    status = models.CharField(max_length=20, default="ACTIVE")
    issued_on = models.DateTimeField()
    expiry_date = models.DateTimeField()

    def __str__(self) -> str:
        return self.card_number


class Membership(models.Model):
    """A customer's standing in one program."""

    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    tier_expiry_date = models.DateTimeField()
    lifetime_points = models.IntegerField(default=0)
    loyalty_points = models.IntegerField(default=0)
    redeemed_points = models.IntegerField(default=0)
    expired_points = models.IntegerField(default=0)
    returned_points = models.IntegerField(default=0)
    adjusted_points = models.IntegerField(default=0)  # may be negative
    cumulative_purchases = models.PositiveIntegerField(default=0)
    # Counted since the current tier period began: what renewal is judged on.
    period_purchases = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    # Tracker name -> current value, for TRACKER_VALUE_BASED upgrades.
    tracker_values = models.JSONField(default=dict, blank=True)
    delayed_points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "program"], name="sandbox_one_membership_per_program"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.program_id}"


class Coupon(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    # The composite indexes below start with customer, so the FK needs no index of its own.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="coupons", db_index=False
    )
    series_id = models.PositiveIntegerField()
    code = models.CharField(max_length=20)
    description = models.CharField(max_length=100)
    created_date = models.DateTimeField()
    created_by = models.CharField(max_length=50)
    valid_till = models.DateTimeField()
    redeemed = models.BooleanField(default=False)
    same_user_multiple_redeem = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "created_date"], name="sandbox_coupon_issued"),
            models.Index(fields=["customer", "valid_till"], name="sandbox_coupon_valid"),
        ]

    def __str__(self) -> str:
        return self.code


class Transaction(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="transactions", db_index=False
    )
    number = models.CharField(max_length=30)
    type = models.CharField(max_length=30, choices=TransactionType.choices)
    created_date = models.DateTimeField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    till = models.ForeignKey(Till, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    gross_amount = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2)
    points_issued = models.IntegerField(default=0)
    points_redeemed = models.IntegerField(default=0)
    notes = models.CharField(max_length=200, blank=True)
    tenders = models.JSONField(default=list, blank=True)  # [{"mode": "CARD", "value": "12.50"}]
    credit_note_number = models.CharField(max_length=30, blank=True)  # returns only

    class Meta:
        indexes = [
            models.Index(fields=["customer", "created_date"], name="sandbox_txn_recent"),
        ]

    def __str__(self) -> str:
        return self.number


class PointsExpiry(models.Model):
    """A lot of points that will expire on `expiry_date` (the lots add up to loyalty points)."""

    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField()
    expiry_date = models.DateField()

    def __str__(self) -> str:
        return f"{self.points} on {self.expiry_date}"


class ExpiredPoints(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField()
    expired_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.points} on {self.expired_on}"


class PromotionPoints(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    transaction_id = models.PositiveBigIntegerField(null=True, blank=True)  # None: customer-level
    points = models.PositiveIntegerField()
    issued_on = models.DateField()
    expiry_date = models.DateField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.points} on {self.issued_on}"


class TrackerPurchase(models.Model):
    """A purchase a TRACKER_VALUE_BASED upgrade counts: a tracker's value on a day is the sum of
    the purchases inside its window that day (membership.tracker_values holds today's sum)."""

    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    tracker_name = models.CharField(max_length=100)
    amount = models.PositiveIntegerField()
    purchased_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.amount} on {self.purchased_on}"


class DelayedPoints(models.Model):
    """Points earned on a bill but held back until `release_on` (delayed accrual); the rows of a
    membership add up to its `delayed_points`."""

    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField()
    earned_on = models.DateField()
    release_on = models.DateField()
    bill_number = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return f"{self.points} from {self.release_on}"


class TierChange(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    from_tier = models.CharField(max_length=50)
    to_tier = models.CharField(max_length=50)
    change_type = models.CharField(max_length=20, choices=TierChangeType.choices)
    changed_on = models.DateTimeField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(max_length=200, blank=True)
    from_tier_expiry_date = models.DateTimeField(null=True, blank=True)
    to_tier_expiry_date = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.from_tier} -> {self.to_tier}"


class CustomField(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)
    value = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class ExtendedFieldDefinition(models.Model):
    """An org-level extended field with its label in the languages the sandbox knows."""

    id = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=50, unique=True)
    label_en = models.CharField(max_length=100)
    label_zh = models.CharField(max_length=100)
    label_id = models.CharField(max_length=100)
    label_ar = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class ExtendedField(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    definition = models.ForeignKey(
        ExtendedFieldDefinition, on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.definition_id}: {self.value}"


class Subscription(models.Model):
    id = models.PositiveBigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)  # SMS, EMAIL, WHATSAPP, PUSH
    priority = models.CharField(max_length=10)  # TRANS, BULK
    status = models.CharField(max_length=20)  # SUBSCRIBED, UNSUBSCRIBED
    updated_on = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.channel}/{self.priority}"


class SeedRun(models.Model):
    """The parameters of the data in the database: re-seeding with the same ones is skipped."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    customers = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    generator_version = models.PositiveIntegerField()
    anchor_date = models.DateField(help_text="the day generated dates are relative to")
    seconds = models.FloatField()
    members = models.PositiveIntegerField(help_text="generated members plus demo identities")

    def __str__(self) -> str:
        return f"{self.customers} customers, seed {self.seed}"
