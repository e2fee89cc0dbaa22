"""Logging filters that keep personal data out of the logs."""

import logging
import re

_QUERY = re.compile(r"\?\S*")


class StripQueryStrings(logging.Filter):
    """Drop the query string from request lines (the development server logs "GET /path?query HTTP/1.1"): an admin
    search puts a patient's name there, and logs carry no names."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_QUERY.sub("?…", record.args[0], count=1), *record.args[1:])
        return True
