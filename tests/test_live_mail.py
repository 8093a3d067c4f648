"""
Account mail from the production server: bin/serve runs granian and, beside
it, the task worker that sends the mail, here to a real SMTP server
(aiosmtpd) on 127.0.0.1.
"""

import collections
import contextlib
import http.client
import json
import mailbox
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.live import PYTHON, LiveServer, free_port, server_env

pytestmark = pytest.mark.live

RESET_PATH = "/api/auth/password/reset/"
KNOWN = "reset.me@example.com"
UNKNOWN = "nobody@example.com"


class Inbox:
    """The Maildir that aiosmtpd files each message it receives in."""

    def __init__(self, path: Path, port: int):
        self.path = path
        self.port = port

    def messages(self) -> list[mailbox.MaildirMessage]:
        if not self.path.exists():
            return []
        return sorted(
            mailbox.Maildir(self.path, create=False), key=lambda m: m.get_date()
        )

    def wait_for(self, count: int, timeout: float = 30) -> list:
        """Return the messages once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while len(messages := self.messages()) < count:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        return messages


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    """
    A real SMTP server on a free port of 127.0.0.1. It runs in a process of
    its own, so that handling the mail does not compete for the GIL with the
    test that measures response times.
    """
    inbox = Inbox(tmp_path_factory.mktemp("smtp") / "maildir", free_port())
    handler = ["-c", "aiosmtpd.handlers.Mailbox", str(inbox.path)]
    process = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{inbox.port}", *handler],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", inbox.port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, "aiosmtpd exited"
            assert time.monotonic() < deadline, "aiosmtpd did not start"
            time.sleep(0.1)
    yield inbox
    process.terminate()
    process.wait(timeout=10)


def serve(live_db, smtp) -> LiveServer:
    """Start bin/serve with the database task backend, mailing through `smtp`."""
    live = LiveServer(
        server_env(
            DATABASE_URL=live_db.url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            TASKS_BACKEND="database",
            WEB_CONCURRENCY="1",
        )
    ).start()
    # Read the server's stderr as it comes, so that the worker's log lines
    # cannot fill the pipe and block it; the tail explains a failure.
    live.log = collections.deque(maxlen=50)
    threading.Thread(
        target=live.log.extend, args=(live.process.stderr,), daemon=True
    ).start()
    return live


def server_log(server) -> str:
    return b"".join(server.log).decode(errors="replace")


@pytest.fixture(scope="module")
def server(live_db, smtp):
    live = serve(live_db, smtp)
    credentials = {"username": "resetter", "password": PASSWORD, "email": KNOWN}
    assert live.post("/api/auth/register/", credentials).status == 201
    # Registration queues a verification mail: let it arrive first, so that
    # the tests below count only their own mail.
    (verification,) = smtp.wait_for(1)
    assert (verification["To"], verification["Subject"]) == (
        KNOWN,
        "Verify your email address",
    )
    yield live
    live.stop()


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def processes_under(pid: int) -> dict[int, str]:
    """Every descendant of `pid`, from /proc: {pid: command line}."""
    parents: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            parents.setdefault(parent_of(int(entry)), []).append(int(entry))
    found, pending = {}, [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                found[child] = cmdline.replace(b"\0", b" ").decode()
                pending.append(child)
    return found


def task_worker(server) -> int:
    """The pid of the one db_worker process that bin/serve runs."""
    workers = [
        pid
        for pid, cmd in processes_under(server.process.pid).items()
        if "db_worker" in cmd
    ]
    assert len(workers) == 1, processes_under(server.process.pid)
    return workers[0]


def wait_until_gone(pids, timeout: float = 10) -> list[int]:
    """Return the pids still running after `timeout`."""
    deadline = time.monotonic() + timeout
    while (alive := [p for p in pids if Path(f"/proc/{p}").exists()]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    return alive


def reset_link_params(message) -> dict:
    body = message.get_payload()
    match = re.search(r"/reset-password\?uid=([\w-]+)&token=([\w-]+)", body)
    assert match, body
    return {"uid": match.group(1), "token": match.group(2)}


def test_the_worker_mails_a_reset_link_that_sets_the_password(server, smtp):
    before = len(smtp.messages())

    unknown = server.post(RESET_PATH, {"email": UNKNOWN})
    known = server.post(RESET_PATH, {"email": KNOWN.upper()})

    assert known.status == unknown.status == 202
    assert known.body == unknown.body
    # One worker runs the tasks in the order they were queued: when the
    # known address's mail is in, the unknown one's task has run too.
    messages = smtp.wait_for(before + 1)[before:]
    assert [(m["To"], m["Subject"]) for m in messages] == [
        (KNOWN, "Reset your password")
    ], server_log(server)
    params = reset_link_params(messages[0])
    new_password = "Reset-by-mail-2026"
    confirm = server.post(
        "/api/auth/password/reset/confirm/", {**params, "new_password": new_password}
    )
    assert confirm.status == 204
    login = {"username": "resetter", "password": new_password}
    assert server.post("/api/auth/token/", login).status == 200


def test_a_reset_takes_as_long_for_an_unknown_address_as_for_a_known_one(server, smtp):
    """
    Each round alternates the two addresses (unknown, known, known,
    unknown, …) so that the machine's load drifts over both alike, then
    waits until the worker has delivered the round's mail. The worker, which
    runs beside granian on the same cores, would otherwise drain the queue
    in step with the requests and load one kind more than the other for a
    whole run; the rounds break that step and the medians over all of them
    even it out.
    """
    rounds, pairs = 6, 30
    before = len(smtp.messages())
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def timed(address: str) -> float:
        body = json.dumps({"email": address})
        start = time.perf_counter()
        connection.request(
            "POST", RESET_PATH, body, {"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 202
        return elapsed

    for _ in range(5):  # warm up the connection and the code paths
        timed(UNKNOWN)
        timed(KNOWN)
    sent = 5
    times = {KNOWN: [], UNKNOWN: []}
    for _ in range(rounds):
        # The work is done all the same, by the worker: one mail for each
        # request for the known address, none for the other.
        messages = smtp.wait_for(before + sent, timeout=60)[before:]
        assert [m["To"] for m in messages] == [KNOWN] * sent, server_log(server)
        for i in range(pairs):
            for address in (KNOWN, UNKNOWN) if i % 2 else (UNKNOWN, KNOWN):
                times[address].append(timed(address))
        sent += pairs
    connection.close()
    messages = smtp.wait_for(before + sent, timeout=60)[before:]
    assert [m["To"] for m in messages] == [KNOWN] * sent, server_log(server)

    known = statistics.median(times[KNOWN])
    unknown = statistics.median(times[UNKNOWN])
    print(
        f"\nreset request medians over {rounds * pairs} requests each: "
        f"known {known * 1000:.2f} ms, unknown {unknown * 1000:.2f} ms, "
        f"ratio {known / unknown:.3f}"
    )
    assert max(known, unknown) / min(known, unknown) < 1.2


def test_a_task_worker_that_dies_is_restarted_and_sends_the_queued_mail(server, smtp):
    dead = task_worker(server)
    before = len(smtp.messages())

    os.kill(dead, signal.SIGKILL)
    assert server.post(RESET_PATH, {"email": KNOWN}).status == 202

    messages = smtp.wait_for(before + 1)[before:]
    assert [m["To"] for m in messages] == [KNOWN], server_log(server)
    assert task_worker(server) != dead
    assert "the task worker exited with status 137; restarting it" in server_log(server)


def test_sigterm_stops_granian_and_the_task_worker(live_db, smtp):
    live = serve(live_db, smtp)
    children = processes_under(live.process.pid)
    assert any("granian" in cmd for cmd in children.values())
    assert any("db_worker" in cmd for cmd in children.values())

    try:
        live.process.terminate()

        assert live.process.wait(timeout=30) == 0
        assert wait_until_gone(children) == []
    finally:
        live.stop()


def test_when_granian_dies_the_task_worker_stops_too(live_db, smtp):
    live = serve(live_db, smtp)
    children = processes_under(live.process.pid)
    granian = next(
        pid
        for pid, cmd in children.items()
        if "granian" in cmd and parent_of(pid) == live.process.pid
    )

    try:
        os.kill(granian, signal.SIGKILL)

        assert live.process.wait(timeout=30) == 128 + signal.SIGKILL
        assert wait_until_gone(children) == []
        assert "granian exited with status 137" in server_log(live)
    finally:
        live.stop()


def key_of(message) -> str:
    match = re.search(r"\?key=([\w:.-]+)", message.get_payload())
    assert match, message.get_payload()
    return match.group(1)


def test_the_verification_and_email_change_mails_do_what_they_say(server, smtp):
    before = len(smtp.messages())
    credentials = {"username": "mover", "password": PASSWORD}
    registered = server.post(
        "/api/auth/register/", {**credentials, "email": "old.box@example.com"}
    )
    (verification,) = smtp.wait_for(before + 1)[before:]

    verified = server.post("/api/auth/email/verify/", {"key": key_of(verification)})
    access = server.post("/api/auth/token/", credentials).body["access"]
    me = server.get("/api/users/me/", token=access)
    change = server.post(
        "/api/auth/email/change/", {"new_email": "new.box@example.com"}, token=access
    )
    (confirmation,) = smtp.wait_for(before + 2)[before + 1 :]
    confirmed = server.post(
        "/api/auth/email/change/confirm/", {"key": key_of(confirmation)}
    )
    (notice,) = smtp.wait_for(before + 3)[before + 2 :]

    assert registered.status == 201
    assert verification["To"] == "old.box@example.com"
    assert verified.status == 204
    assert me.body["email_verified"] is True
    assert change.status == 202
    assert confirmation["To"] == "new.box@example.com"
    assert confirmed.status == 204
    assert notice["To"] == "old.box@example.com"
    assert "n***@example.com" in notice.get_payload()
    after = server.get("/api/users/me/", token=access).body
    assert (after["email"], after["email_verified"]) == ("new.box@example.com", True)
