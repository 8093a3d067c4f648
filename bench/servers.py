"""
The servers bench/run.py measures, and the processes and databases behind
them: ours (bin/serve) and the FastAPI guide's backend, one process as its
guide runs it and two with uvicorn[standard] as its README suggests.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
# The guide's backend lives in shared/, beside the project's folder.
GUIDE_DIR = Path(
    os.environ.get("GUIDE_DIR", ROOT.parent / "shared" / "peers" / "fastapi_guide")
)
CACHE = Path(
    os.environ.get("BENCH_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "authapi-bench"
)
USERNAME, PASSWORD = "john", "password123"  # the guide's hard-coded user
ITEMS = 20  # john's items: one full page of ours


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# Processes
# ------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Free ports of 127.0.0.1, within BENCH_PORTS=low-high when set."""
    span = os.environ.get("BENCH_PORTS", "")
    if span:
        low, high = (int(bound) for bound in span.split("-"))
        candidates = range(low, high + 1)
    else:
        candidates = [0] * count  # the kernel picks
    ports = []
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            found = sock.getsockname()[1]
        if found not in ports:
            ports.append(found)
        if len(ports) == count:
            return ports
    raise RuntimeError(f"not {count} free ports in BENCH_PORTS={span or 'any'}")


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


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _process(pid: int) -> tuple[str, int, int] | None:
    """(command line, parent pid, VmRSS in KiB) of a live process."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    if "VmRSS" not in fields:
        return None
    return (
        cmdline.decode(errors="replace").strip(),
        int(fields["PPid"]),
        int(fields["VmRSS"].split()[0]),
    )


def _role(cmdline: str, parent_cmdline: str) -> str:
    """What a server's process is, for the memory report."""
    if cmdline.startswith("bash"):
        return "shell"  # bin/serve, and its loop that restarts the task worker
    if "db_worker" in cmdline:
        return "task worker"
    if "spawn_main" in cmdline or cmdline == parent_cmdline:
        return "worker"  # uvicorn's spawned workers, granian's forked ones
    if "resource_tracker" in cmdline:
        return "helper"
    return "main"


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

    def memory(self) -> list[tuple[str, int]]:
        """(role, RSS KiB) of each process of the server."""
        found = {}
        for pid in [self.proc.pid, *children_of(self.proc.pid)]:
            process = _process(pid)
            if process is not None:
                found[pid] = process
        return [
            (_role(cmdline, found.get(ppid, ("",))[0]), kib)
            for cmdline, ppid, kib in found.values()
        ]

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
            if _alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        self.log_file.close()


def ours(port: int, env: dict, tmp: Path) -> Server:
    """bin/serve as production runs it, on the benchmark's database."""
    env = {
        **env,
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "SERVE_SKIP_SETUP": "1",
        "WEB_LOG_LEVEL": "warning",
    }
    workers = env.get("WEB_CONCURRENCY", "2")
    threads = env.get("WEB_THREADS", "2")
    return Server(
        "ours",
        "ours",
        f"bin/serve (granian WSGI, {workers} workers x {threads} threads)",
        [str(ROOT / "bin" / "serve")],
        env,
        ROOT,
        port,
        "/api/health/",
        tmp / "ours.log",
    )


def guide(port: int, tmp: Path, workers: int = 1) -> Server:
    """The guide's backend: `uvicorn main:app`, or two uvicorn[standard] workers."""
    venv = _guide_venv(standard=workers > 1)
    cmd = [str(venv / "bin" / "uvicorn"), "main:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning"]
    description = "uvicorn main:app (one process, as the guide runs it)"
    name = "guide"
    if workers > 1:
        cmd += ["--workers", str(workers)]
        description = f"uvicorn[standard] main:app --workers {workers}"
        name = f"guide-w{workers}"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(Path.home())}
    return Server(
        name,
        "guide",
        description,
        cmd,
        env,
        GUIDE_DIR,
        port,
        "/docs",
        tmp / f"{name}.log",
    )


