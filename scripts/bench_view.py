"""The customer view's costs: upstream calls, the server's own render time, first-visit bytes.

    .venv/bin/python scripts/bench_view.py [--renders 300]

Builds a temp sandbox (migrate + sandbox_seed), serves it as its own process (sandbox_serve), points
the dashboard at it and drives the dashboard in-process with Django's test client as a signed-in
agent. Upstream calls are counted at the HTTP adapter (every request the Capillary client sends).
Render time is measured with the member's record in the cache, so Capillary's round trip is left
out and what remains is the dashboard's own work: middleware, session, access checks, masking, the
audit write, the template. Prints markdown tables for docs/benchmarks.md.
"""

import argparse
import gzip
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import bench_sandbox as sandbox_bench  # this folder: run as a script
import requests

ROOT = Path(__file__).resolve().parent.parent
GOLD, COUPONS = 50000002, 50000005


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=300, help="timed renders per row")
    parser.add_argument("--customers", type=int, default=500, help="members to generate")
    parser.add_argument(
        "--profile",
        choices=["view", "search", "panels"],
        help="profile instead: a cached render of the view, or an htmx search (upstream included)",
    )
    return parser.parse_args()


def environment(directory: Path, port: int) -> dict[str, str]:
    """bench_sandbox's temp-file settings, plus the dashboard's: Capillary is the sandbox."""
    return sandbox_bench.environment(directory, None) | {
        "STATIC_ROOT": str(directory / "static"),
        "CAPILLARY_BASE_URL": f"http://127.0.0.1:{port}/sandbox",
        "CAPILLARY_USERNAME": sandbox_bench.USERNAME,
        "CAPILLARY_PASSWORD": sandbox_bench.PASSWORD,
        "CAPILLARY_MOBILE_DIAL_CODE": "91",
        # One agent repeating a render hundreds of times: no quota is what is measured here.
        "LOOKUP_RATE_LIMIT": "1000000",
        "CAPILLARY_RATE_LIMIT": "1000000",
    }


