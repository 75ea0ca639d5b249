"""Issue 11's panels: upstream calls per action and the render time of each new partial.

    .venv/bin/python scripts/bench_caller_panels.py [--renders 200]

As scripts/bench_view.py (whose helpers it uses): a temp sandbox in its own process, the dashboard
driven in-process as a signed-in agent, upstream calls counted at the HTTP adapter. Render times
are of htmx partials with everything they read cached (the member's record, the what-if, the
points detail), so what is timed is the dashboard's own work. Prints markdown for
docs/benchmarks.md.
"""

import argparse
import sys
from pathlib import Path

from bench_view import UpstreamCounter, sandbox_served, server_for, timed

ROOT = Path(__file__).resolve().parent.parent
PLATINUM = 50000003


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=200, help="timed renders per row")
    parser.add_argument("--customers", type=int, default=200, help="members to generate")
    args = parser.parse_args()
    # The record, the what-if and the detail stay cached through the timed renders.
    cached = {"PROGRAM_CURRENCIES": "*=INR", "CUSTOMER_CACHE_SECONDS": "3600"}
    with sandbox_served(customers=args.customers, settings=cached):
        measure(args.renders)


def measure(renders: int) -> None:
    import django

    django.setup()
    from django.core.cache import cache

    from tests.conftest import make_user, signed_in

    agent = signed_in(make_user("bench-agent", "Call-center agents"))
    hx = {"HX-Request": "true"}
    upstream = UpstreamCounter()
    cache.clear()
    tiers, points = f"/customers/{PLATINUM}/tiers/", f"/customers/{PLATINUM}/points/"
    rows = [
        ("open the member (the view's one call)", lambda: agent.get(f"/customers/{PLATINUM}/")),
        ("tier what-if, in 30 days (Show)", lambda: agent.get(f"{tiers}?days=30", headers=hx)),
        (
            "the same what-if again within the TTL",
            lambda: agent.get(f"{tiers}?days=30", headers=hx),
        ),
        ("what-if in 90 days", lambda: agent.get(f"{tiers}?days=90", headers=hx)),
        ("what-if, 400 days (refused)", lambda: agent.get(f"{tiers}?days=400", headers=hx)),
        (
            "points detail (pending, promotions, history)",
            lambda: agent.get(f"{points}?detail=1", headers=hx),
        ),
        ("the same points detail again", lambda: agent.get(f"{points}?detail=1", headers=hx)),
    ]
    print("| action | upstream calls |\n|---|---|")
    for label, action in rows:
        print(f"| {label} | {upstream.calls(action)} |")

    serve = server_for(agent)
    print("\n| partial (htmx, all it reads cached) | median | p95 |\n|---|---|---|")
    for label, path in (
        ("tiers, today only", tiers),
        ("tiers, in 30 days (what-if)", f"{tiers}?days=30"),
        ("points, with worth and reconciliation", points),
        ("points with its detail", f"{points}?detail=1"),
        ("profile, with programs, segments, cards", f"/customers/{PLATINUM}/profile/"),
    ):
        median, p95 = timed(lambda url=path: serve(url, hx=True), renders)
        print(f"| {label} | {median:.1f} ms | {p95:.1f} ms |")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
