"""
Auth events: one structured log record per sign-in, sign-out, lock or change.

The record's message is the event's name and every detail is a field of its
own, so the JSON formatter of production (config/logging.py) writes one
object per line and escapes whatever a client typed. Nothing that may be a
password is ever a field: a username from a failed sign-in may be a password
typed into the wrong box, so it is logged as a keyed digest only.
"""

import hashlib
import hmac
import logging

from django.conf import settings

logger = logging.getLogger("accounts.auth")


def auth_event_log(event: str, *, level: int = logging.INFO, **fields) -> None:
    """Log an auth event; callers pass ids, addresses and reasons only."""
    logger.log(level, event, extra={"event": event, **fields})


def username_digest(username: object) -> str:
    """
    Return a short keyed digest of a typed username.

    Failed sign-ins for one name share a digest, so staff can follow a
    guessing run in the logs, but the digest cannot be read back into what
    was typed (it is keyed with SECRET_KEY, so no dictionary of hashes helps).
    """
    key = settings.SECRET_KEY.encode()
    typed = str(username).encode("utf-8", "replace")
    return hmac.new(key, typed, hashlib.sha256).hexdigest()[:16]
