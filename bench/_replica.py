"""Shared helpers of the crawl benchmarks: a replica server and timed crawl subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.05


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for


def run_measured(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run a command; wall time, CPU time (os.wait4) and peak resident memory.

    The peak is the largest VmHWM of the process and of its descendants (the extraction
    worker), polled from /proc every POLL_SECONDS. Not wait4's ru_maxrss: Linux gives a child
    the high-water mark of the memory it shared with this process before exec, so a benchmark
    holding a large replica would see its own size in every command it measures.
    """
    peak_kb = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = start(cmd, cwd, out)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            for each in (proc.pid, *descendants(proc.pid)):
                peak_kb = max(peak_kb, status_kb(each).get("VmHWM", 0))
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, peak_kb / 1024, proc.returncode, output, cpu)


def start(cmd: list[str], cwd: Path, out: IO[str]) -> subprocess.Popen:
    """Start a measured command, its stdout and stderr to `out`, unbuffered."""
    return subprocess.Popen(
        cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip


def status_kb(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS (kB) of a process from /proc; empty once it has exited."""
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    name, value = line.split(":", 1)
                    values[name] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return values


def descendants(root: int) -> list[int]:
    """Every process below `root` (children, their children...), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        found.extend(kids)
        frontier.extend(kids)
    return found


def crawl_cmd(base_url: str, workdir: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "humas_crawler", "crawl",
        "--db", str(workdir / "humas.sqlite"), "--warc-dir", str(workdir / "warc"),
        "--site", "kaltimprov", "--base-url", base_url, "--delay", "0", "--concurrency", "8",
        "--log-level", "WARNING",
        *extra,
    ]  # fmt: skip
