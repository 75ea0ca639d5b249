"""gunicorn's settings for the dashboard: the Procfile runs `gunicorn -c gunicorn.conf.py`.

Every setting can be changed from the environment without editing this file (a platform's
WEB_CONCURRENCY, or a load test trying another model: scripts/load.py). Why these values, with
the measurements: docs/operations.md ("Serving") and docs/benchmarks.md ("Load").
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104

# An agent's request spends most of its time waiting on Capillary, not on our CPU, so a worker
# must hold many requests at once. gthread: one thread per request in flight; gevent: one
# greenlet per connection (gunicorn's gevent worker monkey-patches the worker at start, so
# requests/urllib3 and psycopg 3 yield while they wait).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# 16 threads: measured against 4 and 32, and gevent (docs/benchmarks.md, "Load").
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# gevent: connections (and so requests) in flight per worker. Also gthread's cap on open ones.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))

# Longer than an agent's think time between two clicks, and longer than the load balancer's own
# idle timeout (AWS ALB and most others: 60 s), so that the balancer, not gunicorn, closes an
# idle connection: gunicorn closing one just as the balancer sends a request on it resets that
# request (gunicorn's default of 2 s reset search POSTs under load: issue 9).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# A request that takes longer than this is stuck: the worker is restarted. Above the Capillary
# client's deadline for a whole call, so a slow upstream is answered, not killed.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10

# Access log on stdout; the path without its query string (identifiers never travel in URLs, but
# a hand-typed one would otherwise end up in the log).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
# gunicorn 27 otherwise opens one control socket per user (~/.gunicorn/gunicorn.ctl), which
# several servers on one machine (two instances, tests) would fight over.
control_socket_disable = True


# --- Prometheus metrics across workers (membercare/metrics.py, docs/operations.md "Metrics") ----
# With PROMETHEUS_MULTIPROC_DIR set, each worker keeps its values in files there and /metrics adds
# them up. The files outlive the processes: a start must not add up the last run's, and a worker
# that died must not go on counting in the live gauges.


def on_starting(server: object) -> None:
    """In the master, before any worker: the directory, emptied of the last run's files."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):  # prometheus_client's files; nothing else is touched
            os.remove(os.path.join(directory, name))


def child_exit(server: object, worker: object) -> None:
    """In the master, when a worker has exited (restarted, killed, timed out)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
