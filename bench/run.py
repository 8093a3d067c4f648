#!/usr/bin/env python3
"""
Load-test the production server against the FastAPI guide's backend.

    .venv/bin/python bench/run.py [--duration SECONDS] [--rounds N] [--postgres]
                                  [--variants granian,gunicorn-gthread,...]
                                  [--scenarios login,refresh,me,items,post,mixed]

Starts our server (bin/serve, i.e. granian, by default) with
LOGIN_RATE_LIMIT=off on a fresh SQLite database in a temporary directory (or,
with --postgres, on a scratch database created in the PostgreSQL server of
DATABASE_URL and dropped afterwards), and the guide's backend exactly as the
guide runs it (one uvicorn process). Every scenario runs wrk against each
server in turn, `--rounds` times with the order alternating, and the table
shows medians. The ratio is the median of the per-round ratios, i.e. of
runs made one right after the other.

Markdown goes to stdout, progress to stderr; the raw numbers are saved under
bench/results/ (gitignored). Standard library only. bench/README.md explains
the scenarios and the caveats.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
LUA = BENCH / "wrk_request.lua"
# The guide's backend lives in shared/, beside the project's folder.
GUIDE_DIR = Path(
    os.environ.get("GUIDE_DIR", ROOT.parent / "shared" / "peers" / "fastapi_guide")
)
CACHE = Path(
    os.environ.get("BENCH_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "authapi-bench"
)
GUIDE_VENV = CACHE / "guide-venv"

USERNAME, PASSWORD = "john", "password123"  # the guide's hard-coded user

SCENARIOS = ["login", "refresh", "me", "items", "post", "mixed"]
VARIANTS = {
    # name: (description, command builder, extra env)
    "granian": "bin/serve (granian WSGI, WEB_CONCURRENCY/WEB_THREADS as in env, "
    "default 2 workers x 2 threads)",
    "granian-t1": "bin/serve, 2 workers x 1 thread (WEB_THREADS=1)",
    "granian-t4": "bin/serve, 2 workers x 4 threads (WEB_THREADS=4)",
    "granian-w1": "bin/serve, 1 worker x 2 threads (WEB_CONCURRENCY=1)",
    "gunicorn-sync": "gunicorn config.wsgi -w 2 (sync workers)",
    "gunicorn-gthread": "gunicorn config.wsgi -w 2 -k gthread --threads 4",
}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# Processes
# ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Every descendant of pid, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pids) -> float:
    """User + system CPU time used so far by these processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@dataclass
class Server:
    name: str
    kind: str  # "ours" or "guide"
    description: str
    cmd: list[str]
    env: dict
    cwd: Path
    port: int
    ready_path: str
    log_path: Path
    proc: subprocess.Popen | None = None
    known_pids: set = field(default_factory=set)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log_file = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=self.cwd,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal reaches us only
        )
        self.known_pids.add(self.proc.pid)

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2):  # noqa: S310
                    pass
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer means it is up
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{self.name} did not answer:\n" + self.log_tail())
        # Every worker must be up, not only the first one.
        time.sleep(1.5)
        self.known_pids.update(children_of(self.proc.pid))

    def log_tail(self, n=30) -> str:
        try:
            return "\n".join(
                self.log_path.read_text(errors="replace").splitlines()[-n:]
            )
        except OSError:
            return ""

    def cpu(self) -> float:
        return cpu_seconds([self.proc.pid, *children_of(self.proc.pid)])

    def memory(self) -> list[tuple[int, str, int]]:
        """(pid, command name, RSS KiB) of the server and all its processes."""
        rows = []
        for pid in [self.proc.pid, *children_of(self.proc.pid)]:
            kib = rss_kib(pid)
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                comm = "?"
            if kib is not None:
                rows.append((pid, comm, kib))
        return rows

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.known_pids.update(children_of(self.proc.pid))
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        # Workers that outlived their master: only the PIDs we saw it start.
        for pid in self.known_pids - {self.proc.pid}:
            if alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        self.log_file.close()


