"""Load test: agents signing in, searching, paging coupons and thinking, against the real servers.

    .venv/bin/python scripts/load.py                              # or `make load`
    .venv/bin/python scripts/load.py --agents "50 100" --latency "150 400" \\
        --models "gthread:3x4 gthread:3x32 gevent:3" --rounds 3 --run-time 60
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/membercare_load \\
        REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python scripts/load.py --instances 2
    # Faults and the fleet (docs/benchmarks.md, "Faults and the fleet under load"):
    ... scripts/load.py --fault hang --agents 50          # or --fault down; Capillary fails at 15 s
    ... scripts/load.py --instances 2 --capillary-rate-limit 300 --run-time 150
    ... scripts/load.py --instances 2 --coalesce 30       # pairs searching one member at once

Builds a temp environment as scripts/bench_view.py does (SQLite files in a temp dir, or the
PostgreSQL and Redis given by DATABASE_URL / REDIS_URL), seeds the sandbox, creates load users
(call-center agents with an authenticator app enrolled: loadtests/locustfile.py computes their
codes), starts the sandbox as its own process with SANDBOX_LATENCY_MS, then for each run starts
the dashboard as the Procfile does (gunicorn -c gunicorn.conf.py, the model set through the
config's environment variables), drives it with locust headless for a bounded time, and stops it.
With --floor, scripts/floor_app.py runs under the same config, alternated with membercare.
Everything listens on 127.0.0.1. Prints one markdown table row per run:

- p50/p95/p99 of the search (POST /search/ with htmx: the lookup and the customer view),
- errors: failed requests of any kind (sign-in included) over all requests,
- searches/s over the run,
- CPU-ms per lookup: the dashboard's processes' CPU time (gunicorn master and workers, from
  /proc through psutil) over the run, divided by the searches made; and the same once every
  agent is signed in (from the moment the last one reached the search page to the end), which
  leaves out the sign-ins: an agent signs in once a shift, not once per dozen lookups.
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import bench_sandbox
import bench_view
import load_faults
import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"
PASSWORD = "load-agent-password-long"  # noqa: S105 - temp users in a temp database
FLOOR = "floor"
# A limit no run reaches: what a load run measures is serving, not the quotas.
UNLIMITED = 1_000_000
# Generated members no load agent searches: two agents search them at the same moment (--coalesce).
RESERVED_MEMBERS = 90
METRICS_TOKEN = "load-metrics-token"  # noqa: S105 - a temp server on 127.0.0.1


@dataclass(frozen=True)
class Model:
    """A serving model as the config's environment sets it: "gthread:3x16" or "gevent:3"."""

    name: str

    @property
    def env(self) -> dict[str, str]:
        worker_class, _, shape = self.name.partition(":")
        workers, _, threads = shape.partition("x")
        return {
            "GUNICORN_WORKER_CLASS": worker_class,
            "WEB_CONCURRENCY": workers or "3",
            "GUNICORN_THREADS": threads or "1",
        }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", default=os.environ.get("AGENTS", "10 25 50 100 200"))
    parser.add_argument("--latency", default=os.environ.get("SANDBOX_LATENCY_MS", "150"))
    parser.add_argument(
        "--models",
        default=os.environ.get("MODELS", ""),
        help='e.g. "gthread:3x4 gevent:3"; default: the config file\'s own',
    )
    parser.add_argument("--floor", action="store_true", help="also the floor app, alternated")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", "1")))
    parser.add_argument("--run-time", type=int, default=int(os.environ.get("RUN_TIME", "60")))
    parser.add_argument("--spawn-seconds", type=int, default=10, help="all agents in by then")
    parser.add_argument("--instances", type=int, default=1, help="dashboards side by side")
    parser.add_argument("--customers", type=int, default=2000, help="members to generate")
    # The dashboard's own limits, sized to the run rather than to production (see environment()).
    parser.add_argument(
        "--capillary-rate-limit",
        type=int,
        default=int(os.environ.get("CAPILLARY_RATE_LIMIT", str(UNLIMITED))),
        help="the org's Capillary calls a minute (CAPILLARY_RATE_LIMIT); default: no limit",
    )
    parser.add_argument(
        "--lookup-rate-limit",
        type=int,
        default=int(os.environ.get("LOOKUP_RATE_LIMIT", str(UNLIMITED))),
        help="each user's lookups a minute (LOOKUP_RATE_LIMIT); default: no limit",
    )
    # Faults and the fleet (docs/benchmarks.md, "Faults and the fleet under load").
    parser.add_argument(
        "--fault",
        choices=["hang", "down"],
        help="Capillary hangs (accepts, never answers) or is down (refused) from --fault-after on",
    )
    parser.add_argument("--fault-after", type=float, default=15, help="seconds into the run")
    parser.add_argument(
        "--coalesce",
        type=int,
        default=0,
        help="pairs of agents on two instances searching one member at the same moment (max 30)",
    )
    parser.add_argument("--coalesce-after", type=float, default=15, help="seconds into the run")
    return parser.parse_args()


