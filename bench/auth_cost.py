"""
Per-request cost of authentication: stock SimpleJWT against this project's
session-checking authentication, and HS256 against EdDSA (and ES256, RS256)
keys, in the same process and the same run.

Stock `JWTAuthentication` verifies the token with PyJWT and fetches the user
(one query). `SessionJWTAuthentication` verifies each token's signature once
per process (accounts/tokens.py) and fetches the session joined with its
user (one query), so a revoked session is refused at once. "token seen
before" is the steady state of a client that sends the same access token
with every request; "a new token each request" pays for the signature
check every time, as the first request with each token does.
Runs on DATABASE_URL (default: a throwaway SQLite file).

    .venv/bin/python bench/auth_cost.py [--iterations 3000] [--rounds 5]
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/auth_cost.sqlite3")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.tokens import AccessToken as StockAccessToken

    from accounts.authentication import SessionJWTAuthentication
    from accounts.sessions import session_open
    from accounts.signing_keys import private_key_generate
    from accounts.tokens import AccessToken

    call_command("migrate", verbosity=0)
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-auth-cost")
    factory = APIRequestFactory()

    def request(token: str) -> Request:
        return Request(
            factory.get("/api/users/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
        )

    class StockJWTAuthentication(JWTAuthentication):
        """SimpleJWT as shipped: PyJWT verifies the token on every request."""

        def get_validated_token(self, raw_token):
            return StockAccessToken(raw_token)

    algorithms = {"HS256": ""} | {
        name: private_key_generate(name) for name in ("EdDSA", "ES256", "RS256")
    }

    def keys(algorithm: str):
        return override_settings(
            JWT_ALGORITHM=algorithm, JWT_SIGNING_KEYS=algorithms[algorithm]
        )

    def fresh_tokens(access: str, count: int) -> list[str]:
        """Tokens of the same session that no request has shown yet."""
        tokens = []
        for _ in range(count):
            token = AccessToken(access)
            token["jti"] = uuid.uuid4().hex
            tokens.append(str(token))
        return tokens

    # name: (algorithm, authentication, a new token for each request?)
    cases = {
        "stock SimpleJWT (user only), HS256": ("HS256", StockJWTAuthentication, 0),
        "session-checking, HS256, token seen before": ("HS256", None, 0),
        "session-checking, EdDSA, token seen before": ("EdDSA", None, 0),
        "session-checking, HS256, a new token each request": ("HS256", None, 1),
        "session-checking, EdDSA, a new token each request": ("EdDSA", None, 1),
        "session-checking, ES256, a new token each request": ("ES256", None, 1),
        "session-checking, RS256, a new token each request": ("RS256", None, 1),
    }
    access = {}
    for algorithm in algorithms:
        with keys(algorithm):
            access[algorithm] = session_open(user=user)["access"]

    for name, (algorithm, stock, _) in cases.items():
        backend = (stock or SessionJWTAuthentication)()
        with keys(algorithm), CaptureQueriesContext(connection) as queries:
            authenticated_user, _ = backend.authenticate(request(access[algorithm]))
        assert authenticated_user.pk == user.pk
        print(f"{name}: {len(queries)} query per request")

    timings = {name: [] for name in cases}
    for _ in range(args.rounds):  # alternate, so noise hits every case alike
        for name, (algorithm, stock, fresh) in cases.items():
            backend = (stock or SessionJWTAuthentication)()
            with keys(algorithm):
                tokens = (
                    fresh_tokens(access[algorithm], args.iterations)
                    if fresh
                    else [access[algorithm]] * args.iterations
                )
                backend.authenticate(request(access[algorithm]))  # warm
                requests = [request(token) for token in tokens]
                start = time.perf_counter()
                for req in requests:
                    backend.authenticate(req)
                elapsed = time.perf_counter() - start
            timings[name].append(elapsed / args.iterations * 1e6)

    vendor = connection.vendor
    print(f"\n{vendor}, {args.iterations} requests x {args.rounds} rounds, median:")
    print("| authentication | µs per request |")
    print("|---|---|")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in medians.items():
        print(f"| {name} | {value:.0f} |")
    stock = medians["stock SimpleJWT (user only), HS256"]
    hs256 = medians["session-checking, HS256, token seen before"]
    eddsa = medians["session-checking, EdDSA, token seen before"]
    hs256_new = medians["session-checking, HS256, a new token each request"]
    eddsa_new = medians["session-checking, EdDSA, a new token each request"]
    print(f"\nratio session-checking HS256 / stock: {hs256 / stock:.2f}")
    print(f"ratio EdDSA / HS256, token seen before: {eddsa / hs256:.2f}")
    print(f"ratio EdDSA / HS256, a new token each request: {eddsa_new / hs256_new:.2f}")
    User.objects.filter(pk=user.pk).delete()


if __name__ == "__main__":
    main()
