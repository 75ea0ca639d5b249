"""manage.py sandbox_serve --port P [--host H] [--workers N] [--threads N]: gunicorn, load tests.

Serves the whole project (membercare.wsgi), so the sandbox answers at /sandbox/v1.1/customer/get,
in its own process. gthread workers: a slow answer (the `slow` fault) holds one thread, not the
worker. The command execs gunicorn, so stopping this process stops the server.
"""

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# The Procfile's access log line: the path without its query string (identifiers live there).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


class Command(BaseCommand):
    help = "Serve the project with gunicorn (gthread workers), the sandbox at /sandbox/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
        parser.add_argument("--threads", type=int, default=8, help="threads per worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            raise CommandError("SANDBOX_ENABLED is off: /sandbox/ is not mounted.")
        # Long enough for the `slow` fault's answer plus margin, or gunicorn kills the worker.
        timeout = max(30, int(settings.SANDBOX_SLOW_SECONDS) + 15)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "membercare.wsgi",
            f"--bind={options['host']}:{options['port']}",
            f"--workers={options['workers']}",
            "--worker-class=gthread",
            f"--threads={options['threads']}",
            f"--timeout={timeout}",
            "--graceful-timeout=5",
            "--access-logfile=-",
            f"--access-logformat={ACCESS_LOG_FORMAT}",
            "--error-logfile=-",
            "--logger-class=membercare.sandbox.serving.QueryFreeLogger",
            # gunicorn 27 otherwise opens one control socket per user (~/.gunicorn/gunicorn.ctl),
            # which several sandboxes at once (tests, benchmarks) would fight over.
            "--no-control-socket",
        ]
        self.stdout.write(f"sandbox: http://{options['host']}:{options['port']}/sandbox/")
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
