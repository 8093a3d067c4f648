#!/usr/bin/env python3
"""
Does GET /api/items/ cost the same for a user with 100 items and one with
100,000? On PostgreSQL, with the app's own settings.

    DATABASE_URL=postgres://... .venv/bin/python bench/items_scale.py [--runs 30]

Creates a scratch database next to DATABASE_URL's (bench_items_<pid>),
migrates it, gives one user 100 items and another 100,000 (bulk_create in
batches), then times, in-process through the whole Django stack (test
Client: middleware, JWT + session authentication, cursor pagination,
serialization), the first page, the page after it (following `next`) and a
page in the middle of the list (a cursor positioned halfway). It prints the
medians, the ratio 100k/100, the SQL that one request runs (no COUNT(*)),
and EXPLAIN ANALYZE of the list queries, which should use the index
item_owner_newest on (owner, -created_at, -id). The scratch database is
dropped at the end, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"small": 100, "big": 100_000}
BATCH = 10_000


def admin_sql(url: str, sql: str):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def with_dbname(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--runs", type=int, default=30, help="timed runs (30)")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "DATABASE_URL must point to PostgreSQL, e.g. "
            "$(bash .ci/services.sh start) first"
        )
    scratch = f"bench_items_{os.getpid()}"
    admin_sql(base_url, f'CREATE DATABASE "{scratch}"')
    try:
        run(with_dbname(base_url, scratch), args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(base_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        print(f"\n(dropped the scratch database {scratch})")


def run(url: str, runs: int):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("REDIS_URL", None)  # the shared Redis stays untouched
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.pagination import Cursor

    from accounts import sessions
    from api.models import Item

    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor} {connection.pg_version // 10000}, "
        f"scratch database {connection.settings_dict['NAME']}"
    )

    now = timezone.now()
    users = {}
    for label, count in SIZES.items():
        user = User.objects.create_user(f"items-{label}", password="unused-pw-1234")
        start = time.perf_counter()
        for first in range(0, count, BATCH):
            Item.objects.bulk_create(
                Item(
                    owner=user, name=f"item {i}", created_at=now - timedelta(seconds=i)
                )
                for i in range(first, min(first + BATCH, count))
            )
        print(
            f"created {count:,} items for {user.username} in "
            f"{time.perf_counter() - start:.1f} s"
        )
        users[label] = user
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE api_item")
    print(f"api_item rows in total: {Item.objects.count():,}\n")

    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}  # label -> [(page name, path)], headers
    for label, user in users.items():
        access = sessions.session_open(user=user)["access"]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {access}"}
        first_page = client.get("/api/items/", **headers).json()
        next_url = urllib.parse.urlsplit(first_page["next"])
        # A cursor halfway down the list, as a client paging far would hold.
        middle = now - timedelta(seconds=SIZES[label] // 2)
        cursor_param = _encode_cursor(
            Cursor(offset=0, reverse=False, position=str(middle))
        )
        pages[label] = (
            [
                ("first page", "/api/items/"),
                ("next page (cursor from page 1)", f"{next_url.path}?{next_url.query}"),
                (
                    "page in the middle (cursor halfway)",
                    f"/api/items/?cursor={urllib.parse.quote(cursor_param)}",
                ),
            ],
            headers,
        )

    # The two users alternate request by request, so that noise on this
    # shared machine hits both alike.
    results = {label: {} for label in users}
    captured = {}
    for index in range(3):
        samples = {label: [] for label in users}
        for _ in range(5 + runs):  # the first 5 of each are warm-up
            for label in users:
                page_list, headers = pages[label]
                page, path = page_list[index]
                start = time.perf_counter()
                response = client.get(path, **headers)
                samples[label].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.content
                assert len(response.json()["results"]) == 20
        for label in users:
            page, path = pages[label][0][index]
            times = sorted(samples[label][5:])
            results[label][page] = (
                statistics.median(times),
                times[int(len(times) * 0.9)],
            )
            with CaptureQueriesContext(connection) as queries:
                client.get(path, **pages[label][1])
            captured[(label, page)] = [q["sql"] for q in queries.captured_queries]

    print(
        f"GET /api/items/ in-process (Django test Client, full stack), "
        f"median of {runs} runs (p90 in brackets):\n"
    )
    print("| page | 100 items | 100,000 items | ratio 100k/100 |")
    print("|---|---:|---:|---:|")
    for page in results["small"]:
        small, big = results["small"][page], results["big"][page]
        print(
            f"| {page} | {small[0]:.2f} ms ({small[1]:.2f}) | "
            f"{big[0]:.2f} ms ({big[1]:.2f}) | {big[0] / small[0]:.2f}x |"
        )

    print("\nSQL of one request (100,000-item user):")
    any_count = False
    for page in results["big"]:
        print(f"\n  {page}:")
        for sql in captured[("big", page)]:
            any_count |= "COUNT(" in sql.upper()
            print(f"    {sql}")
    print(f"\nCOUNT(*) in any request: {'YES' if any_count else 'no'}")

    print("\nEXPLAIN (ANALYZE, BUFFERS) of the list queries (100,000-item user):")
    all_indexed = True
    for page in results["big"]:
        sql = next(s for s in captured[("big", page)] if '"api_item"' in s)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        uses = "item_owner_newest" in plan
        all_indexed &= uses
        print(f"\n  {page}: uses item_owner_newest: {'yes' if uses else 'NO'}")
        print("    " + plan.replace("\n", "\n    "))
    print(
        f"\nevery list query uses item_owner_newest: {'yes' if all_indexed else 'NO'}"
    )


def _encode_cursor(cursor) -> str:
    """DRF's cursor encoding, without a request (CursorPagination.encode_cursor)."""
    from base64 import b64encode

    tokens = {}
    if cursor.offset != 0:
        tokens["o"] = str(cursor.offset)
    if cursor.reverse:
        tokens["r"] = "1"
    if cursor.position is not None:
        tokens["p"] = cursor.position
    querystring = urllib.parse.urlencode(tokens, doseq=True)
    return b64encode(querystring.encode("ascii")).decode("ascii")


if __name__ == "__main__":
    main()
