"""Logging filters that keep personal data out of logs.

Plain `logging` code, no Django: the Capillary app attaches `DropQueryStrings` to urllib3's
loggers when Django starts (`CapillaryConfig.ready()`), the sandbox's gunicorn to its access log,
and settings.LOGGING puts it on the console handler (the dev server's access log).
"""

import logging
import re

# A query string may hold a member identifier (`/v1.1/customer/get?email=...`).
_QUERY = re.compile(r"\?[^\s\"']*")


class DropQueryStrings(logging.Filter):
    """Cut query strings out of a record's message before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's business; never fail the caller here
            return True
        if "?" in message:
            record.msg, record.args = _QUERY.sub("?[redacted]", message), None
        return True
