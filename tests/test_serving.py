"""
The server leaves out Django's per-request receivers that have nothing to
do in it (config/serving.py), and keeps the ones that do.
"""

import json

import pytest
from django.core import signals
from django.core.cache import close_caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, reset_queries
from django.test import RequestFactory

from config.serving import idle_request_receivers_disconnect, whole_bodies


class ClosingCache(LocMemCache):
    """A cache backend with a `close()` of its own, as memcached's has."""

    def close(self, **kwargs):
        pass


def connected(signal, receiver) -> bool:
    return any(ref() is receiver for _key, ref, _is_async in signal.receivers)


@pytest.fixture(autouse=True)
def _receivers_restored():
    yield
    signals.request_started.connect(reset_queries)
    signals.request_finished.connect(close_caches)


def test_a_server_without_debug_stops_the_two_idle_receivers(settings):
    settings.DEBUG = False

    idle_request_receivers_disconnect()

    assert not connected(signals.request_started, reset_queries)
    assert not connected(signals.request_finished, close_caches)


def test_connections_are_still_checked_when_each_request_starts_and_ends(settings):
    idle_request_receivers_disconnect()

    assert connected(signals.request_started, close_old_connections)
    assert connected(signals.request_finished, close_old_connections)


def test_under_debug_the_query_log_is_still_emptied_for_each_request(settings):
    settings.DEBUG = True

    idle_request_receivers_disconnect()

    assert connected(signals.request_started, reset_queries)


def test_a_cache_with_a_close_of_its_own_is_still_closed_after_each_request(
    settings,
):
    settings.CACHES = {
        **settings.CACHES,
        "closing": {"BACKEND": f"{__name__}.ClosingCache"},
    }

    idle_request_receivers_disconnect()

    assert connected(signals.request_finished, close_caches)


def test_django_connects_both_receivers_to_begin_with():
    assert connected(signals.request_started, reset_queries)
    assert connected(signals.request_finished, close_caches)


@pytest.fixture
def served(db):
    """
    The WSGI application as config/wsgi.py builds it, and what it started.

    As Django's test client does, the request runs without
    close_old_connections: inside the test's transaction it would close the
    database connection (autocommit is off there).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    started = {}

    def serve(path, **headers):
        application = whole_bodies(get_wsgi_application())
        environ = RequestFactory().get(path, **headers).environ

        def start_response(status, response_headers, exc_info=None):
            started.update(status=status, headers=dict(response_headers))

        return application(environ, start_response), started

    yield serve
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_a_response_reaches_the_server_as_one_whole_body(served, access_token):
    body, started = served(
        "/api/users/me/", HTTP_AUTHORIZATION=f"Bearer {access_token}"
    )

    assert isinstance(body, list) and len(body) == 1
    assert started["status"] == "200 OK"
    assert json.loads(body[0])["username"] == "john"
    assert started["headers"]["Content-Length"] == str(len(body[0]))


def test_the_response_is_closed_and_request_finished_sent(served, access_token):
    finished = []

    def note(sender, **kwargs):
        finished.append(sender)

    signals.request_finished.connect(note)
    try:
        served("/api/users/me/", HTTP_AUTHORIZATION=f"Bearer {access_token}")
    finally:
        signals.request_finished.disconnect(note)

    assert len(finished) == 1


def test_a_streaming_response_passes_through_unread(served, settings, tmp_path):
    (tmp_path / "probe.css").write_text("body {}")
    settings.STATIC_ROOT = tmp_path

    body, started = served(f"{settings.STATIC_URL}probe.css")

    assert not isinstance(body, list)
    assert started["status"] == "200 OK"
    assert b"".join(body) == b"body {}"
    body.close()
