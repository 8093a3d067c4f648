"""The Markdown report of bench/run.py: its context, then a section per database."""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import subprocess

from scenarios import SCENARIOS
from servers import ROOT


def context(args) -> list[str]:
    """Date, commit, machine and load: what a reader needs to weigh the numbers."""
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in f
                    if line.startswith("model name")
                ),
                "?",
            )
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return [
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- code: {_revision()}",
        f"- machine: {nproc} CPUs, {model}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        f"- load average at start: {loadavg()}",
        f"- wrk: {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s per run, {args.rounds} rounds alternating, medians; "
        f"mixed: a second wrk with {args.login_connections} connections logging in "
        "throughout",
    ]


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def _revision() -> str:
    """The commit measured, and whether the server's code differs from it."""
    try:
        rev = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--", "accounts", "api", "config")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return rev + (" + uncommitted changes to the app" if dirty else "")


def _git(*args) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def database_section(database, servers, results, memory, scenarios) -> list[str]:
    """The table of one database's run, CPU per request, memory, errors."""
    names = [s.name for s in servers]
    out = [f"### {database.description}", "", *_table(results, scenarios, names), ""]
    out += _ratios_to_two_workers(results, names)
    out += _cpu(results, scenarios, names)
    out += _memory(servers, memory)
    notes = _errors(results, scenarios)
    if notes:
        out += ["Errors:", *notes, ""]
    return out


def _table(results, scenarios, names) -> list[str]:
    lines = [
        "| scenario | ours req/s | ours p50 | ours p99 | guide req/s | guide p50 "
        "| guide p99 | ours/guide req/s | p99 ours/guide |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for sc in scenarios:
        ours = results[sc].get("ours", [])
        guide = results[sc].get("guide", [])
        lines.append(_row(SCENARIOS[sc].label, ours, guide, p99=True))
        if sc == "mixed":
            lines.append(
                _row(
                    "… the logins running meanwhile",
                    [r["logins"] for r in ours],
                    [r["logins"] for r in guide],
                    p99=False,
                )
            )
    return lines


def _row(label, ours, guide, *, p99: bool) -> str:
    cells = [label, *_cells(ours), *_cells(guide)]
    cells.append(_ratio(ratio_per_round(ours, guide, "rps")) if ours and guide else "—")
    if p99:
        cells.append(
            _ratio(ratio_per_round(ours, guide, "p99_ms")) if ours and guide else "—"
        )
    else:
        cells.append("")
    return "| " + " | ".join(cells) + " |"


def _ratios_to_two_workers(results, names) -> list[str]:
    two = [n for n in names if n.startswith("guide-w")]
    if not two:
        return []
    lines = [
        "The guide with two workers (uvicorn[standard] --workers 2), in the same "
        "rounds:",
        "",
        "| scenario | guide-w2 req/s | guide-w2 p99 | ours/guide-w2 req/s "
        "| p99 ours/guide-w2 |",
        "|---|---:|---:|---:|---:|",
    ]
    for sc in [name for name, s in SCENARIOS.items() if s.two_workers]:
        ours, other = results.get(sc, {}).get("ours"), results.get(sc, {}).get(two[0])
        if ours and other:
            lines.append(
                f"| {SCENARIOS[sc].label} | {fmt_rps(med([r['rps'] for r in other]))} "
                f"| {fmt_ms(med([r['p99_ms'] for r in other]))} "
                f"| {_ratio(ratio_per_round(ours, other, 'rps'))} "
                f"| {_ratio(ratio_per_round(ours, other, 'p99_ms'))} |"
            )
    return [*lines, ""] if len(lines) > 5 else []


def _cpu(results, scenarios, names) -> list[str]:
    lines = [
        "Server CPU per request (user + system of all its processes, ms):",
        "",
        "| scenario | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for sc in scenarios:
        if sc == "mixed":  # the logins' CPU too, per /me request: not comparable
            continue
        cells = [sc]
        for n in names:
            v = med([r.get("cpu_ms_per_req") for r in results[sc].get(n, [])])
            cells.append("—" if v is None else f"{v:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _memory(servers, memory) -> list[str]:
    lines = ["Resident memory after the run (VmRSS):", ""]
    for s in servers:
        rows = memory[s.name]
        workers = [kib for role, kib in rows if role == "worker"]
        parts = [f"{role} {kib / 1024:.0f} MiB" for role, kib in rows]
        per = (
            f"; {len(workers)} workers, {sum(workers) / len(workers) / 1024:.0f} MiB "
            "each"
            if workers
            else ""
        )
        total = sum(kib for _, kib in rows) / 1024
        lines.append(f"- {s.name}: {', '.join(parts)} (total {total:.0f} MiB{per})")
    return [*lines, ""]


def _errors(results, scenarios) -> list[str]:
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


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio_per_round(ours, other, key):
    """The median of the per-round ratios, each of two runs made back to back."""
    return med([o[key] / g[key] for o, g in zip(ours, other, strict=False) if g[key]])


def fmt_rps(v):
    return "—" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def fmt_ms(v):
    return "—" if v is None else (f"{v:.0f} ms" if v >= 100 else f"{v:.1f} ms")


def _ratio(v):
    return "—" if v is None else (f"{v:.2f}x" if v < 10 else f"{v:.1f}x")


def _cells(runs) -> list[str]:
    """req/s, p50 and p99 of a server's runs, as table cells."""
    if not runs:
        return ["—", "—", "—"]
    return [
        fmt_rps(med([r["rps"] for r in runs])),
        fmt_ms(med([r["p50_ms"] for r in runs])),
        fmt_ms(med([r["p99_ms"] for r in runs])),
    ]
