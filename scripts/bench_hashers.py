"""What one sign-in's password check costs, for each way a password can be stored.

    DEBUG=true .venv/bin/python scripts/bench_hashers.py [--runs 7]

Median wall and CPU milliseconds of one verify, for Django's PBKDF2 default and for membercare's
Argon2id (membercare/password_hashers.py). Prints a markdown table for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "membercare.settings")
PASSWORD = "a long walk past seven lighthouses"  # noqa: S105 - a benchmark input


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from membercare.password_hashers import Argon2idHasher

    print("| stored as | wall (median) | CPU (median) |\n|---|---|---|")
    for name, hasher in (
        ("PBKDF2, 1,500,000", PBKDF2PasswordHasher()),
        ("Argon2id", Argon2idHasher()),
    ):
        encoded = hasher.encode(PASSWORD, hasher.salt())
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            assert hasher.verify(PASSWORD, encoded)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        print(f"| {name} | {statistics.median(wall):.0f} ms | {statistics.median(cpu):.0f} ms |")


if __name__ == "__main__":
    main()