def _guide_venv(*, standard: bool) -> Path:
    """
    The guide's venv, made as its README says (python -m venv, pip install
    -r requirements.txt) on first use; with `standard`, a second one that
    adds uvicorn[standard] (uvloop, httptools) for its multi-worker run,
    kept apart so that the one-process guide runs exactly as written.
    """
    venv = CACHE / ("guide-venv-standard" if standard else "guide-venv")
    if (venv / "bin" / "uvicorn").exists():
        return venv
    log(f"creating the guide's venv in {venv}")
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "-q"]
    subprocess.run([*pip, "-r", str(GUIDE_DIR / "requirements.txt")], check=True)
    if standard:
        version = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import uvicorn; print(uvicorn.__version__)",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        subprocess.run([*pip, f"uvicorn[standard]=={version}"], check=True)
    return venv


# Databases
# ------------------------------------------------------------------------------


@dataclass
class Database:
    """A fresh database with the guide's user and his items."""

    kind: str  # "sqlite" or "postgres"
    env: dict
    description: str
    scratch: str | None = None

    @classmethod
    def create(cls, kind: str, tmp: Path) -> Database:
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "LOGIN_RATE_LIMIT": "off",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if kind == "postgres":
            base_url = os.environ.get("DATABASE_URL", "")
            scratch = f"bench_run_{os.getpid()}"
            _pg(base_url, f'CREATE DATABASE "{scratch}"')
            parts = urllib.parse.urlsplit(base_url)
            env["DATABASE_URL"] = urllib.parse.urlunsplit(
                parts._replace(path="/" + scratch)
            )
            database = cls(
                kind, env, f"PostgreSQL (scratch database {scratch}) + Redis", scratch
            )
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
            env.pop("REDIS_URL", None)
            database = cls(kind, env, "SQLite (a fresh file), local-memory cache", None)
        log(f"{kind}: migrating and creating the user")
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User\n"
            "from api.models import Item\n"
            f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r})\n"
            "Item.objects.bulk_create("
            f"Item(owner=u, name=f'item{{n}}') for n in range({ITEMS}))\n",
        )
        return database

    def drop(self):
        if self.scratch:
            try:
                _pg(
                    os.environ["DATABASE_URL"],
                    f'DROP DATABASE IF EXISTS "{self.scratch}" WITH (FORCE)',
                )
            except Exception as exc:
                log(f"could not drop {self.scratch}: {exc}")


def postgres_available() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(
        os.environ.get("REDIS_URL")
    )


def _manage(env, *args):
    # Its chatter goes to stderr: stdout is the Markdown report.
    subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=sys.stderr,
    )


def _pg(url: str, sql: str):
    """Run one statement on the server of `url` (psycopg, from the project venv)."""
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(sys.argv[2])\n"
    )
    subprocess.run([str(PYTHON), "-c", code, url, sql], check=True)


# Tokens (not load)
# ------------------------------------------------------------------------------


def login(server: Server) -> dict:
    """Sign in as the guide's user: {"access": ..., "refresh": ...} for ours."""
    if server.kind == "guide":
        body = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD})
        tokens = _post(
            server.base + "/token", body, "application/x-www-form-urlencoded"
        )
        return {"access": tokens["access_token"]}
    body = json.dumps({"username": USERNAME, "password": PASSWORD})
    return _post(server.base + "/api/auth/token/", body, "application/json")


def _post(url: str, body: str, content_type: str) -> dict:
    request = urllib.request.Request(  # noqa: S310
        url, data=body.encode(), headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def install_wrk() -> None:
    """Install Debian's wrk, waiting out another apt run holding the lock."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]
    for attempt in range(10):
        if subprocess.run(install, env=env, capture_output=True).returncode == 0:
            return
        log(f"apt-get install wrk failed (attempt {attempt + 1}), retrying")
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        time.sleep(5)
    raise SystemExit("could not install wrk")