def environment(directory: Path, args: argparse.Namespace) -> dict[str, str]:
    """bench_view's temp settings; the caller's DATABASE_URL and REDIS_URL when given.

    The dashboard's quotas are the run's, not production's defaults: CAPILLARY_RATE_LIMIT (900 a
    minute by default) is Capillary's per-key limit, which the sandbox does not have, and 100-200
    agents searching every 2-5 s make 1,700-6,000 calls a minute, so the default would refuse
    most searches and the table would measure the quota; LOOKUP_RATE_LIMIT likewise. Both
    default to a limit no run reaches; --capillary-rate-limit / --lookup-rate-limit (or the same
    variables in the environment) set them, e.g. to measure the quota itself.
    """
    given = {
        name: os.environ[name] for name in ("DATABASE_URL", "REDIS_URL") if os.environ.get(name)
    }
    env = bench_view.environment(directory, 0) | given
    return env | {
        "HOST": "127.0.0.1",
        "LOAD_USERS": str(directory / "users.json"),
        "CAPILLARY_RATE_LIMIT": str(args.capillary_rate_limit),
        "LOOKUP_RATE_LIMIT": str(args.lookup_rate_limit),
    }


def prepare(env: dict[str, str], customers: int, users: int) -> None:
    """Migrate, seed, collect static files, write the users file (users and members to search;
    RESERVED_MEMBERS emails that the load agents never search)."""
    manage = bench_sandbox.manage
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "migrate", "--noinput", "--database", "sandbox", "-v", "0")
    manage(env, "sandbox_seed", "--customers", str(customers), "--seed", "42")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from membercare.access.capabilities import AGENTS
    from membercare.access.services import ensure_default_groups
    from membercare.sandbox.generator.plans import FIRST_GENERATED_USER_ID
    from membercare.sandbox.models import Customer

    ensure_default_groups()
    agents = Group.objects.get(name=AGENTS)
    password = make_password(PASSWORD)  # one hash for all: each sign-in still checks it
    accounts = []
    for number in range(users):
        user, _ = get_user_model().objects.update_or_create(
            username=f"load-agent-{number:03d}", defaults={"password": password}
        )
        user.groups.set([agents])
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Load app", confirmed=True)
        accounts.append({"username": user.username, "password": PASSWORD, "totp_key": device.key})
    # Members whose search opens a view: generated ones with an email (not deleted, merged or
    # restricted) by email or mobile, and the demo tiers; none of the demo faults.
    found = Customer.objects.filter(
        user_id__gte=FIRST_GENERATED_USER_ID,
        email__isnull=False,
        pii_deleted=False,
        merged_into_id__isnull=True,
        permission_restricted=False,
    ).values_list("email", "mobile")
    generated = list(found.order_by("user_id"))
    reserved = [email for email, _ in generated[-RESERVED_MEMBERS:]]
    generated = generated[:-RESERVED_MEMBERS]
    members = [email for email, _ in generated] + [mobile for _, mobile in generated if mobile]
    members += [f"demo.{key}@example.com" for key in ("silver", "gold", "platinum", "coupons")]
    everything = {"users": accounts, "members": members, "reserved": reserved}
    Path(env["LOAD_USERS"]).write_text(json.dumps(everything))


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(url, timeout=5)  # a first request on a busy machine can take seconds
            return
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{url} did not answer; see {log}")


