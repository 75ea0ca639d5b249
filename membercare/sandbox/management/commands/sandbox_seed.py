"""manage.py sandbox_seed --customers N --seed S [--reset]: fill the sandbox database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from membercare.sandbox.generator import seed_sandbox
from membercare.sandbox.routers import SANDBOX_DB


class Command(BaseCommand):
    help = (
        "Generate N members (plus the demo identities) into the sandbox database. "
        "Deterministic for a given (N, seed); skipped when the database already holds them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=2000, help="generated members")
        parser.add_argument("--seed", type=int, default=42, help="random seed")
        parser.add_argument(
            "--reset", action="store_true", help="regenerate even if already seeded"
        )
        parser.add_argument("--database", default=SANDBOX_DB, help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        customers: int = options["customers"]
        if customers < 0:
            self.stderr.write("--customers must be 0 or more")
            raise SystemExit(2)
        result = seed_sandbox(
            customers=customers,
            seed=options["seed"],
            reset=options["reset"],
            using=options["database"],
        )
        if result.seeded:
            self.stdout.write(
                f"sandbox seeded: {result.members} members "
                f"({result.customers} generated, seed {result.seed}) in {result.seconds:.1f}s"
            )
        else:
            self.stdout.write(
                f"sandbox already seeded with --customers {result.customers} --seed {result.seed}"
                f" ({result.members} members): nothing to do (--reset regenerates)"
            )
