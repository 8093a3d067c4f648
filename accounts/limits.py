"""
Brute-force limits for every door that takes a credential.

Sign-in through the API, `/token` and the admin login, the old password of a
password change: all count toward the same two counters, one per client IP
address and one per username, so a guess through one door is a guess
through all of them. Registration and password reset have counters of their
own.

Counters live in the Django cache (Redis in production), so every worker
and every server shares them. Each counter is a window of the rate's
period opened by its first event: `cache.add` opens it and `cache.incr`
counts, both atomic in Redis and in the local-memory cache. An attempt is
counted *before* the password is checked and given back when it succeeds,
so N concurrent guesses cannot slip past a limit of L: each one's increment
returns a distinct total, and only the first L totals reach the password
check.

LOGIN_RATE_LIMIT tunes the limits ("ip=20/min,username=5/15min", any
subset, or a bare DRF rate "5/min" for the per-IP limit) or turns them all
off; config/rates.py parses it at startup.
"""

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.exceptions import APIException, Throttled
from rest_framework.throttling import BaseThrottle

from accounts.events import auth_event_log, username_digest
from accounts.network import client_ip
from accounts.usernames import username_fold


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def configured_rates() -> dict[str, Rate] | None:
    """
    Return the limits in force, or None when LOGIN_RATE_LIMIT is "off".

    config/rates.py parsed the variable when the settings loaded
    (defaults there), so a mistyped rate stopped the process at startup.
    """
    limits = settings.LOGIN_RATE_LIMITS
    if limits is None:
        return None
    return {scope: Rate(*rate) for scope, rate in limits.items()}


class FixedWindowCounter:
    """
    An atomic counter of events per key, in windows of the rate's period
    that the first event opens.

    A window starts with its first event rather than on the clock's
    boundaries: with boundaries, a guesser could spend a limit just before
    one and again just after it, twice the limit within seconds.
    """

    def __init__(self, scope: str, rate: Rate):
        self.scope = scope
        self.rate = rate

    def key(self, identity: str) -> str:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}"

    def hit(self, identity: str) -> tuple[str, int]:
        """Count one event; return its key and the window's total so far."""
        key = self.key(identity)
        if cache.add(key, 0, timeout=self.rate.period):
            cache.set(f"{key}:opened", time.time(), timeout=self.rate.period)
        try:
            return key, cache.incr(key)
        except ValueError:  # the window closed between add and incr
            cache.add(key, 1, timeout=self.rate.period)
            cache.set(f"{key}:opened", time.time(), timeout=self.rate.period)
            return key, 1

    @staticmethod
    def give_back(key: str) -> None:
        """Take back one event counted by `hit`."""
        # ValueError: the window has closed and its count expired.
        with contextlib.suppress(ValueError):
            cache.decr(key)

    def count(self, identity: str) -> int:
        return cache.get(self.key(identity), 0)

    def reset(self, identity: str) -> None:
        key = self.key(identity)
        cache.delete_many([key, f"{key}:opened"])

    def seconds_left(self, identity: str) -> int:
        """Seconds until the identity's window closes."""
        opened = cache.get(f"{self.key(identity)}:opened")
        if opened is None:
            return self.rate.period
        return max(1, math.ceil(opened + self.rate.period - time.time()))


def counter(scope: str) -> FixedWindowCounter | None:
    rates = configured_rates()
    if rates is None:
        return None
    return FixedWindowCounter(scope, rates[scope])


class LimitsUnavailable(APIException):
    status_code = 503
    default_detail = "Temporarily unavailable, try again shortly."
    default_code = "limits_unavailable"


class SignInThrottled(Throttled):
    """
    Too many sign-in attempts: 429 with Retry-After.

    Raised from inside `authenticate()`, so it is not a PermissionDenied
    (which Django's `authenticate()` would swallow into a plain failure):
    every door that signs in must answer it, the admin's login form included.
    """

    default_code = "sign_in_throttled"


# Sign-in attempts
# ------------------------------------------------------------------------------


class SignInAttempt:
    """
    One try of a password for a username, counted before the password is
    checked. `succeeded()` gives the username's count back, so its owner is
    not locked out by their own sign-ins; a failure keeps it.
    """

    def __init__(self, username_key: str | None = None):
        self._username_key = username_key

    def succeeded(self) -> None:
        if self._username_key is not None:
            FixedWindowCounter.give_back(self._username_key)
            self._username_key = None


def sign_in_attempt_start(*, request, username: str) -> SignInAttempt:
    """
    Count a sign-in attempt for `username` from the request's client, or
    raise SignInThrottled if either limit is already reached.

    A locked username cannot sign in even with the right password until the
    window ends (or its owner resets the password), whichever door is used.
    """
    if configured_rates() is None:
        return SignInAttempt()
    try:
        return _sign_in_attempt_count(request=request, username=username)
    except RedisError as exc:
        # Without its counters a limit cannot hold: refuse (503) rather than
        # let guessing run unchecked while Redis is down.
        auth_event_log("rate_limit_store_unavailable", level=40)
        raise LimitsUnavailable from exc


