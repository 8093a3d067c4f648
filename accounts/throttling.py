"""
Brute-force limits for sign-in, registration and password reset.

Counters live in the Django cache (Redis in production), so every worker and
every server shares them. Each counter is a fixed window: `cache.add` opens
it and `cache.incr` counts, both atomic in Redis and in the local-memory
cache, so there is no read-then-write race. LOGIN_RATE_LIMIT tunes the
limits ("ip=20/min,username=5/15min", any subset) or turns them all off.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.exceptions import APIException
from rest_framework.throttling import BaseThrottle

from accounts.network import client_ip

logger = logging.getLogger("accounts.auth")

DEFAULT_LIMITS = {
    # Sign-in attempts from one IP address, successful or not.
    "ip": "20/min",
    # Failed sign-ins for one username, from anywhere.
    "username": "5/15min",
    # Accounts created from one IP address.
    "register": "10/h",
    # Reset emails requested from one IP address, and for one email address.
    "reset": "10/h",
    "reset_email": "3/h",
}
PERIODS = {"s": 1, "min": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """Parse "5/15min": 5 per 15 minutes."""
        count, _, span = text.strip().partition("/")
        unit = span.lstrip("0123456789")
        multiple = int(span[: len(span) - len(unit)] or 1)
        return cls(int(count), multiple * PERIODS[unit])


def configured_rates() -> dict[str, Rate] | None:
    """Return the limits in force, or None when LOGIN_RATE_LIMIT is "off"."""
    setting = settings.LOGIN_RATE_LIMIT.strip()
    if setting.lower() == "off":
        return None
    rates = dict(DEFAULT_LIMITS)
    for part in filter(None, (p.strip() for p in setting.split(","))):
        name, _, rate = part.partition("=")
        rates[name.strip()] = rate.strip()
    return {name: Rate.parse(rate) for name, rate in rates.items()}


class FixedWindowCounter:
    """An atomic counter of events per key within fixed time windows."""

    def __init__(self, scope: str, rate: Rate):
        self.scope = scope
        self.rate = rate

    def _window(self) -> tuple[int, float]:
        now = time.time()
        return int(now // self.rate.period), now

    def _key(self, identity: str, window: int) -> str:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{window}:{digest}"

    def hit(self, identity: str) -> int:
        """Count one event and return the window's total so far."""
        window, _ = self._window()
        key = self._key(identity, window)
        cache.add(key, 0, timeout=self.rate.period + 1)
        try:
            return cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=self.rate.period + 1)
            return 1

    def count(self, identity: str) -> int:
        window, _ = self._window()
        return cache.get(self._key(identity, window), 0)

    def reset(self, identity: str) -> None:
        window, _ = self._window()
        cache.delete(self._key(identity, window))

    def seconds_left(self) -> int:
        window, now = self._window()
        return max(1, math.ceil((window + 1) * self.rate.period - now))


def counter(scope: str) -> FixedWindowCounter | None:
    rates = configured_rates()
    if rates is None:
        return None
    return FixedWindowCounter(scope, rates[scope])


def username_key(username) -> str:
    return str(username).strip().lower()


def login_failure_record(username) -> None:
    """Count a failed sign-in against the username, whoever made it."""
    failures = counter("username")
    if failures is not None and username:
        failures.hit(username_key(username))


def login_failures_clear(username) -> None:
    """Unlock a username, after its owner proved control by a password reset."""
    failures = counter("username")
    if failures is not None:
        failures.reset(username_key(username))


class LimitsUnavailable(APIException):
    status_code = 503
    default_detail = "Temporarily unavailable, try again shortly."
    default_code = "limits_unavailable"


class CacheRateThrottle(BaseThrottle):
    """
    Refuse a request with 429 and Retry-After once one of its limits is hit.

    Subclasses say which counters apply in `checks()`: pairs of a counter and
    the identity it counts, and whether this request adds to it.
    """

    def allow_request(self, request, view):
        self._wait = None
        if configured_rates() is None:
            return True
        try:
            return self._within_limits(request)
        except RedisError as exc:
            # Without its counters a limit cannot hold: refuse (503) rather
            # than let guessing run unchecked while Redis is down.
            logger.exception("rate_limit_store_unavailable")
            raise LimitsUnavailable from exc

    def _within_limits(self, request):
        for scope, identity, counts in self.checks(request):
            if not identity:
                continue
            limit_counter = counter(scope)
            total = (
                limit_counter.hit(identity)
                if counts
                else limit_counter.count(identity) + 1
            )
            if total > limit_counter.rate.limit:
                self._wait = limit_counter.seconds_left()
                return False
        return True

    def wait(self):
        return self._wait

    def checks(self, request):
        raise NotImplementedError


class LoginRateThrottle(CacheRateThrottle):
    """
    Limit sign-ins per client IP, and failed sign-ins per username.

    Only failures count toward the username (accounts.signals records them),
    so its owner is not locked out by their own successful sign-ins.
    """

    def checks(self, request):
        username = (
            request.data.get("username") if hasattr(request.data, "get") else None
        )
        return [
            ("ip", client_ip(request), True),
            ("username", username_key(username) if username else None, False),
        ]


class RegisterRateThrottle(CacheRateThrottle):
    def checks(self, request):
        return [("register", client_ip(request), True)]


class PasswordResetRateThrottle(CacheRateThrottle):
    def checks(self, request):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        return [
            ("reset", client_ip(request), True),
            ("reset_email", str(email).strip().lower() if email else None, True),
        ]
