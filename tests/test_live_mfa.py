"""
The second sign-in step under concurrency, against the production server:
twenty requests at once with one `mfa_token`, one TOTP code or one recovery
code let exactly one sign-in through, and none is a 500.
"""

import os

import pytest

from tests.conftest import PASSWORD
from tests.live import LiveServer, server_env
from tests.mfa_fixtures import totp_code
from tests.test_live_limits import all_at_once

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(live_db):
    workers = "2" if os.environ.get("REDIS_URL") else "1"
    live = LiveServer(
        server_env(
            DATABASE_URL=live_db.url,
            WEB_CONCURRENCY=workers,
            LOGIN_RATE_LIMIT="ip=10000/min,username=1000/15min,register=1000/h,"
            "mfa=1000/5min",
        )
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def account(server, request):
    """
    A user of the test's own with an authenticator app on, set up through
    the API with the code of the previous time step: the current and next
    steps' codes are still unused.
    """
    username = request.node.name[:150]
    assert (
        server.post(
            "/api/auth/register/", {"username": username, "password": PASSWORD}
        ).status
        == 201
    )
    access = server.post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}
    ).body["access"]
    setup = server.post("/api/auth/mfa/totp/setup/", token=access)
    assert setup.status == 200, setup.body
    secret = setup.body["secret"]
    confirm = server.post(
        "/api/auth/mfa/totp/confirm/",
        {"code": totp_code(secret, steps_from_now=-1)},
        token=access,
    )
    assert confirm.status == 200, confirm.body
    return {
        "username": username,
        "secret": secret,
        "recovery_codes": confirm.body["recovery_codes"],
    }


def mfa_token(server, account) -> str:
    body = server.post(
        "/api/auth/token/", {"username": account["username"], "password": PASSWORD}
    ).body
    assert body["mfa_required"] is True
    return body["mfa_token"]


def statuses(answers) -> list[int]:
    return sorted(answer.status for answer in answers)


def test_one_mfa_token_sent_twenty_times_at_once_opens_one_session(server, account):
    token = mfa_token(server, account)
    code = totp_code(account["secret"], steps_from_now=1)

    answers = all_at_once(
        20,
        lambda n: server.post(
            "/api/auth/mfa/verify/", {"mfa_token": token, "code": code}
        ),
    )

    print(f"\none mfa_token x20: {statuses(answers)}")
    assert statuses(answers).count(200) == 1
    assert set(statuses(answers)) <= {200, 400}


def test_one_recovery_code_in_twenty_sign_ins_at_once_works_once(server, account):
    tokens = [mfa_token(server, account) for _ in range(20)]
    code = account["recovery_codes"][0]

    answers = all_at_once(
        20,
        lambda n: server.post(
            "/api/auth/mfa/verify/", {"mfa_token": tokens[n], "code": code}
        ),
    )

    print(f"\none recovery code x20: {statuses(answers)}")
    assert statuses(answers).count(200) == 1
    assert set(statuses(answers)) <= {200, 400}


def test_one_totp_code_in_twenty_sign_ins_at_once_works_once(server, account):
    tokens = [mfa_token(server, account) for _ in range(20)]
    code = totp_code(account["secret"])

    answers = all_at_once(
        20,
        lambda n: server.post(
            "/api/auth/mfa/verify/", {"mfa_token": tokens[n], "code": code}
        ),
    )

    print(f"\none TOTP code x20: {statuses(answers)}")
    assert statuses(answers).count(200) == 1
    assert set(statuses(answers)) <= {200, 400}