def _sign_in_attempt_count(*, request, username: str) -> SignInAttempt:
    ip_address = client_ip(request) if request is not None else None
    by_ip = counter("ip")
    if ip_address is not None:
        _, total = by_ip.hit(ip_address)
        if total > by_ip.rate.limit:
            _throttled(by_ip, ip_address, scope="ip", ip=ip_address)
    by_username = counter("username")
    folded = username_fold(username)
    key, total = by_username.hit(folded)
    if total > by_username.rate.limit:
        _throttled(
            by_username,
            folded,
            scope="username",
            username_digest=username_digest(folded),
            ip=ip_address,
        )
    return SignInAttempt(username_key=key)


class SecondFactorAttempt:
    """
    One try of a second factor, counted before it is checked: toward the
    user's own second-factor limit and toward their username's sign-in
    limit, so a guessed code costs as much as a guessed password.
    `succeeded()` gives both back.
    """

    def __init__(self, keys: list[str]):
        self._keys = keys

    def succeeded(self) -> None:
        for key in self._keys:
            FixedWindowCounter.give_back(key)
        self._keys = []


def second_factor_attempt_start(*, user) -> SecondFactorAttempt:
    """
    Count a second-factor attempt for `user`, or raise SignInThrottled if
    their second-factor or username limit is already reached.
    """
    if configured_rates() is None:
        return SecondFactorAttempt([])
    try:
        keys = []
        for scope, identity in (
            ("mfa", str(user.pk)),
            ("username", username_fold(user.get_username())),
        ):
            limit = counter(scope)
            key, total = limit.hit(identity)
            keys.append(key)
            if total > limit.rate.limit:
                _throttled(limit, identity, scope=scope, user_id=user.pk)
        return SecondFactorAttempt(keys)
    except RedisError as exc:
        auth_event_log("rate_limit_store_unavailable", level=40)
        raise LimitsUnavailable from exc


def login_failures_clear(username: str) -> None:
    """Unlock a username, after its owner proved control by a password reset."""
    failures = counter("username")
    if failures is not None:
        failures.reset(username_fold(username))


def _throttled(limit: FixedWindowCounter, identity: str, **fields):
    wait = limit.seconds_left(identity)
    auth_event_log("sign_in_throttled", level=30, retry_after=wait, **fields)
    raise SignInThrottled(wait=wait)


# DRF throttles for the doors that are not sign-ins
# ------------------------------------------------------------------------------


class CacheRateThrottle(BaseThrottle):
    """
    Refuse a request with 429 and Retry-After once one of its limits is hit.

    Subclasses say which counters apply in `checks()`: pairs of a scope and
    the identity it counts. Every request counts.
    """

    def allow_request(self, request, view):
        self._wait = None
        if configured_rates() is None:
            return True
        try:
            return self._within_limits(request)
        except RedisError as exc:
            auth_event_log("rate_limit_store_unavailable", level=40)
            raise LimitsUnavailable from exc

    def _within_limits(self, request):
        for scope, identity in self.checks(request):
            if not identity:
                continue
            limit_counter = counter(scope)
            _, total = limit_counter.hit(identity)
            if total > limit_counter.rate.limit:
                self._wait = limit_counter.seconds_left(identity)
                return False
        return True

    def wait(self):
        return self._wait

    def checks(self, request):
        raise NotImplementedError


class RegisterRateThrottle(CacheRateThrottle):
    def checks(self, request):
        return [("register", client_ip(request))]


class PasswordResetRateThrottle(CacheRateThrottle):
    def checks(self, request):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        return [
            ("reset", client_ip(request)),
            ("reset_email", str(email).strip().lower() if email else None),
        ]


class PerUserRateThrottle(CacheRateThrottle):
    """Requests of one signed-in user in `scope`, whatever they send."""

    scope: str

    def checks(self, request):
        user_id = getattr(request.user, "pk", None)
        return [(self.scope, str(user_id) if user_id is not None else None)]


class PasswordChangeRateThrottle(PerUserRateThrottle):
    scope = "password_change"


class ReauthenticateRateThrottle(PerUserRateThrottle):
    scope = "reauthenticate"


class VerifyResendRateThrottle(PerUserRateThrottle):
    """Verification mails asked for again (the sign-up's does not count)."""

    scope = "verify_resend"


class EmailChangeRateThrottle(PerUserRateThrottle):
    """Changes of address asked for: each mails a third-party address."""

    scope = "email_change"