def start_sandbox(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox_serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/sandbox/v1.1/customer/get", timeout=5)
            return process
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or a busy machine
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the sandbox did not start; see {log}")


class UpstreamCounter:
    """Counts what the Capillary client sends, at the HTTP adapter, and lets it through."""

    def __init__(self) -> None:
        from requests.adapters import HTTPAdapter

        self.count = 0
        send = HTTPAdapter.send

        def counting_send(adapter, request, *args, **kwargs):
            self.count += 1
            return send(adapter, request, *args, **kwargs)

        HTTPAdapter.send = counting_send  # type: ignore[method-assign,assignment]

    def calls(self, action: Callable[[], object]) -> int:
        before = self.count
        action()
        return self.count - before


def profile(action: Callable[[], object]) -> None:
    """With --profile: where a cached render spends its time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(50):
        action()
    profiler.disable()
    order = os.environ.get("PROFILE_SORT", "cumulative")
    lines = os.environ.get("PROFILE_LINES", "35")
    pstats.Stats(profiler).sort_stats(order).print_stats(int(lines))


def server_for(client):
    """Requests straight into Django's handler with the client's session cookie.

    Not through `Client.get`: the test client records a copy of every template context it renders,
    which costs more than the rendering itself and is no part of serving a page.
    """
    from django.test import RequestFactory

    factory = RequestFactory()
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())

    def serve(path: str, *, hx: bool = False, data: dict[str, str] | None = None) -> object:
        headers = {"HX-Request": "true"} if hx else {}
        if data is None:
            environ = factory.get(path, headers=headers).environ
        else:
            environ = factory.post(path, data, headers=headers).environ
        environ["HTTP_COOKIE"] = cookie
        response = client.handler(environ)
        assert response.status_code == 200, response.status_code
        return response

    return serve


def searchable_emails(count: int) -> list[str]:
    """Emails of generated members whose search opens a view (not deleted, merged, restricted)."""
    from membercare.sandbox.generator import FIRST_GENERATED_USER_ID
    from membercare.sandbox.models import Customer

    emails = list(
        Customer.objects.using("sandbox")
        .filter(email__isnull=False, pii_deleted=False, merged_into_id__isnull=True)
        .filter(permission_restricted=False, user_id__gte=FIRST_GENERATED_USER_ID)
        .values_list("email", flat=True)[:count]
    )
    if len(emails) < count:
        raise SystemExit(f"{count} members needed, {len(emails)} generated: raise --customers")
    return emails


def cpu_per_search(serve, runs: int) -> dict[str, tuple[float, float]]:
    """This process's CPU per search of a member not yet cached, membercare and the floor alike.

    Each search is of another generated member, so that each makes its upstream call, as most of
    an agent's searches do; the sandbox answers in its own process, whose CPU is not counted. The
    floor (scripts/floor_app.py) is called as gunicorn would call it, in this process too.
    Runs alternate between the two, so that a busy moment of the machine costs both alike.
    """
    import floor_app  # this folder: run as a script
    from django.test import RequestFactory

    emails = searchable_emails(2 * (runs + 10))
    factory = RequestFactory()

    def floor(email: str) -> object:
        form = urlencode({"q": email})  # as a browser posts it: the floor reads no multipart
        environ = factory.post("/search/", form, "application/x-www-form-urlencoded").environ
        answer = b"".join(floor_app.application(environ, lambda status, headers: None))
        if not answer.startswith(b"<p>"):
            raise SystemExit(f"the floor did not answer a member: {answer[:200]!r}")
        return answer

    ours, floors = "htmx search, member not cached (1 upstream call)", "the floor's same search"
    spent: dict[str, list[float]] = {ours: [], floors: []}
    for number in range(runs + 10):
        for label, search in (
            (ours, lambda q: serve("/search/", hx=True, data={"q": q})),
            (floors, floor),
        ):
            email = emails[number] if label == ours else emails[runs + 10 + number]
            started = time.process_time()
            search(email)
            if number >= 10:  # the first ten warm up
                spent[label].append((time.process_time() - started) * 1000)
    # What every request costs before any view's work, and a panel's request beside a search's:
    # the signed-in stack (session, user, second factor, access, logs, metrics) answering the
    # idle warning's question, and a panel from the cached record.
    others = {
        "a signed-in request doing nothing (/accounts/session/)": ("/accounts/session/", False),
        "coupons panel (htmx GET, record cached)": (f"/customers/{COUPONS}/coupons/", True),
        "transactions panel (htmx GET, record cached)": (
            f"/customers/{COUPONS}/transactions/",
            True,
        ),
    }
    for label, (path, hx) in others.items():
        spent[label] = []
        for number in range(runs + 10):
            started = time.process_time()
            serve(path, hx=hx)
            if number >= 10:
                spent[label].append((time.process_time() - started) * 1000)
    return {
        label: (statistics.median(values), statistics.quantiles(values, n=20)[18])
        for label, values in spent.items()
    }


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and p95 in milliseconds, after 10 untimed runs."""
    measured = sandbox_bench.timings(action, calls=runs, warmup=10)
    return statistics.median(measured), statistics.quantiles(measured, n=20)[18]


@contextmanager
def sandbox_served(
    *, customers: int, settings: dict[str, str] | None = None, static: bool = True
) -> Iterator[None]:
    """A temp sandbox, migrated and seeded with `customers` generated members, served as its own
    process, with this process's settings pointed at it (plus `settings`) for Django to read;
    with `static`, whitenoise's hashed, compressed files collected too. Shared by the benches."""
    with tempfile.TemporaryDirectory(prefix="membercare-bench-") as tmp:
        directory, port = Path(tmp), sandbox_bench.free_port()
        env = environment(directory, port) | (settings or {})
        manage = sandbox_bench.manage
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "migrate", "--noinput", "--database", "sandbox", "-v", "0")
        manage(env, "sandbox_seed", "--customers", str(customers), "--seed", "42")
        if static:
            manage(env, "collectstatic", "--noinput", "-v", "0")
        sandbox = start_sandbox(env, port, directory / "sandbox.log")
        try:
            os.environ.update(env)
            yield
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=10)


def main() -> None:
    args = parse_args()
    with sandbox_served(customers=args.customers):
        measure(args.renders, args.profile)


