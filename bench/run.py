#!/usr/bin/env python3
"""
Load-test the production server against the FastAPI guide's backend.

    .venv/bin/python bench/run.py [--duration 5] [--rounds 3]
                                  [--databases sqlite,postgres]
                                  [--scenarios login,refresh,me,items,post,mixed]

Starts our server (bin/serve) on a fresh database with LOGIN_RATE_LIMIT=off,
the guide's backend as its guide runs it (one `uvicorn main:app` process)
and, for /me and /items/, with two uvicorn[standard] workers. Every scenario
runs wrk against each server in turn, `--rounds` times with the order
alternating; cells are medians, ratios the median of the per-round ratios.
SQLite always; PostgreSQL + Redis too when DATABASE_URL (postgres://) and
REDIS_URL are set, on a scratch database dropped afterwards.

Servers listen on free ports of 127.0.0.1 (within BENCH_PORTS=low-high when
set). Markdown goes to stdout, progress to stderr, and a copy with the raw
numbers to bench/results/ (gitignored). bench/README.md says how each figure
is made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import report
import scenarios as sc
import servers as sv


def main():
    args = _arguments()
    sv.install_wrk()
    if not (sv.GUIDE_DIR / "main.py").exists():
        raise SystemExit(f"the guide's backend is not at {sv.GUIDE_DIR}: set GUIDE_DIR")
    # SIGTERM unwinds like Ctrl-C, so that `finally` stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)

    header = ["## Benchmark: this API vs the FastAPI guide's backend", ""]
    header += report.context(args)
    sv.log("\n".join(header))
    out, raw = list(header), {}
    tmp = Path(tempfile.mkdtemp(prefix="authapi-bench-"))
    try:
        for kind in args.databases:
            section, raw[kind] = _measure(kind, args, tmp / kind)
            out += ["", *section]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out.insert(len(header), f"- load average at the end: {report.loadavg()}")
    print("\n".join(out), flush=True)

    results = sv.BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"run-{stamp}.md").write_text("\n".join(out) + "\n")
    (results / f"run-{stamp}.json").write_text(
        json.dumps({"args": vars(args), "context": header, "results": raw}, indent=1)
    )
    sv.log(f"saved bench/results/run-{stamp}.md and .json")


def _measure(kind, args, tmp: Path):
    """Every scenario on one database: its report section and raw numbers."""
    tmp.mkdir(parents=True)
    database = sv.Database.create(kind, tmp)
    ports = sv.free_ports(3)
    servers = [sv.ours(ports[0], database.env, tmp), sv.guide(ports[1], tmp)]
    if args.two_workers:
        servers.append(sv.guide(ports[2], tmp, workers=2))
    try:
        for s in servers:
            sv.log(f"{kind}: starting {s.name}: {' '.join(s.cmd)} (port {s.port})")
            s.start()
        for s in servers:
            s.wait_ready()
        tokens = {s.name: sv.login(s)["access"] for s in servers}
        for s in servers:  # warm up: imports, connections
            _run(s, sc.ME_OURS if s.kind == "ours" else sc.ME_GUIDE, args, tokens, 1)

        results = {name: {} for name in args.scenarios}
        for name in args.scenarios:
            scenario = sc.SCENARIOS[name]
            targets = [
                s
                for s in servers
                if sc.request_for(scenario, s) is not None
                and (s.name != "guide-w2" or scenario.two_workers)
            ]
            for rnd in range(args.rounds):
                for s in targets if rnd % 2 == 0 else targets[::-1]:
                    sv.log(f"[{kind} {name}] round {rnd + 1}/{args.rounds}: {s.name}")
                    sc.wait_until_idle(servers)
                    r = _scenario(name, s, args, tokens, tmp / f"{name}-{rnd}")
                    results[name].setdefault(s.name, []).append(r)
                    sv.log(
                        f"    {r['rps']:.1f} req/s, p50 {r['p50_ms']:.1f} ms, "
                        f"p99 {r['p99_ms']:.1f} ms, non-2xx {r['non_2xx']}, "
                        f"errors {r['socket_errors']}"
                    )
        memory = {s.name: s.memory() for s in servers}
    finally:
        for s in reversed(servers):
            try:
                s.stop()
            except Exception as exc:  # keep stopping the others
                sv.log(f"stopping {s.name}: {exc}")
        database.drop()
    section = report.database_section(
        database, servers, results, memory, args.scenarios
    )
    return section, {"results": results, "memory": memory}


def _scenario(name, server, args, tokens, tmp):
    if name == "mixed":
        return sc.run_mixed(
            server,
            duration=args.duration,
            connections=args.connections,
            threads=args.threads,
            login_connections=args.login_connections,
            token=tokens[server.name],
        )
    req = sc.request_for(sc.SCENARIOS[name], server)
    refresh_file = None
    if req.refresh:
        # One never-used refresh token per connection; wrk_request.lua
        # chains each response's token into the next request.
        refresh_file = tmp.with_suffix(".txt")
        refresh_file.write_text(
            "".join(sv.login(server)["refresh"] + "\n" for _ in range(args.connections))
        )
    return _run(server, req, args, tokens, args.duration, refresh_file)


def _run(server, req, args, tokens, duration, refresh_file=None):
    return sc.run_wrk(
        server,
        req,
        duration=duration,
        connections=args.connections,
        threads=args.threads,
        token=tokens[server.name],
        refresh_file=refresh_file,
    )


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (2)")
    parser.add_argument(
        "--login-connections",
        type=int,
        default=4,
        help="connections of the login wrk in the mixed scenario (4)",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgres" if sv.postgres_available() else "sqlite",
        help="sqlite and/or postgres (needs DATABASE_URL=postgres://… and "
        "REDIS_URL); both when those are set",
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(sc.SCENARIOS),
        help="a comma-separated subset of " + ",".join(sc.SCENARIOS),
    )
    parser.add_argument(
        "--no-two-workers",
        dest="two_workers",
        action="store_false",
        help="leave out the guide's two-worker run",
    )
    args = parser.parse_args()
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.databases = [d for d in args.databases.split(",") if d]
    if unknown := set(args.scenarios) - set(sc.SCENARIOS):
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if unknown := set(args.databases) - {"sqlite", "postgres"}:
        parser.error(f"unknown databases: {', '.join(sorted(unknown))}")
    if "postgres" in args.databases and not sv.postgres_available():
        parser.error("postgres needs DATABASE_URL=postgres://… and REDIS_URL")
    return args


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sv.log("interrupted; servers stopped")
        sys.exit(130)
