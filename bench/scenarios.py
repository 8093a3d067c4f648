"""
What bench/run.py sends, and how: each scenario's requests to ours and to
the guide's backend, run with wrk (bench/wrk_request.lua).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.parse
from dataclasses import dataclass

from servers import BENCH, PASSWORD, USERNAME, Server, cpu_seconds, log

LUA = BENCH / "wrk_request.lua"


@dataclass
class Request:
    path: str
    method: str = "GET"
    body: str = ""
    content_type: str = ""
    auth: bool = False
    refresh: bool = False


LOGIN_OURS = Request(
    "/api/auth/token/",
    "POST",
    json.dumps({"username": USERNAME, "password": PASSWORD}),
    "application/json",
)
LOGIN_GUIDE = Request(
    "/token",
    "POST",
    urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD}),
    "application/x-www-form-urlencoded",
)
ME_OURS = Request("/api/users/me/", auth=True)
ME_GUIDE = Request("/users/me", auth=True)


@dataclass
class Scenario:
    label: str
    ours: Request
    guide: Request | None = None  # None: ours only
    two_workers: bool = False  # also against the guide's 2-worker run


SCENARIOS = {
    "login": Scenario(
        "login: POST /api/auth/token/ (JSON) vs POST /token (form)",
        LOGIN_OURS,
        LOGIN_GUIDE,
    ),
    "refresh": Scenario(
        "refresh: POST /api/auth/token/refresh/ (rotating)",
        Request(
            "/api/auth/token/refresh/", "POST", "", "application/json", refresh=True
        ),
    ),
    "me": Scenario(
        "GET /api/users/me/ vs GET /users/me", ME_OURS, ME_GUIDE, two_workers=True
    ),
    "items": Scenario(
        "GET /api/items/ (20 items) vs GET /items/",
        Request("/api/items/", auth=True),
        Request("/items/", auth=True),
        two_workers=True,
    ),
    "post": Scenario(
        "POST /api/items/",
        Request(
            "/api/items/",
            "POST",
            json.dumps({"name": "bench item"}),
            "application/json",
            auth=True,
        ),
    ),
    "mixed": Scenario("/users/me while logins run in parallel", ME_OURS, ME_GUIDE),
}


def request_for(scenario: Scenario, server: Server) -> Request | None:
    return scenario.ours if server.kind == "ours" else scenario.guide


def wait_until_idle(servers, timeout=60.0, window=0.5, busy=0.05):
    """
    Wait until the servers together use less than `busy` of a core.

    wrk stops when its time is up, but a server may still be working through
    requests it had queued (the guide through a backlog of bcrypt hashes, for
    seconds): the next run would then measure both at once, on shared cores.
    """
    pids = set().union(*(s.known_pids for s in servers))
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(window)
        after = cpu_seconds(pids)
        if after - before <= busy * window:
            return
        before = after
    log(f"    servers still busy after {timeout:.0f} s; measuring anyway")


def run_wrk(server, req, *, duration, connections, threads, token, refresh_file=None):
    """One wrk run: req/s, latency percentiles, errors, server CPU per request."""
    cpu_before = server.cpu()
    proc = subprocess.run(
        _wrk_cmd(server, req, duration, connections, threads),
        env=_wrk_env(req, token, refresh_file, threads),
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr}")
    result = _parse(proc.stdout)
    # CPU the server burnt per request: steadier than req/s on a busy machine.
    cpu = server.cpu() - cpu_before
    result["cpu_ms_per_req"] = (
        1000 * cpu / result["requests"] if result["requests"] else None
    )
    return result


def run_mixed(server, *, duration, connections, threads, login_connections, token):
    """One wrk logging in, one wrk reading /me: the /me one runs inside the other."""
    login_req = LOGIN_OURS if server.kind == "ours" else LOGIN_GUIDE
    me_req = ME_OURS if server.kind == "ours" else ME_GUIDE
    login_proc = subprocess.Popen(
        _wrk_cmd(server, login_req, duration + 2, login_connections, 1),
        env=_wrk_env(login_req, token, None, 1),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)  # the logins are under way before /me starts
        me = run_wrk(
            server,
            me_req,
            duration=duration,
            connections=connections,
            threads=threads,
            token=token,
        )
        out, _ = login_proc.communicate(timeout=duration + 60)
    finally:
        if login_proc.poll() is None:
            login_proc.kill()
            login_proc.wait()
    me["logins"] = _parse(out)
    return me


def _wrk_cmd(server, req, duration, connections, threads):
    return [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        server.base + req.path,
    ]


def _wrk_env(req, token, refresh_file, threads):
    return {
        **os.environ,
        "BENCH_METHOD": req.method,
        "BENCH_BODY": req.body,
        "BENCH_CONTENT_TYPE": req.content_type,
        "BENCH_TOKEN": token if req.auth else "",
        "BENCH_REFRESH_FILE": str(refresh_file) if req.refresh else "",
        "BENCH_THREADS": str(threads),
    }


def _parse(out: str) -> dict:
    m = re.search(r"^BENCH_RESULT (\{.*\})$", out, re.M)
    if not m:
        raise RuntimeError("wrk printed no result:\n" + out)
    r = json.loads(m.group(1))
    seconds = r["duration_us"] / 1e6
    errors = sum(
        r[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return {
        "rps": r["requests"] / seconds if seconds else 0.0,
        "requests": r["requests"],
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        # Refresh: a 2xx without a new refresh token counts as a failure too.
        "non_2xx": r["status_errors"] + r.get("refresh_missing", 0),
        "socket_errors": errors,
    }
