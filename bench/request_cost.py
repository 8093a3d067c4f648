"""
Per-request cost of the hot endpoints in process, without an HTTP server.

Calls the WSGI application (config.wsgi: every middleware runs) with
`GET /api/users/me/` and `GET /api/items/` (a page of 20 items) as granian
would, with production settings (DJANGO_DEBUG=false) on DATABASE_URL
(default: a throwaway SQLite file). Each case runs `--requests` times per
round, the cases alternating, and the table gives the median of the rounds'
means in µs. Noise on a shared machine only ever adds time, so `--best`
prints the fastest round instead.

    .venv/bin/python bench/request_cost.py [--requests 2000] [--rounds 5]

`--count N` runs each case N times after a warm-up and prints nothing else:
under callgrind, the difference between the instruction counts of
`--count 2000` and `--count 1000`, divided by 1,000, is a noise-free cost
per request (bench/README.md).
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERNAME = "bench-request-cost"
ITEMS = 20
PATHS = {"me": "/api/users/me/", "items": "/api/items/"}


def environ(path: str, token: str) -> dict:
    """What granian hands the WSGI application for a GET from wrk."""
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", default=",".join(PATHS))
    parser.add_argument("--best", action="store_true")
    parser.add_argument("--count", type=int, default=0)
    args = parser.parse_args()
    cases = {name: PATHS[name] for name in args.cases.split(",")}

    scratch = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/cost.sqlite3")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.sessions import session_open
    from api.models import Item

    call_command("migrate", verbosity=0)
    User = get_user_model()
    User.objects.filter(username=USERNAME).delete()
    user = User.objects.create(username=USERNAME)
    Item.objects.bulk_create(
        Item(owner=user, name=f"item{n}", description="") for n in range(ITEMS)
    )
    token = session_open(user=user)["access"]
    from config.wsgi import application

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(status)

    def call(path: str) -> None:
        response = application(environ(path, token), start_response)
        for _ in response:
            pass
        if hasattr(response, "close"):  # as a WSGI server does (PEP 3333)
            response.close()

    try:
        for path in cases.values():
            for _ in range(200):  # warm up: imports, caches, the connection
                call(path)
        if args.count:
            for path in cases.values():
                for _ in range(args.count):
                    call(path)
            return
        timings = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, path in cases.items():
                start = time.perf_counter()
                for _ in range(args.requests):
                    call(path)
                elapsed = time.perf_counter() - start
                timings[name].append(elapsed / args.requests * 1e6)
        pick = min if args.best else statistics.median
        for name, values in timings.items():
            rounds = " ".join(f"{v:.0f}" for v in values)
            print(f"{name}: {pick(values):.0f} µs per request (rounds: {rounds})")
    finally:
        User.objects.filter(pk=user.pk).delete()


if __name__ == "__main__":
    main()
