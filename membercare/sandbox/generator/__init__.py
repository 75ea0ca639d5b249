"""Fill the sandbox database with members: deterministic for a given (customers, seed).

seed.py runs the whole thing in one transaction; plans.py decides what to generate,
catalog_rows.py writes the catalog, members.py a member's rows, rows.py batches the INSERTs.
"""

from membercare.sandbox.generator.plans import BENCH_COUPONS, FIRST_GENERATED_USER_ID
from membercare.sandbox.generator.seed import seed_sandbox

__all__ = ["BENCH_COUPONS", "FIRST_GENERATED_USER_ID", "seed_sandbox"]