def start_sandbox(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Capillary's stand-in, with threads enough never to be the bottleneck (Capillary is not)."""
    command = ["manage.py", "sandbox_serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        [sys.executable, *command, "--threads", "64"],
        cwd=ROOT,
        env=env | {"PYTHONUNBUFFERED": "1"},  # its access log counts the calls: line by line
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    wait_for(f"http://127.0.0.1:{port}{bench_sandbox.ENDPOINT}", process, log)
    return process


def start_server(
    app: str, model: Model | None, env: dict[str, str], port: int, log: Path
) -> subprocess.Popen[bytes]:
    """As the Procfile runs it: gunicorn with the repo's config file (the model from its env)."""
    app_env = env | {"PORT": str(port)} | (model.env if model else {})
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    if app == FLOOR:
        command += ["--pythonpath", "scripts", "floor_app:application"]
    else:
        command += ["membercare.wsgi"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=app_env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    wait_for(f"http://127.0.0.1:{port}/accounts/login/", process, log)
    return process


def cpu_seconds(servers: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU of each server's gunicorn master and workers, so far."""
    total = 0.0
    for server in servers:
        master = psutil.Process(server.pid)
        for process in [master, *master.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system
    return total


class SignedInWatch(threading.Thread):
    """Marks when every agent is signed in: the CPU spent so far, and the moment.

    From the request log: an agent's sign-in ends with its "search page" request. The floor has
    no sign-in, so its mark is the run's start.
    """

    def __init__(self, request_log: Path, agents: int, cpu: Callable[[], float]) -> None:
        super().__init__(daemon=True)
        self.request_log, self.agents, self.cpu = request_log, agents, cpu
        self.mark: tuple[float, float] | None = None  # (CPU seconds, epoch seconds)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            entries = load_faults.requests_logged(self.request_log)
            signed_in = [e for e in entries if e["name"] == "search page"]
            if len(signed_in) >= self.agents:
                self.mark = (self.cpu(), time.time())
                return

    def per_lookup(self, cpu_end: float) -> str:
        """CPU-ms per search made after the mark, or "-" when the run never got there."""
        self.done.set()
        if self.mark is None:
            return "-"
        cpu, since = self.mark
        searches = sum(
            1
            for entry in load_faults.requests_logged(self.request_log)
            if entry["name"] == "search" and entry["t"] >= since
        )
        return f"{(cpu_end - cpu) * 1000 / searches:.1f}" if searches else "-"


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_locust(
    hosts: list[str], user_class: str, agents: int, args: argparse.Namespace, env: dict, out: Path
) -> dict[str, dict[str, str]]:
    """locust headless for `agents`, bounded by --run-time; its stats rows by request name."""
    rate = max(1.0, agents / args.spawn_seconds)
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-H", hosts[0], "-u", str(agents), "-r", f"{rate:g}",
        "--run-time", f"{args.run_time}s", "--stop-timeout", "10",
        "--csv", str(out), "--only-summary", "--loglevel", "WARNING", user_class,
    ]  # fmt: skip
    locust_env = env | ({"LOAD_HOSTS": ",".join(hosts)} if len(hosts) > 1 else {})
    subprocess.run(
        command,
        cwd=ROOT,
        env=locust_env,
        stdout=(out.parent / "locust.log").open("ab"),
        stderr=subprocess.STDOUT,
        timeout=args.run_time + 60,
        check=False,  # locust exits 1 when any request failed: the table says so
    )
    with Path(f"{out}_stats.csv").open() as file:
        return {row["Name"]: row for row in csv.DictReader(file)}


def measure(
    app: str,
    model: Model | None,
    agents: int,
    latency: int,
    args: argparse.Namespace,
    env: dict[str, str],
    directory: Path,
    sandbox_log: Path,
    sandbox_port: int,
) -> tuple[str, list[str]]:
    """One run: its table row, and the reports of its faults, quota and coalescing."""
    if env.get("REDIS_URL"):
        import redis

        # Each run from a cold cache and a closed breaker: a previous run's breaker, budget and
        # records are not this one's.
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    switch = None
    if args.fault or args.coalesce:  # Capillary behind the switch, which counts what it is sent
        switch = load_faults.Switch(target_port=sandbox_port).start()
        env = env | {"CAPILLARY_BASE_URL": f"http://127.0.0.1:{switch.port}/sandbox"}
    ports = [bench_sandbox.free_port() for _ in range(args.instances if app != FLOOR else 1)]
    servers, logs = [], []
    stamp = int(time.time())
    for index, port in enumerate(
        ports
    ):  # one port at a time: free_port must not hand out a taken one
        metrics_dir = directory / f"metrics-{stamp}-{index}"
        metrics_dir.mkdir()
        server_env = env | {
            "METRICS_TOKEN": METRICS_TOKEN,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        logs.append(directory / f"{app}-{stamp}-{index}.log")
        servers.append(start_server(app, model, server_env, port, logs[-1]))
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    out = directory / f"run-{app}-{agents}-{stamp}"
    request_log = Path(f"{out}_requests.jsonl")
    watch = None
    if args.fault:
        watch = load_faults.BreakerWatch(hosts, cpu=lambda: cpu_seconds(servers)).start()
    faulted: list[float] = []
    coalesced: list[dict] = []
    timers = []
    if args.fault and switch is not None:
        timers.append(
            threading.Timer(args.fault_after, lambda: faulted.append(switch.fail(args.fault)))
        )
    if args.coalesce and switch is not None and app != FLOOR:
        accounts = json.loads(Path(env["LOAD_USERS"]).read_text())
        reserved = accounts["reserved"][: 3 * min(args.coalesce, RESERVED_MEMBERS // 3)]

        def pairs() -> None:
            coalesced.append(
                load_faults.coalescing(hosts, accounts["users"][-2:], reserved, switch)
            )

        timers.append(threading.Timer(args.coalesce_after, pairs))
    try:
        user_class = "FloorAgent" if app == FLOOR else "MemberCareAgent"
        calls_before = upstream_calls(sandbox_log)
        cpu_before, started = cpu_seconds(servers), time.monotonic()
        began = time.time()
        signed_in = SignedInWatch(
            request_log, 0 if app == FLOOR else agents, lambda: cpu_seconds(servers)
        )
        signed_in.start()
        for timer in timers:
            timer.start()
        stats = run_locust(
            hosts, user_class, agents, args, env | {"LOAD_REQUEST_LOG": str(request_log)}, out
        )
        for timer in timers:
            timer.join()
        cpu_end = cpu_seconds(servers)
        cpu = cpu_end - cpu_before
        cpu_signed_in = signed_in.per_lookup(cpu_end)
        elapsed = time.monotonic() - started
        calls = upstream_calls(sandbox_log) - calls_before
        outcomes = sum((scrape(host) for host in hosts if app != FLOOR), Counter())
    finally:
        if watch is not None:
            watch.stop()
        for server in servers:
            stop(server)
        if switch is not None:
            switch.stop()
    search, total = stats.get("search", {}), stats["Aggregated"]
    searches = int(search.get("Request Count") or 0)
    failures = int(total["Failure Count"])
    if failures or not searches:  # why, on stderr: locust's own lines and its failures' kinds
        print((directory / "locust.log").read_text()[-3000:], file=sys.stderr)
        failed = Path(f"{out}_failures.csv")
        print(failed.read_text()[-2000:] if failed.exists() else "", file=sys.stderr)
    label = f"{app} {model.name if model else '(config)'}" + (
        f" ×{len(servers)}" if len(servers) > 1 else ""
    )
    extras = []
    if args.fault and switch is not None and watch is not None:
        extras += fault_report(
            label, agents, request_log, switch, watch, faulted, logs, outcomes, cpu_end
        )
    if args.capillary_rate_limit < UNLIMITED:
        times = load_faults.call_times(sandbox_log, began)
        whole, most = load_faults.per_minute(times)
        entries = load_faults.requests_logged(request_log)
        searched = [e for e in entries if e["name"] == "search"]
        extras.append(
            f"quota · {label} · {agents} agents · CAPILLARY_RATE_LIMIT {args.capillary_rate_limit}:"
            f" calls Capillary answered in each whole minute {whole}, most in any 60 s {most};"
            f" searches {len(searched)}, answered {load_faults.shown(searched)};"
            f" org rejections counted {int(outcomes['quota:org'])}"
        )
    if app != FLOOR and signed_in.mark is not None:
        extras.append(storm_report(label, agents, request_log, since=signed_in.mark[1]))
    for result in coalesced:
        (pairs_same, calls_same), (pairs_control, calls_control) = result["same"], result["control"]
        extras.append(
            f"coalescing · {label} · under {agents} agents: {pairs_same} pairs searching one member"
            f" at the same moment (one agent on each instance) → {calls_same} calls; control,"
            f" {pairs_control} pairs searching two members → {calls_control} calls; answers"
            f" {dict(result['statuses'])}, search p50/p95/p99 {'/'.join(map(str, result['ms']))} ms"
        )
    cells = [
        label,
        f"{latency} ms",
        str(agents),
        *(f"{int(search.get(p) or 0)}" for p in ("50%", "95%", "99%")),
        f"{failures} / {int(total['Request Count'])}",
        f"{searches / args.run_time:.1f}",
        f"{cpu * 1000 / searches:.1f}" if searches else "-",
        cpu_signed_in,
        f"{calls} / {searches}",
        f"{elapsed:.0f}",
    ]
    return "| " + " | ".join(cells) + " |", extras


def storm_report(label: str, agents: int, request_log: Path, *, since: float) -> str:
    """The sign-in storm at the run's start: how long the sign-ins took, and the searches of the
    agents already signed in while it lasted, beside those after it."""
    entries = load_faults.requests_logged(request_log)
    began = min(entry["t"] for entry in entries)
    sign_ins = [e["ms"] for e in entries if e["name"] in ("sign-in", "second factor")]
    during = [e["ms"] for e in entries if e["name"] == "search" and e["t"] < since]
    after = [e["ms"] for e in entries if e["name"] == "search" and e["t"] >= since]

    def spread(values: list[float]) -> str:
        return "/".join(map(str, load_faults.percentiles(values))) + " ms"

    return (
        f"sign-in storm · {label} · {agents} agents signed in within {since - began:.1f} s:"
        f" password and second-factor POSTs p50/p95/p99 {spread(sign_ins)}, slowest"
        f" {max(sign_ins, default=0):.0f} ms; searches during it {len(during)}, p50/p95/p99"
        f" {spread(during)}; after it {len(after)}, {spread(after)}"
    )


def scrape(host: str) -> Counter:
    """From an instance's /metrics: its Capillary calls by outcome, and quota rejections."""
    answer = requests.get(
        f"{host}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    )
    found: Counter = Counter()
    for line in answer.text.splitlines():
        if line.startswith("membercare_upstream_seconds_count{"):
            outcome = line.split('outcome="', 1)[1].split('"', 1)[0]
            found[f"calls:{outcome}"] += float(line.rsplit(" ", 1)[1])
        elif line.startswith("membercare_quota_rejections_total{"):
            scope = line.split('scope="', 1)[1].split('"', 1)[0]
            found[f"quota:{scope}"] += float(line.rsplit(" ", 1)[1])
    return found


def fault_report(
    label: str,
    agents: int,
    request_log: Path,
    switch: load_faults.Switch,
    watch: load_faults.BreakerWatch,
    faulted: list[float],
    logs: list[Path],
    outcomes: Counter,
    cpu_end: float,
) -> list[str]:
    """The run cut in three: before the fault, from the fault to the breaker's opening, and from
    then on (half-open probes included): the search's percentiles, answers and upstream requests."""
    fault_at = faulted[0] if faulted else float("inf")
    opened = watch.first("open") or float("inf")
    searches = [e for e in load_faults.requests_logged(request_log) if e["name"] == "search"]
    rows = []
    phases = [
        ("before the fault", 0.0, fault_at),
        ("fault → breaker open", fault_at, opened),
        ("breaker open on", opened, float("inf")),
    ]
    for phase, since, until in phases:
        mine = [e for e in searches if since <= e["t"] < until]
        p50, p95, p99 = load_faults.percentiles([e["ms"] for e in mine])
        slowest = round(max((e["ms"] for e in mine), default=0))
        over = sum(1 for e in mine if e["ms"] >= 100)
        rows.append(
            f"| {label} | {agents} | {phase} | {len(mine)} | {p50} | {p95} | {p99} | {slowest} |"
            f" {over} | {load_faults.shown(mine)} | {switch.count(since, until)} |"
        )
    per_host = [
        f"{(watch.first('open', host) or float('nan')) - fault_at:+.1f} s" for host in watch.hosts
    ]
    calls = ", ".join(
        f"{key.split(':', 1)[1]} {int(n)}"
        for key, n in sorted(outcomes.items())
        if key.startswith("calls:")
    )
    changes = " → ".join(
        f"{state}@{moment - fault_at:+.1f}s" for moment, _, state in watch.changes if watch.hosts
    )
    after_open = sum(1 for e in searches if e["t"] >= opened)
    cpu_each = (
        f"{(cpu_end - watch.cpu_at_open) * 1000 / after_open:.1f}"
        if watch.cpu_at_open is not None and after_open
        else "-"
    )
    rows.append(
        f"breaker · {label}: open at {', '.join(per_host)} after the fault (per instance);"
        f" CPU-ms per search once open (the dashboard's processes) {cpu_each};"
        f" 'open' logged {load_faults.breaker_opened(logs)} times (per instance);"
        f" states seen {changes}; Capillary calls by outcome (/metrics) {calls}"
    )
    return rows


def upstream_calls(sandbox_log: Path) -> int:
    """Calls the sandbox has answered so far: the lines of its access log for customer/get."""
    with sandbox_log.open("rb") as log:
        return sum(1 for line in log if b"/customer/get" in line)


def main() -> None:
    args = parse_args()
    agent_counts = [int(n) for n in args.agents.split()]
    latencies = [int(n) for n in args.latency.split()]
    models = [Model(name) for name in args.models.split()] or [None]
    apps = ["membercare", FLOOR] if args.floor else ["membercare"]
    keep = bool(os.environ.get("LOAD_KEEP"))  # LOAD_KEEP=1: keep the temp dir (logs, CSVs)
    with tempfile.TemporaryDirectory(prefix="membercare-load-", delete=not keep) as tmp:
        if keep:
            print(f"logs and CSVs in {tmp}", file=sys.stderr)
        directory = Path(tmp)
        env = environment(directory, args)
        prepare(env, args.customers, max(agent_counts) + 2)  # 2 more: the coalescing pair
        print(
            "| server and model | upstream latency | agents | p50 ms | p95 ms | p99 ms "
            "| errors / requests | searches/s | CPU-ms per lookup | · once all signed in "
            "| upstream calls / searches | s |\n" + "|---" * 12 + "|",
            flush=True,
        )
        extras: list[str] = []
        for latency in latencies:
            sandbox_log = directory / f"sandbox-{latency}.log"
            sandbox_port = bench_sandbox.free_port()
            sandbox_env = env | {"SANDBOX_LATENCY_MS": str(latency)}
            sandbox = start_sandbox(sandbox_env, sandbox_port, sandbox_log)
            run_env = env | {"CAPILLARY_BASE_URL": f"http://127.0.0.1:{sandbox_port}/sandbox"}
            try:
                # Alternated run by run: each configuration sees the same machine, busy or not.
                for _ in range(args.rounds):
                    for agents in agent_counts:
                        for model in models:
                            for app in apps:
                                row, more = measure(
                                    app, model, agents, latency, args, run_env, directory,
                                    sandbox_log, sandbox_port,
                                )  # fmt: skip
                                print(row, flush=True)
                                extras += more
            finally:
                stop(sandbox)
        database = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite"
        cache = "Redis" if env.get("REDIS_URL") else "local memory"
        print(
            f"\n{date.today()} · {platform.machine()}, {os.cpu_count()} CPUs · Python "
            f"{platform.python_version()} · {database}, {cache} cache · {args.run_time} s a run, "
            f"all agents in within {args.spawn_seconds} s · load average "
            f"{' / '.join(f'{n:.1f}' for n in os.getloadavg())} at the end"
        )
        table = [line for line in extras if line.startswith("|")]
        if table:
            print(
                "\n| run | agents | phase | searches | p50 ms | p95 ms | p99 ms | max ms "
                "| ≥ 100 ms | answers | upstream requests |\n" + "|---" * 11 + "|"
            )
            print("\n".join(table))
        for line in extras:
            if not line.startswith("|"):
                print(f"\n{line}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
