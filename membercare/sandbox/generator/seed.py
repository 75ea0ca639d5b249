"""Seeding: the catalog, the demo identities, then the generated members, in one transaction.

Deterministic for a given (customers, seed): one `random.Random(seed)` drives every generated
member in a fixed order. Only dates depend on the day of the run: they are anchored to today's
midnight.
"""

import random
import time
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from django.utils import timezone

from membercare.sandbox.data import forget_catalog
from membercare.sandbox.generator.catalog_rows import write_catalog
from membercare.sandbox.generator.members import MemberWriter
from membercare.sandbox.generator.rows import Rows, reset_sequences, wipe
from membercare.sandbox.models import SeedRun
from membercare.sandbox.routers import SANDBOX_DB

# Bump when the generated data changes shape: a re-seed with the same (N, S) then regenerates.
GENERATOR_VERSION: Final = 5


@dataclass(frozen=True)
class SeedResult:
    seeded: bool  # False when the database already held exactly this seed
    customers: int
    seed: int
    members: int
    seconds: float


def seed_sandbox(
    *, customers: int, seed: int, reset: bool = False, using: str = SANDBOX_DB
) -> SeedResult:
    """Generate `customers` members (plus the demo identities) unless they are already there."""
    previous = SeedRun.objects.using(using).filter(pk=1).first()
    if (
        not reset
        and previous is not None
        and (previous.customers, previous.seed, previous.generator_version)
        == (customers, seed, GENERATOR_VERSION)
    ):
        return SeedResult(False, customers, seed, previous.members, previous.seconds)

    started = time.perf_counter()
    anchor = timezone.localdate()
    with transaction.atomic(using=using):
        wipe(using)
        write_catalog(using)
        rows = Rows(using)
        writer = MemberWriter(rows, anchor)
        writer.add_demo_identities()
        writer.add_generated(customers, random.Random(seed))
        rows.flush()
        seconds = time.perf_counter() - started
        SeedRun.objects.using(using).create(
            customers=customers,
            seed=seed,
            generator_version=GENERATOR_VERSION,
            anchor_date=anchor,
            seconds=seconds,
            members=writer.members,
        )
        reset_sequences(using)
    forget_catalog()  # this process may have cached the previous one
    return SeedResult(True, customers, seed, writer.members, seconds)
