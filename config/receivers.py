"""Django's per-request receivers, less those with nothing to do here."""

from django.conf import settings
from django.core import signals
from django.core.cache import caches, close_caches
from django.core.cache.backends.base import BaseCache
from django.db import reset_queries


def idle_request_receivers_disconnect() -> None:
    """
    Stop two of Django's per-request receivers where, in this process, they
    cannot do anything; together they cost 5 % of `GET /api/users/me/`
    (docs/benchmarks.md). config/wsgi.py calls this once, in the server.

    - `reset_queries` (request started) empties each connection's query log,
      which only fills when queries are logged: under DEBUG, or in a test's
      `assertNumQueries`. A server without DEBUG logs none.
    - `close_caches` (request finished) calls `close()` on each cache used,
      which the local-memory and Redis backends, the ones config/settings.py
      configures, inherit from BaseCache, where it does nothing. A backend
      with a `close()` of its own keeps the receiver.

    `close_old_connections`, which ends broken or aged database connections
    on both signals, stays.
    """
    if not settings.DEBUG:
        signals.request_started.disconnect(reset_queries)
    if all(type(caches[alias]).close is BaseCache.close for alias in settings.CACHES):
        signals.request_finished.disconnect(close_caches)
