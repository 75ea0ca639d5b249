"""Logging filters that keep personal data out of logs."""

import logging
import re

# A query string may hold a member identifier (the sandbox's /v1.1/customer/get?email=...).
_QUERY = re.compile(r"\?[^\s\"']*")


class DropQueryStrings(logging.Filter):
    """Cut query strings out of every record, e.g. the dev server's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _QUERY.sub("?…", record.msg)
        return True