def measure(renders: int, profiling: str | None) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from tests.conftest import make_user, signed_in

    # Signed in all the way: password and, as an agent must, the second factor.
    agent: Client = signed_in(make_user("bench-agent", "Call-center agents"))
    hx = {"HX-Request": "true"}
    upstream = UpstreamCounter()
    page = f"/customers/{GOLD}/"

    cache.clear()
    rows = [
        (
            "search, then open the view (no JS: POST + redirect + GET)",
            upstream.calls(
                lambda: agent.get(
                    agent.post("/search/", {"q": "demo.gold@example.com"})["Location"]
                )
            ),
        ),
        ("open the same member again within the TTL", upstream.calls(lambda: agent.get(page))),
        (
            "every panel again, as htmx partials",
            upstream.calls(
                lambda: [
                    agent.get(f"{page}{panel}/", headers=hx)
                    for panel in ("profile", "tiers", "points", "coupons", "transactions")
                ]
            ),
        ),
    ]
    cache.clear()
    rows += [
        (
            "search with htmx (the view comes in the same answer)",
            upstream.calls(
                lambda: agent.post("/search/", {"q": "demo.gold@example.com"}, headers=hx)
            ),
        ),
        (
            "open a member by URL, cold cache",
            upstream.calls(lambda: agent.get(f"/customers/{COUPONS}/")),
        ),
        (
            "coupon pages 2 and 3 (from the first view's record)",
            upstream.calls(
                lambda: [
                    agent.get(f"/customers/{COUPONS}/coupons/?page={n}", headers=hx) for n in (2, 3)
                ]
            ),
        ),
        (
            "coupon page 4 (coupons only)",
            upstream.calls(lambda: agent.get(f"/customers/{COUPONS}/coupons/?page=4", headers=hx)),
        ),
    ]
    print("| action | upstream calls |\n|---|---|")
    for label, calls in rows:
        print(f"| {label} | {calls} |")

    agent.get(page)  # warm: the record is cached from here on
    serve = server_for(agent)
    if profiling == "view":
        profile(lambda: serve(page))
        return
    if profiling == "search":  # of members not yet cached, as cpu_per_search measures
        emails = iter(searchable_emails(100))
        profile(lambda: serve("/search/", hx=True, data={"q": next(emails)}))
        return
    if profiling == "panels":
        for name in ("profile", "tiers", "points", "coupons", "transactions"):
            median, p95 = timed(lambda url=f"{page}{name}/": serve(url, hx=True), renders)
            print(f"| {name} | {median:.1f} ms | {p95:.1f} ms |")
        median, p95 = timed(lambda: serve(page, hx=True), renders)
        print(f"| whole view | {median:.1f} ms | {p95:.1f} ms |")
        return
    cpu = cpu_per_search(serve, renders)
    print("\n| this process's CPU per request | CPU-ms median | p95 |")
    print("|---|---|---|")
    for label, (median, p95) in cpu.items():
        print(f"| {label} | {median:.2f} | {p95:.2f} |")
    full = timed(lambda: serve(page), renders)
    partial = timed(lambda: serve(f"{page}tiers/", hx=True), renders)
    coupons = timed(lambda: serve(f"/customers/{COUPONS}/coupons/?page=2", hx=True), renders)
    print("\n| render (record cached) | median | p95 |\n|---|---|---|")
    for label, (median, p95) in (
        ("full customer view", full),
        ("tier panel (htmx partial)", partial),
        ("coupon page 2 (htmx partial, cached page)", coupons),
    ):
        print(f"| {label} | {median:.1f} ms | {p95:.1f} ms |")

    html = agent.get(page).content
    # Everything the page links to from our origin (stylesheets, htmx), as whitenoise serves it:
    # precompressed with brotli (and gzip for clients without it). The HTML at gzip -6.
    static_root = Path(settings.STATIC_ROOT)
    linked = re.findall(rb'(?:src|href)="/static/([^"]+)"', html)
    sizes = {"customer view HTML (gzip -6)": (len(html), len(gzip.compress(html, 6)))}
    for name in (item.decode() for item in linked):
        served = static_root / name
        variants = [served.with_name(served.name + ext) for ext in (".br", ".gz")] + [served]
        packed = next(path for path in variants if path.exists())
        sizes[name] = (served.stat().st_size, packed.stat().st_size)
    print("\n| first visit | bytes | compressed |\n|---|---|---|")
    for label, (raw, packed) in sizes.items():
        print(f"| {label} | {raw:,} | {packed:,} |")
    total, total_packed = (sum(column) for column in zip(*sizes.values(), strict=True))
    print(f"| **total** | **{total:,}** | **{total_packed:,}** |")
    print(
        f"\n{date.today()} · {platform.machine()} · Python {platform.python_version()}"
        f" · renders={renders}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
