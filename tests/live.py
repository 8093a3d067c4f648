"""
Real API server processes for live tests: the production server (granian,
via bin/serve) on a free port of 127.0.0.1, stopped by PID afterwards.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Response:
    status: int
    body: dict | list | None
    headers: dict


_handed_out: list[int] = []


def free_port() -> int:
    """
    A port of 127.0.0.1 that nothing listens on. With LIVE_PORTS=low-high
    (for a machine where only those ports may be used) one of that range,
    the least recently handed out first, since a port handed out may not be
    bound yet.
    """
    span = os.environ.get("LIVE_PORTS", "")
    if not span:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    low, high = (int(bound) for bound in span.split("-"))
    ports = range(low, high + 1)
    for port in sorted(ports, key=lambda p: (p in _handed_out, _order(p))):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port in _handed_out:
            _handed_out.remove(port)
        _handed_out.append(port)
        return port
    raise RuntimeError(f"no free port in LIVE_PORTS={span}")


def _order(port: int) -> int:
    return _handed_out.index(port) if port in _handed_out else port


def request(
    url: str, method: str = "GET", data: dict | None = None, token: str = "", **headers
) -> Response:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method=method)  # noqa: S310
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in headers.items():
        req.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            raw = resp.read()
            status, resp_headers = resp.status, resp.headers
    except urllib.error.HTTPError as error:
        raw, status, resp_headers = error.read(), error.code, error.headers
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = {"raw": raw.decode(errors="replace")}
    return Response(status, parsed, {k.lower(): v for k, v in resp_headers.items()})


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@dataclass
class LiveDatabase:
    """A database of its own for live servers: a SQLite file or a PostgreSQL db."""

    url: str
    _admin_url: str = ""

    @classmethod
    def create(cls, tmp_path: Path) -> "LiveDatabase":
        base = os.environ.get("DATABASE_URL", "")
        if not is_postgres(base):
            return cls(f"sqlite:///{tmp_path / 'live.sqlite3'}")
        import psycopg

        name = f"live_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return cls(base.rsplit("/", 1)[0] + f"/{name}", base)

    def migrate(self, env: dict) -> None:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": self.url},
            check=True,
            timeout=120,
        )

    def drop(self) -> None:
        if not self._admin_url:
            return
        import psycopg

        name = self.url.rsplit("/", 1)[1]
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveServer:
    env: dict
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "LiveServer":
        self.process = subprocess.Popen(
            [str(ROOT / "bin" / "serve")],
            cwd=ROOT,
            env={
                **self.env,
                "PYTHON": PYTHON,
                "SERVE_SKIP_SETUP": "1",
                "WEB_PORT": str(self.port),
                "WEB_LOG_LEVEL": "warning",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode())
            try:
                if request(f"{self.url}/api/health/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def post(self, path: str, data: dict | None = None, **kwargs) -> Response:
        return request(
            self.url + path, "POST", data if data is not None else {}, **kwargs
        )

    def get(self, path: str, **kwargs) -> Response:
        return request(self.url + path, **kwargs)


def server_env(**overrides: str) -> dict:
    """The environment of a production-mode server process."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JWT_", "LOGIN_", "PYTEST_"))
    }
    env.update(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": os.environ.get(
                "DJANGO_SECRET_KEY", secrets.token_urlsafe(50)
            ),
            "LOGIN_RATE_LIMIT": "off",
        }
    )
    env.update(overrides)
    return env
