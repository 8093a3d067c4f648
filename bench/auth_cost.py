"""
Per-request cost of authentication: stock SimpleJWT against this project's
session-checking authentication, in the same process and the same run.

Stock `JWTAuthentication` verifies the token with PyJWT and fetches the user
(one query). `SessionJWTAuthentication` verifies the token once per process
(accounts/tokens.py) and fetches the session joined with its user (one
query), so a revoked session is refused at once.
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
    from django.test.utils import CaptureQueriesContext
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.authentication import SessionJWTAuthentication
    from accounts.sessions import session_open

    call_command("migrate", verbosity=0)
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-auth-cost")
    access = session_open(user=user)["access"]
    factory = APIRequestFactory()

    def request():
        return Request(
            factory.get("/api/users/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
        )

    class StockJWTAuthentication(JWTAuthentication):
        """SimpleJWT as shipped: PyJWT verifies the token on every request."""

        def get_validated_token(self, raw_token):
            return AccessToken(raw_token)

    backends = {
        "stock SimpleJWT (user only)": StockJWTAuthentication(),
        "session-checking (this project)": SessionJWTAuthentication(),
    }
    for name, backend in backends.items():
        with CaptureQueriesContext(connection) as queries:
            authenticated_user, _ = backend.authenticate(request())
        assert authenticated_user.pk == user.pk
        print(f"{name}: {len(queries)} query per request")
        for query in queries:
            print(f"    {query['sql']}")

    timings = {name: [] for name in backends}
    for _ in range(args.rounds):  # alternate, so noise hits both alike
        for name, backend in backends.items():
            requests = [request() for _ in range(args.iterations)]
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
    stock, ours = medians.values()
    print(f"\nratio session-checking / stock: {ours / stock:.2f}")
    User.objects.filter(pk=user.pk).delete()


if __name__ == "__main__":
    main()
