"""gunicorn's logger for `sandbox_serve`, with query strings cut out of every line.

Identifiers travel in the query string (`?email=...`). The access log format already logs the
path alone (%(U)s); the filter also covers gunicorn's own error lines, some of which quote the URI.
"""

from typing import Any

from gunicorn import glogging  # type: ignore[import-untyped]  # gunicorn ships no type hints

from membercare.log_filters import DropQueryStrings


class QueryFreeLogger(glogging.Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(DropQueryStrings())
