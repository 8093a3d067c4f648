"""
Concurrency against the production server: real processes, two workers.

Runs on whatever DATABASE_URL and REDIS_URL point to (SQLite and local
memory by default), so CI runs it on both.
"""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import PASSWORD
from tests.live import LiveServer, server_env

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(live_db):
    live = LiveServer(server_env(DATABASE_URL=live_db.url, WEB_CONCURRENCY="2"))
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def account(server) -> dict:
    credentials = {"username": "concurrent", "password": PASSWORD}
    assert server.post("/api/auth/register/", credentials).status == 201
    return credentials


def login(server, account) -> dict:
    response = server.post("/api/auth/token/", account)
    assert response.status == 200, response.body
    return response.body


def all_at_once(count: int, call):
    """Run `call(i)` from `count` threads released together."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_refreshes_of_one_token_let_exactly_one_through(server, account):
    for _ in range(3):
        refresh = login(server, account)["refresh"]

        body = {"refresh": refresh}
        results = all_at_once(
            8, lambda i, body=body: server.post("/api/auth/token/refresh/", body)
        )

        statuses = sorted(r.status for r in results)
        assert statuses == [200] + [401] * 7, statuses
        winner = next(r for r in results if r.status == 200).body
        assert server.get("/api/users/me/", token=winner["access"]).status == 200


def test_concurrent_item_creates_all_land(server, account):
    access = login(server, account)["access"]

    results = all_at_once(
        12,
        lambda i: [
            server.post("/api/items/", {"name": f"item {i}-{n}"}, token=access)
            for n in range(5)
        ],
    )

    statuses = [r.status for batch in results for r in batch]
    assert statuses == [201] * 60
    names, url = [], "/api/items/?page_size=100"
    while url:
        page = server.get(url.replace(server.url, ""), token=access).body
        names += [item["name"] for item in page["results"]]
        url = page["next"]
    assert sorted(names) == sorted(f"item {i}-{n}" for i in range(12) for n in range(5))


def test_concurrent_logins_and_refreshes_all_succeed(server, account):
    pairs = all_at_once(10, lambda i: server.post("/api/auth/token/", account))
    assert [p.status for p in pairs] == [200] * 10

    refreshed = all_at_once(
        10,
        lambda i: server.post(
            "/api/auth/token/refresh/", {"refresh": pairs[i].body["refresh"]}
        ),
    )

    assert [r.status for r in refreshed] == [200] * 10


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="a shared limit needs REDIS_URL"
)
def test_login_limit_is_shared_by_all_workers(live_db):
    live = LiveServer(
        server_env(
            DATABASE_URL=live_db.url,
            WEB_CONCURRENCY="2",
            LOGIN_RATE_LIMIT="ip=5/min,username=100/min",
        )
    ).start()
    try:
        results = [
            live.post("/api/auth/token/", {"username": "x", "password": "y"})
            for _ in range(12)
        ]
    finally:
        live.stop()

    assert [r.status for r in results] == [401] * 5 + [429] * 7
    assert 1 <= int(results[-1].headers["retry-after"]) <= 60


def test_sigterm_lets_requests_in_flight_finish(live_db, account):
    live = LiveServer(server_env(DATABASE_URL=live_db.url, WEB_CONCURRENCY="1"))
    live.start()
    with ThreadPoolExecutor(1) as pool:
        # A login hashes with Argon2 for tens of milliseconds: still in flight
        # when the signal arrives.
        in_flight = pool.submit(live.post, "/api/auth/token/", account)
        time.sleep(0.01)
        live.process.terminate()
        response = in_flight.result(timeout=30)

    assert response.status == 200
    assert live.process.wait(timeout=30) == 0
    with pytest.raises(OSError):
        live.get("/api/health/")
