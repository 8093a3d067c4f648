"""
Limits and identities under concurrency, against the production server.

Runs on whatever DATABASE_URL and REDIS_URL point to, so CI runs it on
SQLite with local memory (one worker: local-memory counters are per
process) and on PostgreSQL with Redis (two workers sharing Redis).
"""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import PASSWORD
from tests.live import LiveServer, server_env

pytestmark = pytest.mark.live

USERNAME_LIMIT = 5


@pytest.fixture(scope="module")
def server(live_db):
    workers = "2" if os.environ.get("REDIS_URL") else "1"
    live = LiveServer(
        server_env(
            DATABASE_URL=live_db.url,
            WEB_CONCURRENCY=workers,
            LOGIN_RATE_LIMIT=f"ip=1000/min,username={USERNAME_LIMIT}/15min,"
            "register=1000/h",
        )
    )
    live.start()
    yield live
    live.stop()


def all_at_once(count: int, call) -> list:
    """Run `call(n)` in `count` threads released together."""
    barrier = threading.Barrier(count)

    def run(n):
        barrier.wait()
        return call(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_concurrent_wrong_passwords_get_at_most_the_limit_of_401s(server):
    assert (
        server.post(
            "/api/auth/register/", {"username": "target", "password": PASSWORD}
        ).status
        == 201
    )

    answers = all_at_once(
        20,
        lambda n: server.post(
            "/api/auth/token/", {"username": "target", "password": f"guess-{n}"}
        ),
    )
    statuses = sorted(answer.status for answer in answers)
    right_password = server.post(
        "/api/auth/token/", {"username": "target", "password": PASSWORD}
    )

    print(
        f"\n20 concurrent guesses: {statuses.count(401)}x401 {statuses.count(429)}x429"
    )
    assert statuses.count(401) <= USERNAME_LIMIT
    assert set(statuses) <= {401, 429}
    assert right_password.status == 429
    assert int(right_password.headers["retry-after"]) > 0


def test_concurrent_registrations_of_one_name_create_one_account(server):
    variants = [
        "CaseRace",
        "caserace",
        "CASERACE",
        "\uff43\uff41\uff53\uff45\uff52\uff41\uff43\uff45",
        "CaseRace",
    ] * 4

    answers = all_at_once(
        len(variants),
        lambda n: server.post(
            "/api/auth/register/", {"username": variants[n], "password": PASSWORD}
        ),
    )
    statuses = [answer.status for answer in answers]

    assert statuses.count(201) == 1
    assert statuses.count(400) == len(variants) - 1
    for answer in answers:
        if answer.status == 400:
            assert answer.body == {
                "username": ["A user with that username already exists."]
            }


def test_no_sign_in_racing_a_password_change_outlives_it(server):
    """Every session opened with the old password ends with the change."""
    survivors, signed_in = 0, 0
    for round_ in range(3):
        name = f"racer{round_}"
        credentials = {"username": name, "password": PASSWORD}
        assert server.post("/api/auth/register/", credentials).status == 201
        owner = server.post("/api/auth/token/", credentials).body["access"]

        new_password = f"New-pass-{round_}-x9"

        def attempt(n, owner=owner, credentials=credentials, new=new_password):
            if n == 0:
                time.sleep(0.05)
                return server.post(
                    "/api/auth/password/change/",
                    {"old_password": PASSWORD, "new_password": new},
                    token=owner,
                )
            return server.post("/api/auth/token/", credentials)

        change, *sign_ins = all_at_once(20, attempt)
        assert change.status == 200
        for answer in sign_ins:
            # After the change the old password fails, and the lock may follow.
            assert answer.status in (200, 401, 429), answer.body
            if answer.status == 200:
                signed_in += 1
                me = server.get("/api/users/me/", token=answer.body["access"])
                survivors += me.status == 200

    print(
        f"\nsign-ins racing a password change: {signed_in} succeeded, {survivors} alive"
    )
    assert survivors == 0