# HTTP helpers (token minting, not load)
# ------------------------------------------------------------------------------


def http_json(url, data=None, form=False, token=None):
    headers = {}
    body = None
    if data is not None:
        if form:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        return json.loads(resp.read())


def login(server: Server) -> dict:
    if server.kind == "guide":
        tokens = http_json(
            server.base + "/token",
            {"username": USERNAME, "password": PASSWORD},
            form=True,
        )
        return {"access": tokens["access_token"]}
    return http_json(
        server.base + "/api/auth/token/", {"username": USERNAME, "password": PASSWORD}
    )


# wrk
# ------------------------------------------------------------------------------


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

# scenario: (label, ours, guide or None)
SCENARIO_REQUESTS = {
    "login": (
        "login: POST /api/auth/token/ (JSON) vs POST /token (form)",
        LOGIN_OURS,
        LOGIN_GUIDE,
    ),
    "refresh": (
        "refresh: POST /api/auth/token/refresh/ (rotating)",
        Request(
            "/api/auth/token/refresh/", "POST", "", "application/json", refresh=True
        ),
        None,
    ),
    "me": ("GET /api/users/me/ vs GET /users/me", ME_OURS, ME_GUIDE),
    "items": (
        "GET /api/items/ vs GET /items/",
        Request("/api/items/", auth=True),
        Request("/items/", auth=True),
    ),
    "post": (
        "POST /api/items/",
        Request(
            "/api/items/",
            "POST",
            json.dumps({"name": "bench item"}),
            "application/json",
            auth=True,
        ),
        None,
    ),
    "mixed": ("/users/me while logins run in parallel", ME_OURS, ME_GUIDE),
}


def wrk_cmd(server, req, duration, connections, threads):
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


def wrk_env(req, token, refresh_file, threads):
    env = dict(os.environ)
    env.update(
        BENCH_METHOD=req.method,
        BENCH_BODY=req.body,
        BENCH_CONTENT_TYPE=req.content_type,
        BENCH_TOKEN=token if req.auth else "",
        BENCH_REFRESH_FILE=str(refresh_file) if req.refresh else "",
        BENCH_THREADS=str(threads),
    )
    return env


def parse_wrk(out: str) -> dict:
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
        "p90_ms": r["p90_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000,
        # Refresh: a 2xx without a new refresh token counts as a failure too.
        "non_2xx": r["status_errors"] + r.get("refresh_missing", 0),
        "socket_errors": errors,
    }


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


def run_wrk(server, req, duration, connections, threads, token, refresh_file=None):
    cpu_before = server.cpu()
    proc = subprocess.run(
        wrk_cmd(server, req, duration, connections, threads),
        env=wrk_env(req, token, refresh_file, threads),
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr}")
    result = parse_wrk(proc.stdout)
    # CPU the server burnt per request: steadier than req/s on a busy machine.
    cpu = server.cpu() - cpu_before
    result["cpu_ms_per_req"] = (
        1000 * cpu / result["requests"] if result["requests"] else None
    )
    return result


def run_mixed(server, duration, connections, login_connections, token):
    """One wrk logging in, one wrk reading /me: the /me one runs inside the other."""
    login_req = LOGIN_OURS if server.kind == "ours" else LOGIN_GUIDE
    me_req = ME_OURS if server.kind == "ours" else ME_GUIDE
    login_proc = subprocess.Popen(
        wrk_cmd(server, login_req, duration + 2, login_connections, 1),
        env=wrk_env(login_req, token, None, 1),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)  # the logins are under way before /me starts
        me = run_wrk(server, me_req, duration, connections, 1, token)
        out, _ = login_proc.communicate(timeout=duration + 60)
    finally:
        if login_proc.poll() is None:
            login_proc.kill()
            login_proc.wait()
    me["logins"] = parse_wrk(out)
    return me


# Setup
# ------------------------------------------------------------------------------


