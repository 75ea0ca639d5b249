"""Issue 11's caller questions, items 1, 2 and 6: upstream calls per action and the render time of
the new partials (a bill search, a coupon found by its code, End call's summary).

    .venv/bin/python scripts/bench_find.py [--renders 300]

The same harness as scripts/bench_view.py (a temp sandbox served as its own process, the dashboard
driven in-process as a signed-in agent, calls counted at the HTTP adapter); render times are with
the answer in the cache, so what remains is the dashboard's own work. Prints markdown tables for
docs/benchmarks.md.
"""

import argparse
import platform
import sys
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import bench_view

GOLD, COUPONS = 50000002, 50000005


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=300, help="timed renders per row")
    args = parser.parse_args()
    with bench_view.sandbox_served(customers=200):
        measure(args.renders)


def measure(renders: int) -> None:
    import django

    django.setup()
    from django.core.cache import cache

    from tests.conftest import make_user, signed_in

    agent = signed_in(make_user("bench-agent", "Call-center agents"))
    hx = {"HX-Request": "true"}
    upstream = bench_view.UpstreamCounter()
    sent: list[str] = []
    send = upstream.calls

    def asked(action) -> str:
        """Calls made, and the sections the last one asked for."""
        from requests.adapters import HTTPAdapter

        original = HTTPAdapter.send

        def spy(adapter, request, *rest, **kwargs):
            sent.append(request.url)
            return original(adapter, request, *rest, **kwargs)

        HTTPAdapter.send = spy  # type: ignore[method-assign]
        try:
            sent.clear()
            count = send(action)
        finally:
            HTTPAdapter.send = original  # type: ignore[method-assign]
        if not sent:
            return f"{count}"
        params = parse_qs(urlsplit(sent[-1]).query)
        flags = sorted(name for name, value in params.items() if value == ["true"])
        return f"{count} ({', '.join(flags)}; coupon_limit {params.get('coupon_limit', ['-'])[0]})"

    bills = f"/customers/{GOLD}/transactions/"
    coupons = f"/customers/{COUPONS}/coupons/"
    cache.clear()
    agent.get(f"/customers/{GOLD}/")
    agent.get(f"/customers/{COUPONS}/")
    newest = _first(agent.get(coupons, headers=hx).content.decode())
    oldest = _first(
        agent.get(f"{coupons}?dir=asc&page=1&order=created_date", headers=hx).content.decode()
    )
    rows = [
        (
            "bill search by number",
            asked(lambda: agent.get(bills, {"number": "BILL-1"}, headers=hx)),
        ),
        (
            "bill search by date, amount, till, type, with tenders and credit notes",
            asked(
                lambda: agent.get(
                    bills,
                    {
                        "date": date.today().isoformat(),
                        "amount": "100.00",
                        "till": "online.till01",
                        "type": "REGULAR",
                        "tenders": "on",
                        "credit_notes": "on",
                    },
                    headers=hx,
                )
            ),
        ),
        (
            "the same bill search again (cached)",
            asked(lambda: agent.get(bills, {"number": "BILL-1"}, headers=hx)),
        ),
        (
            "coupon code search, a code among the view's newest 30",
            asked(lambda: agent.get(coupons, {"code": newest}, headers=hx)),
        ),
        (
            "coupon code search, an older code",
            asked(lambda: agent.get(coupons, {"code": oldest}, headers=hx)),
        ),
        (
            "coupon code search, another code (cached)",
            asked(lambda: agent.get(coupons, {"code": "NOPE1"}, headers=hx)),
        ),
        (
            "coupon menus: unredeemed, by created_by (Apply)",
            asked(
                lambda: agent.get(
                    coupons, {"status": "unredeemed", "order": "created_by"}, headers=hx
                )
            ),
        ),
        ("End call", asked(lambda: agent.post(f"/customers/{GOLD}/end-call/", headers=hx))),
    ]
    print("| action | upstream calls (what the call asks for) |\n|---|---|")
    for name, calls in rows:
        print(f"| {name} | {calls} |")

    serve = bench_view.server_for(agent)
    timings = [
        (
            "transactions partial, a bill search",
            lambda: serve(f"{bills}?{urlencode({'number': 'BILL-1'})}", hx=True),
        ),
        ("transactions partial, newest bills", lambda: serve(bills, hx=True)),
        (
            "coupons partial, a coupon found by its code",
            lambda: serve(f"{coupons}?{urlencode({'code': oldest})}", hx=True),
        ),
        (
            "End call (no call open: the event and the summary partial)",
            lambda: serve(f"/customers/{GOLD}/end-call/", hx=True, data={}),
        ),
    ]
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"\n{python}, {renders} renders after 10 untimed\n")
    print("| render (answer cached) | median ms | p95 ms |\n|---|---|---|")
    for name, action in timings:
        median, p95 = bench_view.timed(action, renders)
        print(f"| {name} | {median:.1f} | {p95:.1f} |")


def _first(html: str) -> str:
    import re

    match = re.search(r'<td class="mono">([^<]+)</td>', html)
    assert match, "no coupon listed"
    return match.group(1)


if __name__ == "__main__":
    sys.path.insert(0, str(bench_view.ROOT))
    main()
