"""How long the Capillary client takes to read a full-view answer with many coupons.

Measures exactly what `CapillaryClient` does once the bytes have arrived: decode the JSON, read the
envelope, match the item to the identifier asked for, and build the `Customer` (every section,
300 coupons by default). No network is involved.

    .venv/bin/python scripts/bench_parse.py [--coupons 300] [--runs 2000]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import statistics
import sys
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from membercare.capillary import CapillaryClient, Identifier, IdentifierKind  # noqa: E402

# What the client does once the bytes have arrived is internal: measured here like a test would.
from membercare.capillary.client import _match  # noqa: E402
from membercare.capillary.transport import Exchange  # noqa: E402

RECORDED = ROOT / "tests" / "capillary" / "recorded" / "full-view-gold.json"


def full_view_payload(coupons: int) -> bytes:
    """The recorded full-view answer (every section), with `coupons` realistic coupons."""
    payload: dict[str, Any] = json.loads(RECORDED.read_text())
    item = payload["response"]["customers"]["customer"][0]
    issued = dt.datetime(2026, 10, 1, 9, 30)
    item["coupons"] = [
        {
            "id": str(800000 + n),
            "series_id": str(30 + n % 12),
            "code": f"AUR{n:06d}X",
            "description": f"Series {30 + n % 12}: {10 + n % 5 * 5}% off",
            "created_date": (issued - dt.timedelta(days=n)).strftime("%Y-%m-%d %H:%M:%S"),
            "valid_till": (issued + dt.timedelta(days=90 - n)).strftime("%Y-%m-%d 23:59:59"),
            "redeemed": "true" if n % 4 == 0 else "false",
            "same_user_multiple_redeem": "false",
        }
        for n in range(coupons)
    ]
    # Ten transactions, as Capillary returns about ten most recent.
    transaction = item["transactions"]["transaction"][0]
    item["transactions"]["transaction"] = [
        copy.deepcopy(transaction) | {"id": str(910000000 + n)} for n in range(10)
    ]
    return json.dumps(payload).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coupons", type=int, default=300)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()

    body = full_view_payload(args.coupons)
    client = CapillaryClient(base_url="http://bench.invalid", username="u", password="p")  # noqa: S106
    asked = Identifier(IdentifierKind.EMAIL, "demo.gold@example.com")
    exchange = Exchange(status=200, request_id="bench", retry_after=None, body=body)

    def parse() -> Any:
        envelope = client._envelope(exchange)
        return _match(IdentifierKind.EMAIL, [asked], envelope, exchange.request_id)[asked]

    customer = parse()
    assert len(customer.coupons) == args.coupons, customer

    parse()  # warm up
    timings = sorted(timeit.repeat(parse, number=1, repeat=args.runs))
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"payload: {len(body) / 1024:.0f} KiB, {args.coupons} coupons, {args.runs} runs")
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, min {timings[0] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
