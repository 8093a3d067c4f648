"""
Auth events: one structured log record per sign-in, sign-out, lock or change.

The record's message is the event's name and every detail is a field of its
own, so the JSON formatter of production (config/logging.py) writes one
object per line and escapes whatever a client typed. Nothing that may be a
password is ever a field: a username from a failed sign-in may be a password
typed into the wrong box, so it is logged as a keyed digest only.
"""

import logging

from django.utils.crypto import salted_hmac

logger = logging.getLogger("accounts.auth")


def auth_event_log(
    event: str, *, level: int = logging.INFO, exc_info: bool = False, **fields
) -> None:
    """Log an auth event; callers pass ids, addresses and reasons only."""
    logger.log(level, event, exc_info=exc_info, extra={"event": event, **fields})


def username_digest(username: object) -> str:
    """
    Return a short keyed digest of a typed username.

    Failed sign-ins for one name share a digest, so staff can follow a
    guessing run in the logs, but the digest cannot be read back into what
    was typed (it is keyed with a key derived from SECRET_KEY for this use
    alone, so no dictionary of hashes helps).
    """
    typed = str(username).encode("utf-8", "replace").decode("utf-8")
    return salted_hmac("accounts.events.username", typed).hexdigest()[:16]