def ensure_guide_venv():
    uvicorn = GUIDE_VENV / "bin" / "uvicorn"
    if uvicorn.exists():
        return uvicorn
    log(f"creating the guide's venv in {GUIDE_VENV} (as its README says)")
    GUIDE_VENV.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(GUIDE_VENV)], check=True)
    subprocess.run(
        [
            str(GUIDE_VENV / "bin" / "pip"),
            "install",
            "-q",
            "-r",
            str(GUIDE_DIR / "requirements.txt"),
        ],
        check=True,
    )
    return uvicorn


def manage(env, *args, code=None):
    cmd = [str(PYTHON), "manage.py", *args]
    if code is not None:
        cmd += ["-c", code]
    # Its chatter goes to stderr: stdout is the Markdown report.
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def pg_admin(url: str, sql: str):
    """Run one statement on the server of `url` (psycopg, from the project venv)."""
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(sys.argv[2])\n"
    )
    subprocess.run([str(PYTHON), "-c", code, url, sql], check=True)


def with_dbname(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def our_server(variant, port, env, tmp) -> Server:
    env = dict(env)
    if variant.startswith("granian"):
        env.update(
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(port),
            SERVE_SKIP_SETUP="1",
            WEB_LOG_LEVEL="warning",
        )
        if variant in ("granian-t1", "granian-t4"):
            env["WEB_THREADS"] = variant[-1]
        elif variant == "granian-w1":
            env["WEB_CONCURRENCY"] = "1"
        elif variant != "granian":
            raise SystemExit(f"unknown variant {variant}")
        cmd = [str(ROOT / "bin" / "serve")]
    elif variant.startswith("gunicorn"):
        cmd = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
        ]
        if variant == "gunicorn-gthread":
            cmd += ["-k", "gthread", "--threads", "4"]
        elif variant != "gunicorn-sync":
            raise SystemExit(f"unknown variant {variant}")
    else:
        raise SystemExit(f"unknown variant {variant}")
    return Server(
        variant,
        "ours",
        VARIANTS[variant],
        cmd,
        env,
        ROOT,
        port,
        "/api/health/",
        tmp / f"{variant}.log",
    )


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def code_revision() -> str:
    """The commit measured, and whether the server's code differs from it."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "accounts", "api", "config"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{rev}" + (" + uncommitted changes to the app" if dirty else "")


def machine_info() -> list[str]:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    wrk_version = (wrk_version.stdout or wrk_version.stderr).splitlines()[0:1]
    return [
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- code: {code_revision()}",
        f"- machine: {nproc} CPUs (nproc), {model}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- load average at start: {loadavg()}",
        f"- load generator: {wrk_version[0] if wrk_version else 'wrk'}",
    ]


# Report
# ------------------------------------------------------------------------------


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_rps(v):
    return "—" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def fmt_ms(v):
    return "—" if v is None else (f"{v:.0f} ms" if v >= 100 else f"{v:.1f} ms")


def fmt_ratio(v):
    return "—" if v is None else (f"{v:.2f}x" if v < 10 else f"{v:.1f}x")


def median_cells(runs) -> list[str]:
    """req/s, p50 and p99 of a server's runs, as table cells."""
    if not runs:
        return ["—", "—", "—"]
    return [
        fmt_rps(med([r["rps"] for r in runs])),
        fmt_ms(med([r["p50_ms"] for r in runs])),
        fmt_ms(med([r["p99_ms"] for r in runs])),
    ]


def ratio_per_round(ours, guide, key):
    pairs = [
        o[key] / g[key]
        for o, g in zip(ours, guide, strict=False)
        if g[key] and o[key] is not None
    ]
    return med(pairs)


