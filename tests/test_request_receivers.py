"""
The server leaves out Django's per-request receivers that have nothing to
do in it (config/receivers.py), and keeps the ones that do.
"""

import pytest
from django.core import signals
from django.core.cache import close_caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import close_old_connections, reset_queries

from config.receivers import idle_request_receivers_disconnect


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
