"""How long the sandbox takes to answer a full-flag lookup of a member with 300 coupons.

    .venv/bin/python scripts/bench_sandbox.py [--customers 2000] [--seed 42] [--calls 200]
    .venv/bin/python scripts/bench_sandbox.py --sandbox-database-url sqlite:////tmp/x.sqlite3

Builds its own sandbox database in a temp dir (migrate + sandbox_seed), picks the member with the
most coupons (the generator gives the first generated member 300), then times the same call
twice: over real HTTP against `manage.py sandbox_serve` (gunicorn, one keep-alive connection) and
in-process through Django's test client, which leaves out the network and gunicorn. Prints a
markdown table for docs/benchmarks.md. Nothing is read from or written to the project's databases.
"""

import argparse
import base64
import hashlib
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
ENDPOINT = "/sandbox/v1.1/customer/get"
USERNAME, PASSWORD = "sandbox.till", "sandbox-till-password"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=2000, help="members to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--calls", type=int, default=200, help="timed calls per path")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first")
    parser.add_argument(
        "--sandbox-database-url",
        help="an already seeded sandbox database to use as it is (no migrate, no seed)",
    )
    return parser.parse_args()


def full_flag_params(user_id: int) -> dict[str, str]:
    """Every embed flag the endpoint knows, mlp with both gaps for today, transactions."""
    from membercare.sandbox.params import EMBED_FLAGS

    params = dict.fromkeys(sorted(EMBED_FLAGS), "true")
    params |= {"id": str(user_id), "gap_to_upgrade_for": "0", "gap_to_renew_for": "0"}
    return params | {"format": "json"}


def authorization() -> str:
    digest = hashlib.md5(PASSWORD.encode()).hexdigest()  # noqa: S324 - Capillary's scheme
    return "Basic " + base64.b64encode(f"{USERNAME}:{digest}".encode()).decode()


def environment(directory: Path, sandbox_url: str | None) -> dict[str, str]:
    """Settings for both the server and this process: temp SQLite files, no .env, no Redis."""
    sandbox_url = sandbox_url or f"sqlite:///{directory / 'sandbox.sqlite3'}"
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "membercare.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SANDBOX_ENABLED": "true",
        "SANDBOX_LATENCY_MS": "0",
        "DATABASE_URL": f"sqlite:///{directory / 'default.sqlite3'}",
        "SANDBOX_DATABASE_URL": sandbox_url,
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def free_port() -> int:
    for port in random.sample(range(18000, 19000), 1000):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18000-18999")


def timings(call: Callable[[], Any], *, calls: int, warmup: int) -> list[float]:
    """Milliseconds per call, after `warmup` untimed calls."""
    for _ in range(warmup):
        call()
    measured = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        measured.append((time.perf_counter() - started) * 1000)
    return measured


def over_http(env: dict[str, str], params: dict[str, str], args: argparse.Namespace) -> list[float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox_serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        session = requests.Session()
        session.headers.update({"Authorization": authorization(), "Accept": "application/json"})
        deadline = time.monotonic() + 60
        while True:
            try:
                session.get(base + ENDPOINT, timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)

        def call() -> None:
            response = session.get(base + ENDPOINT, params=params, timeout=10)
            assert response.status_code == 200, response.status_code

        return timings(call, calls=args.calls, warmup=args.warmup)
    finally:
        server.terminate()
        server.wait(timeout=15)


def in_process(params: dict[str, str], args: argparse.Namespace) -> tuple[list[float], int, int]:
    """Test-client timings, plus the answer's size and its number of sandbox queries."""
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Authorization": authorization()})

    def call() -> None:
        response = client.get(ENDPOINT, params)
        assert response.status_code == 200, response.status_code

    measured = timings(call, calls=args.calls, warmup=args.warmup)
    with CaptureQueriesContext(connections["sandbox"]) as queries:
        size = len(client.get(ENDPOINT, params).content)
    return measured, size, len(queries)


def row(label: str, measured: list[float]) -> str:
    p95 = statistics.quantiles(measured, n=20)[18]
    return (
        f"| {label} | {len(measured)} | {statistics.median(measured):.1f} | {p95:.1f} "
        f"| {min(measured):.1f} |"
    )


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        env = environment(Path(tmp), args.sandbox_database_url)
        if not args.sandbox_database_url:
            manage(env, "migrate", "--database", "sandbox", "--noinput", "-v", "0")
            seed = ["--customers", str(args.customers), "--seed", str(args.seed)]
            manage(env, "sandbox_seed", *seed)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db.models import Count

        from membercare.sandbox.models import Coupon, SeedRun

        run = SeedRun.objects.get()

        busiest = (
            Coupon.objects.values("customer_id")
            .annotate(coupons=Count("id"))
            .order_by("-coupons", "customer_id")
            .first()
        )
        assert busiest is not None, "no coupons in the sandbox"
        params = full_flag_params(busiest["customer_id"])
        local, size, queries = in_process(params, args)
        remote = over_http(env, params, args)

    print(
        f"Full-flag call (every embed flag, mlp, gap_to_upgrade_for=0, gap_to_renew_for=0, "
        f"transactions) for member {busiest['customer_id']} with {busiest['coupons']} coupons: "
        f"{size:,} bytes of JSON, {queries} sandbox queries. {run.customers:,} generated "
        f"members, seed {run.seed}; {date.today()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}.\n"
    )
    print("| path | calls | median ms | p95 ms | min ms |")
    print("|---|---|---|---|---|")
    print(row("HTTP: requests, keep-alive → `sandbox_serve` (gunicorn, 1 gthread worker)", remote))
    print(row("in-process: Django test client (no network, no gunicorn)", local))


if __name__ == "__main__":
    main()