def table(results, variant, scenarios, args) -> list[str]:
    lines = [
        "| scenario | ours req/s | ours p50 | ours p99 | guide req/s | guide p50 "
        "| guide p99 | ratio (ours/guide req/s) | p99 ours/guide |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for sc in scenarios:
        label = SCENARIO_REQUESTS[sc][0]
        ours = results[sc].get(variant, [])
        guide = results[sc].get("guide", [])
        cells = [label, *median_cells(ours), *median_cells(guide)]
        if ours and guide:
            cells.append(fmt_ratio(ratio_per_round(ours, guide, "rps")))
            cells.append(fmt_ratio(ratio_per_round(ours, guide, "p99_ms")))
        else:
            cells += ["—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
        if sc == "mixed":
            o = [r["logins"] for r in ours]
            g = [r["logins"] for r in guide]
            cells = [
                "… the logins running meanwhile (POST token)",
                *median_cells(o),
                *median_cells(g),
            ]
            cells.append(fmt_ratio(ratio_per_round(o, g, "rps")) if o and g else "—")
            cells.append("")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def cpu_table(results, variants, scenarios, no_guide) -> list[str]:
    names = [*variants, *([] if no_guide else ["guide"])]
    lines = [
        "### Server CPU time per request (user + system, all server processes)",
        "",
        "Less sensitive to other load on the machine than req/s. Mixed: the CPU "
        "of the logins and /me together, per /me request, so not shown.",
        "",
        "| scenario | " + " | ".join(f"{n} ms/req" for n in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for sc in scenarios:
        if sc == "mixed":
            continue
        cells = [SCENARIO_REQUESTS[sc][0]]
        for n in names:
            runs = results[sc].get(n, [])
            v = med([r.get("cpu_ms_per_req") for r in runs])
            cells.append("—" if v is None else f"{v:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def error_notes(results, scenarios) -> list[str]:
    notes = []
    for sc in scenarios:
        for name, runs in results[sc].items():
            for i, r in enumerate(runs):
                for label, rr in (("", r), (" (logins)", r.get("logins"))):
                    if rr and (rr["non_2xx"] or rr["socket_errors"]):
                        notes.append(
                            f"- {sc}{label}, {name}, round {i + 1}: "
                            f"{rr['non_2xx']} non-2xx responses, "
                            f"{rr['socket_errors']} socket errors/timeouts "
                            f"of {rr['requests']} requests"
                        )
    return notes


# Main
# ------------------------------------------------------------------------------


def install_wrk() -> None:
    """Install Debian's wrk, waiting out another apt run holding the lock."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in range(10):
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]
        if subprocess.run(install, env=env, capture_output=True).returncode == 0:
            return
        print(f"apt-get install wrk failed (attempt {attempt + 1}), retrying")
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        time.sleep(5)
    raise SystemExit("could not install wrk")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument(
        "--duration",
        type=float,
        default=5,
        help="seconds of load per scenario, server and round (5)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds per scenario, the order alternating (3)",
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections (16)"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--login-connections",
        type=int,
        default=4,
        help="connections of the login wrk in the mixed scenario (4)",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use a scratch database on DATABASE_URL's server and "
        "REDIS_URL instead of a temporary SQLite file",
    )
    parser.add_argument(
        "--variants",
        default="granian",
        help="our server variants, comma-separated: " + ", ".join(VARIANTS),
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="comma-separated subset of " + ",".join(SCENARIOS),
    )
    parser.add_argument(
        "--no-guide", action="store_true", help="do not run the guide's backend"
    )
    args = parser.parse_args()
    duration = max(1, round(args.duration))
    scenarios = [s for s in SCENARIOS if s in args.scenarios.split(",")]
    unknown = set(args.scenarios.split(",")) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    variants = [v for v in args.variants.split(",") if v]
    for v in variants:
        if v not in VARIANTS:
            parser.error(f"unknown variant {v}; choose from {', '.join(VARIANTS)}")
    if not shutil.which("wrk"):
        install_wrk()
    if not args.no_guide and not (GUIDE_DIR / "main.py").exists():
        raise SystemExit(f"the guide's backend is not at {GUIDE_DIR}: set GUIDE_DIR")

    # SIGTERM unwinds like Ctrl-C, so that `finally` stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Ctrl-C too, even when started where SIGINT is ignored (nohup, `cmd &`).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    header = ["## Benchmark: this API vs the FastAPI guide's backend", ""]
    header += machine_info()
    log("\n".join(header))

    tmp = Path(tempfile.mkdtemp(prefix="authapi-bench-"))
    servers: list[Server] = []
    scratch_db = None
    env = dict(os.environ)
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="false",
        LOGIN_RATE_LIMIT="off",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        if args.postgres:
            base_url = os.environ.get("DATABASE_URL", "")
            if not base_url.startswith("postgres"):
                raise SystemExit("--postgres needs DATABASE_URL=postgres://...")
            scratch_db = f"bench_run_{os.getpid()}"
            pg_admin(base_url, f'CREATE DATABASE "{scratch_db}"')
            scratch_url = with_dbname(base_url, scratch_db)
            env["DATABASE_URL"] = scratch_url
            db_desc = (
                f"PostgreSQL (scratch database {scratch_db}), "
                f"Redis {'on' if env.get('REDIS_URL') else 'off'}"
            )
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
            env.pop("REDIS_URL", None)
            db_desc = "SQLite (fresh file in a temporary directory), local-memory cache"

        log("migrating and creating the user")
        manage(env, "migrate", "--noinput", "-v0")
        manage(
            env,
            "shell",
            code=(
                "from django.contrib.auth.models import User\n"
                "from api.models import Item\n"
                f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r})\n"
                # The guide's /items/ returns two items: so does ours.
                "Item.objects.bulk_create([Item(owner=u, name='item1'), "
                "Item(owner=u, name='item2')])\n"
            ),
        )

        for v in variants:
            servers.append(our_server(v, free_port(), env, tmp))
        if not args.no_guide:
            uvicorn = ensure_guide_venv()
            port = free_port()
            servers.append(
                Server(
                    "guide",
                    "guide",
                    "uvicorn main:app (one process, as the guide runs it)",
                    [
                        str(uvicorn),
                        "main:app",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                    ],
                    {"PATH": os.environ.get("PATH", ""), "HOME": str(Path.home())},
                    GUIDE_DIR,
                    port,
                    "/docs",
                    tmp / "guide.log",
                )
            )
        for s in servers:
            log(f"starting {s.name}: {' '.join(s.cmd)}")
            s.start()
        for s in servers:
            s.wait_ready()

        tokens = {s.name: login(s)["access"] for s in servers}
        # Warm up: a second of /me on each server (imports, connections).
        for s in servers:
            run_wrk(
                s,
                ME_OURS if s.kind == "ours" else ME_GUIDE,
                1,
                args.connections,
                args.threads,
                tokens[s.name],
            )

        results: dict[str, dict[str, list]] = {sc: {} for sc in scenarios}
        for sc in scenarios:
            _, ours_req, guide_req = SCENARIO_REQUESTS[sc]
            targets = [
                s for s in servers if s.kind == "ours" or (guide_req is not None)
            ]
            for rnd in range(args.rounds):
                order = targets if rnd % 2 == 0 else targets[::-1]
                for s in order:
                    req = ours_req if s.kind == "ours" else guide_req
                    log(f"[{sc}] round {rnd + 1}/{args.rounds}: {s.name}")
                    wait_until_idle(servers)
                    if sc == "mixed":
                        r = run_mixed(
                            s,
                            duration,
                            args.connections,
                            args.login_connections,
                            tokens[s.name],
                        )
                    elif req.refresh:
                        # One never-used refresh token per connection; the Lua
                        # script chains each response's token into the next.
                        path = tmp / f"refresh-{s.name}-{rnd}.txt"
                        path.write_text(
                            "".join(
                                login(s)["refresh"] + "\n"
                                for _ in range(args.connections)
                            )
                        )
                        r = run_wrk(
                            s,
                            req,
                            duration,
                            args.connections,
                            args.threads,
                            tokens[s.name],
                            path,
                        )
                    else:
                        r = run_wrk(
                            s,
                            req,
                            duration,
                            args.connections,
                            args.threads,
                            tokens[s.name],
                        )
                    results[sc].setdefault(s.name, []).append(r)
                    log(
                        f"    {r['rps']:.1f} req/s, p50 {r['p50_ms']:.1f} ms, "
                        f"p99 {r['p99_ms']:.1f} ms, non-2xx {r['non_2xx']}, "
                        f"errors {r['socket_errors']}"
                        + (
                            f"; logins {r['logins']['rps']:.1f}/s"
                            if "logins" in r
                            else ""
                        )
                    )

        memory = {s.name: s.memory() for s in servers}

        out = [
            *header,
            f"- load average at the end: {loadavg()} (other jobs share this "
            "machine: compare the two servers within a run, not across runs)",
            f"- database: {db_desc}",
            f"- wrk: {args.threads} thread(s), {args.connections} connections, "
            f"{duration} s per run, {args.rounds} rounds alternating, medians; "
            f"mixed: a second wrk with {args.login_connections} connections "
            f"logging in throughout",
            "- servers: " + "; ".join(f"{s.name} = {s.description}" for s in servers),
            "",
        ]
        for v in variants:
            if len(variants) > 1:
                out += [f"### {v}", ""]
            out += [*table(results, v, scenarios, args), ""]
        if len(variants) > 1:
            out += [
                "### Server variants (medians)",
                "",
                "| variant | /me req/s | /me p99 | mixed /me p99 "
                "| mixed logins/s | /me vs guide | mixed p99 vs guide |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for name in [*variants, *([] if args.no_guide else ["guide"])]:
                me = results.get("me", {}).get(name, [])
                mx = results.get("mixed", {}).get(name, [])
                g_me = results.get("me", {}).get("guide", [])
                g_mx = results.get("mixed", {}).get("guide", [])
                out.append(
                    "| "
                    + " | ".join(
                        [
                            name,
                            fmt_rps(med([r["rps"] for r in me])) if me else "—",
                            fmt_ms(med([r["p99_ms"] for r in me])) if me else "—",
                            fmt_ms(med([r["p99_ms"] for r in mx])) if mx else "—",
                            fmt_rps(med([r["logins"]["rps"] for r in mx]))
                            if mx
                            else "—",
                            fmt_ratio(ratio_per_round(me, g_me, "rps"))
                            if me and g_me and name != "guide"
                            else "—",
                            fmt_ratio(ratio_per_round(mx, g_mx, "p99_ms"))
                            if mx and g_mx and name != "guide"
                            else "—",
                        ]
                    )
                    + " |"
                )
            out.append("")
        out += cpu_table(results, variants, scenarios, args.no_guide)
        out += [
            "### Resident memory after the run (VmRSS)",
            "",
            "| server | processes (pid: RSS) | total |",
            "|---|---|---:|",
        ]
        for s in servers:
            rows = memory[s.name]
            out.append(
                f"| {s.name} | "
                + ", ".join(
                    f"{comm} {pid}: {kib / 1024:.0f} MiB" for pid, comm, kib in rows
                )
                + f" | {sum(k for _, _, k in rows) / 1024:.0f} MiB |"
            )
        notes = error_notes(results, scenarios)
        if notes:
            out += ["", "Errors:", *notes]
        print("\n".join(out), flush=True)

        results_dir = BENCH / "results"
        results_dir.mkdir(exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        (results_dir / f"run-{stamp}.json").write_text(
            json.dumps(
                {
                    "args": vars(args),
                    "machine": header,
                    "results": results,
                    "memory": memory,
                },
                indent=1,
            )
        )
        (results_dir / f"run-{stamp}.md").write_text("\n".join(out) + "\n")
        log(f"saved bench/results/run-{stamp}.md and .json")
    finally:
        for s in reversed(servers):
            try:
                s.stop()
            except Exception as exc:  # keep stopping the others
                log(f"stopping {s.name}: {exc}")
        if scratch_db:
            try:
                pg_admin(
                    os.environ["DATABASE_URL"],
                    f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)',
                )
            except Exception as exc:
                log(f"could not drop {scratch_db}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        sys.exit(130)
