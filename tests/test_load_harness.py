"""The load harness's pieces, quickly: the locustfile loads, the floor answers, the config reads.

The load runs themselves (scripts/load.py, `make load`) take minutes and are not part of the suite.
"""

import importlib
import io
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from membercare.capillary import FULL_VIEW

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = "http://capillary.test/sandbox"


def test_the_locustfile_loads_with_its_two_kinds_of_agent() -> None:
    # In a process of its own: importing locust monkey-patches the interpreter with gevent.
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "loadtests/locustfile.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "MemberCareAgent" in listed.stdout
    assert "FloorAgent" in listed.stdout


@pytest.fixture
def floor_app(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CAPILLARY_BASE_URL", SANDBOX)
    monkeypatch.setenv("CAPILLARY_USERNAME", "sandbox.till")
    monkeypatch.setenv("CAPILLARY_PASSWORD", "sandbox-till-password")
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    sys.modules.pop("floor_app", None)
    yield importlib.import_module("floor_app")
    sys.modules.pop("floor_app", None)


def post(app, body: bytes) -> tuple[str, bytes]:
    statuses = []
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    chunks = app.application(environ, lambda status, headers: statuses.append(status))
    return statuses[0], b"".join(chunks)


@responses.activate
def test_the_floor_makes_the_full_view_call_and_prints_name_and_tier(floor_app) -> None:
    member = {"firstname": "Grace", "lastname": "<Gold>", "current_slab": "Gold"}
    responses.get(
        f"{SANDBOX}/v1.1/customer/get",
        json={"response": {"customers": {"customer": [member]}}},
    )

    status, body = post(floor_app, b"q=demo.gold%40example.com")

    assert status == "200 OK"
    assert body == b"<p>Grace &lt;Gold&gt;: Gold</p>\n"
    sent = parse_qs(urlsplit(str(responses.calls[0].request.url)).query)
    assert sent.pop("email") == ["demo.gold@example.com"]
    assert sent.pop("format") == ["json"]
    assert {name: values[0] for name, values in sent.items()} == FULL_VIEW.params()
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
def test_the_floor_asks_for_a_query(floor_app) -> None:
    status, _ = post(floor_app, b"q=")
    assert status == "400 Bad Request"
    assert not responses.calls


def test_the_gunicorn_config_keeps_connections_open_longer_than_agents_think(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # Longer than think time (2-5 s) and than a balancer's idle timeout (60 s): issue 9.
    assert config["keepalive"] >= 75
    assert "gunicorn.conf.py" in (ROOT / "Procfile").read_text()

    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gthread")
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("GUNICORN_THREADS", "16")
    monkeypatch.setenv("PORT", "9001")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 16)
    assert config["bind"].endswith(":9001")


def test_the_gunicorn_config_starts_metrics_afresh_and_forgets_dead_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """PROMETHEUS_MULTIPROC_DIR: the last run's files are removed when gunicorn starts, and a
    worker that exits has its live gauges removed (prometheus_client's mark_process_dead)."""
    from types import SimpleNamespace

    metrics = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    config["on_starting"](None)  # the directory is made if missing
    stale = ["counter_101.db", "histogram_101.db", "gauge_livesum_101.db"]
    for name in [*stale, "README"]:
        (metrics / name).write_text("x")
    config["on_starting"](None)
    assert sorted(p.name for p in metrics.iterdir()) == ["README"]

    for name in ["counter_202.db", "gauge_livesum_202.db", "gauge_liveall_202.db"]:
        (metrics / name).write_text("x")
    config["child_exit"](None, SimpleNamespace(pid=202))
    # Counters keep what the dead worker counted; its live gauges go.
    assert sorted(p.name for p in metrics.iterdir()) == ["README", "counter_202.db"]


def test_without_a_metrics_directory_the_hooks_do_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["on_starting"](None)
    config["child_exit"](None, object())  # no pid needed: nothing is looked at


# --- Faults and the fleet (scripts/load_faults.py) -----------------------------------------------


@pytest.fixture
def load_faults(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    sys.modules.pop("load_faults", None)
    yield importlib.import_module("load_faults")
    sys.modules.pop("load_faults", None)


@pytest.fixture
def answering_server():
    """An HTTP server on 127.0.0.1 that answers every GET with 200 "ok" (keep-alive)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Ok(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_switch_relays_then_hangs_then_refuses(load_faults, answering_server) -> None:
    import requests

    switch = load_faults.Switch(target_port=answering_server).start()
    url = f"http://127.0.0.1:{switch.port}/sandbox/v1.1/customer/get?email=a%40example.com"
    session = requests.Session()  # a kept-alive connection, as the dashboard's pool has
    try:
        assert session.get(url, timeout=5).text == "ok"
        switch.fail("hang")
        with pytest.raises(requests.ReadTimeout):  # on the open connection too
            session.get(url, timeout=0.5)
        with pytest.raises(requests.ReadTimeout):
            requests.get(url, timeout=0.5)
        switch.fail("down")
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=5)
    finally:
        switch.stop()
    assert [mode for _, mode in switch.requests] == ["up", "hang", "hang"]


def test_calls_are_counted_per_minute_and_in_the_busiest_60_s(load_faults) -> None:
    # 10 calls in the first minute, 5 in the second, then one at 125 s (an incomplete minute).
    times = [1000.0 + n for n in range(10)] + [1070.0 + n for n in range(5)] + [1125.0]
    whole, most = load_faults.per_minute(times)
    assert whole == [10, 5]
    assert most == 10
    assert load_faults.percentiles([float(n) for n in range(1, 101)]) == (51, 96, 100)
