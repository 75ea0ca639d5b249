"""The catalog's rows: programs, tiers and their strategies, stores, tills, extended fields.

The same for every seed: they come from the constants of membercare/sandbox/catalog.py. Few
enough rows that bulk_create is fast.
"""

from membercare.sandbox import catalog
from membercare.sandbox.models import (
    ExtendedFieldDefinition,
    Program,
    RenewalStrategy,
    Store,
    Tier,
    Till,
    UpgradeStrategy,
)


def write_catalog(using: str) -> None:
    programs, tiers, upgrades, renewals = [], [], [], []
    for spec in catalog.PROGRAMS:
        programs.append(
            Program(
                id=spec.id,
                name=spec.name,
                description=spec.description,
                points_to_currency_ratio=spec.points_to_currency_ratio,
                is_default=spec.is_default,
            )
        )
        for tier in spec.tiers:
            tiers.append(
                Tier(
                    id=tier.id,
                    program_id=spec.id,
                    serial=tier.serial,
                    name=tier.name,
                    description=tier.description,
                    validity_months=tier.validity_months,
                    upgrade_expression=tier.expression,
                    upgrade_expression_relation=[list(group) for group in tier.relation],
                )
            )
            for position, rule in enumerate(tier.upgrade, start=1):
                name, kind, mode, case, period_type, period = rule.tracker or (
                    "",
                    "",
                    "",
                    "",
                    "",
                    None,
                )
                upgrades.append(
                    UpgradeStrategy(
                        id=tier.id * 10 + position,
                        tier_id=tier.id,
                        position=position,
                        based_on=rule.based_on,
                        threshold=rule.threshold,
                        tracker_name=name,
                        tracker_type=kind,
                        tracker_mode=mode,
                        tracker_case_name=case,
                        tracker_case_period_type=period_type,
                        tracker_case_period_value=period,
                    )
                )
            for position, (basis, threshold, *tracked) in enumerate(tier.renewal, start=1):
                name, kind, mode, case, period_type, period = (
                    tracked[0] if tracked else ("", "", "", "", "", None)
                )
                renewals.append(
                    RenewalStrategy(
                        id=tier.id * 10 + position,
                        tier_id=tier.id,
                        position=position,
                        based_on=basis,
                        threshold=threshold,
                        tracker_name=name,
                        tracker_type=kind,
                        tracker_mode=mode,
                        tracker_case_name=case,
                        tracker_case_period_type=period_type,
                        tracker_case_period_value=period,
                    )
                )
    Program.objects.using(using).bulk_create(programs)
    Tier.objects.using(using).bulk_create(tiers)
    UpgradeStrategy.objects.using(using).bulk_create(upgrades)
    RenewalStrategy.objects.using(using).bulk_create(renewals)
    Store.objects.using(using).bulk_create(
        Store(id=s.id, code=s.code, name=s.name, city=s.city) for s in catalog.STORES
    )
    Till.objects.using(using).bulk_create(
        Till(
            id=t.id,
            code=t.code,
            name=t.code,
            store_id=t.store_id,
            # Counter tills get an md5 no password hashes to: nobody can sign in as them.
            password_md5=t.password_md5 if t.password else "-" * 32,
            can_read_customers=t.can_read_customers,
        )
        for t in (*catalog.API_TILLS, *catalog.COUNTER_TILLS)
    )
    ExtendedFieldDefinition.objects.using(using).bulk_create(
        ExtendedFieldDefinition(
            id=f.id,
            name=f.name,
            label_en=f.labels["en"],
            label_zh=f.labels["zh"],
            label_id=f.labels["id"],
            label_ar=f.labels["ar"],
        )
        for f in catalog.EXTENDED_FIELDS
    )
