"""Shared helpers of the crawl benchmarks: a replica server and timed crawl subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for


def run_measured(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run a command; wall time and peak resident memory of that process (os.wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, output, cpu)


def crawl_cmd(base_url: str, workdir: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "humas_crawler", "crawl",
        "--db", str(workdir / "humas.sqlite"), "--warc-dir", str(workdir / "warc"),
        "--site", "kaltimprov", "--base-url", base_url, "--delay", "0", "--concurrency", "8",
        "--log-level", "WARNING",
        *extra,
    ]  # fmt: skip
