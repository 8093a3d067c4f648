"""
What the production server's process (config/wsgi.py) changes in how Django
serves a request: whole bodies for the server, and Django's per-request
receivers less those with nothing to do there.
"""

from django.conf import settings
from django.core import signals
from django.core.cache import caches, close_caches
from django.core.cache.backends.base import BaseCache
from django.db import reset_queries
from django.http import HttpResponse


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


def whole_bodies(django_application):
    """
    Hand the server each complete response body as a one-item list.

    Django gives the server its HttpResponse, an iterable: granian writes an
    iterable by calling back into Python for each chunk and then for
    `close()`, and a list in one call. In a served A/B of `/api/users/me/`
    the list took 2-5 % more requests a second (docs/benchmarks.md).
    Streaming responses (files, StreamingHttpResponse) pass through as they
    are. Django's `close()`, which sends request_finished, runs once the
    body is built, just before it is written instead of just after.
    """

    def application(environ, start_response):
        response = django_application(environ, start_response)
        if not isinstance(response, HttpResponse):
            return response
        try:
            return [response.content]
        finally:
            response.close()

    return application
