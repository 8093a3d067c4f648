"""The DRF throttles of the two-factor endpoints (counters: accounts/limits.py)."""

from accounts.limits import CacheRateThrottle, PerUserRateThrottle
from accounts.network import client_ip


class SecondFactorRateThrottle(PerUserRateThrottle):
    """Codes sent to confirm an authenticator app, right or wrong."""

    scope = "mfa"


class PasskeySignInRateThrottle(CacheRateThrottle):
    """Passkey sign-in challenges and answers from one IP address."""

    def checks(self, request):
        return [("passkey_sign_in", client_ip(request))]
