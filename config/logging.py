"""
Log formatters: one JSON object per line in production, readable lines in
development. Neither lets a value break out of its record.
"""

import logging

from pythonjsonlogger.json import JsonFormatter

# What every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__
) | {"message", "asctime", "taskName"}


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter with the fields this project logs."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args, **kwargs)


class PlainFormatter(logging.Formatter):
    """
    `time level logger message key=value …`, one line per record.

    Control characters in the message and in the values are escaped, so a
    value with a newline (a crafted username, say) cannot write a second,
    forged record.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        super().__init__(*args, **kwargs)

    def formatMessage(self, record):
        # Formatter.format() appends a traceback after this, lines intact.
        extras = "".join(
            f" {key}={value}"
            for key, value in record.__dict__.items()
            if key not in _RECORD_ATTRIBUTES and key != "event"
        )
        return _escaped(super().formatMessage(record) + extras)


def _escaped(value) -> str:
    text = str(value)
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")
