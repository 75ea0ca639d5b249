"""Where one htmx search's CPU goes, phase by phase, without a profiler's distortion.

    .venv/bin/python scripts/bench_phases.py [--searches 200]

The same set-up as scripts/bench_view.py (a temp sandbox as its own process, the dashboard in this
process, a signed-in agent), then searches of members not yet cached, one upstream call each,
with the CPU time (time.process_time) of a few functions added up. cProfile's cost per call
inflates code made of many small calls (templates) several times more than code that calls into
C (JSON, pickle); wrapping five functions does not. Prints a markdown table for
docs/benchmarks.md.
"""

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_view

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20

spent: defaultdict[str, float] = defaultdict(float)


def timed[F: Callable[..., Any]](name: str, function: F) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started

    return wrapper  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    with bench_view.sandbox_served(customers=2 * (args.searches + WARM_UP), static=False):
        measure(args.searches)


def measure(searches: int) -> None:
    import django

    django.setup()
    from django.template.response import TemplateResponse

    from membercare.capillary import CapillaryClient
    from membercare.lookup import services, views
    from tests.conftest import make_user, signed_in

    # The view's own calls, wrapped where the view looks them up.
    views.customer_page = timed("the page value (masking, panels)", views.customer_page)
    views._record_search = timed("the audit event (one insert)", views._record_search)
    services.find_member = timed("the upstream call, read and cached", services.find_member)
    # Within it, Capillary's client: HTTP, the JSON read safely, the typed record; what is left of
    # the call is the guard (breaker, budgets, coalescing) and the cache.
    client = "· of which Capillary's client (HTTP, JSON, the typed record)"
    CapillaryClient.get_customer = timed(client, CapillaryClient.get_customer)  # type: ignore[method-assign]
    TemplateResponse.render = timed("rendering the view", TemplateResponse.render)  # type: ignore[method-assign]

    serve = bench_view.server_for(signed_in(make_user("bench-phases", "Call-center agents")))
    emails = bench_view.searchable_emails(WARM_UP + searches)
    for email in emails[:WARM_UP]:
        serve("/search/", hx=True, data={"q": email})
    spent.clear()
    started = time.process_time()
    for email in emails[WARM_UP:]:
        serve("/search/", hx=True, data={"q": email})
    total = time.process_time() - started

    def ms(seconds: float) -> str:
        return f"{seconds / searches * 1000:.2f}"

    print("| phase of an htmx search | CPU-ms |\n|---|---|")
    # The upstream call first, then what it holds (the "·" rows), then the others.
    upstream = "the upstream call, read and cached"
    parts = [name for name in spent if name.startswith("·")]
    for name in dict.fromkeys([upstream, *parts, *spent]):
        print(f"| {name} | {ms(spent[name])} |")
    accounted = sum(seconds for name, seconds in spent.items() if not name.startswith("·"))
    print(
        f"| the rest (middleware, session, user, second factor, view) | {ms(total - accounted)} |"
    )
    print(f"| **total** | **{ms(total)}** |")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
