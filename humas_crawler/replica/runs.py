"""Run the crawler on a replica as a user would: `crawl` and `reparse` subprocesses, run to the end
or SIGKILLed with their whole process group at a chosen moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# A work directory holds the archive as a crawl lays it out: the database and the WARC files.
DB = "humas.sqlite"
WARC = "warc"
RERUN_TIMEOUT = 300.0


def crawl_command(base_url: str, work: Path, *extra: str) -> list[str]:
    """A crawl of the Kaltim replica at `base_url` into `work`."""
    return sites_crawl_command(work, "--site", "kaltimprov", "--base-url", base_url, *extra)


def sites_crawl_command(work: Path, *extra: str) -> list[str]:
    """A crawl into `work` of the sites `extra` names (`--site`, `--base-url`, `--sites`)."""
    return [
        sys.executable, "-m", "humas_crawler", "crawl",
        "--db", str(work / DB), "--warc-dir", str(work / WARC),
        "--delay", "0", "--concurrency", "8", "--log-level", "WARNING",
        # Retries back off for a second or more by default: too slow for trials.
        "-s", "HUMAS_RETRY_BACKOFF=0.05",
        *extra,
    ]  # fmt: skip


def reparse_command(work: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "humas_crawler", "reparse",
        "--db", str(work / DB), "--warc-dir", str(work / WARC), *extra,
    ]  # fmt: skip


def run(cmd: list[str], log: Path) -> int:
    """Run to completion, output appended to `log`; the exit code."""
    with log.open("a") as out:
        done = subprocess.run(
            cmd, stdout=out, stderr=subprocess.STDOUT, timeout=RERUN_TIMEOUT, env=_env()
        )
    return done.returncode


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


@dataclass
class Kill:
    pid: int
    moment: float  # seconds from start to SIGKILL (or to the exit, when it ended first)
    exit_code: int | None  # the process ended by itself before the kill: its exit code
    survivors: list[int]  # processes of its group still alive after the kill (none expected)

    @property
    def killed(self) -> bool:
        return self.exit_code is None


def run_and_kill(
    cmd: list[str],
    log: Path,
    *,
    at: float,
    when: Callable[[], bool] | None = None,
) -> Kill:
    """Start `cmd` in a new session and SIGKILL its whole process group `at` seconds after the
    start, or as soon as `when()` is true (polled every 10 ms), whichever comes first.

    The group holds the command and every process it started (the crawl's spawned extraction
    worker, multiprocessing's resource tracker, reparse's forked workers): all die at once, so
    no orphan keeps writing after the kill.
    """
    with log.open("a") as out:
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=_env(), start_new_session=True
        )
        try:
            while True:
                elapsed = time.monotonic() - started
                if proc.poll() is not None:
                    return Kill(proc.pid, elapsed, proc.returncode, [])
                if elapsed >= at or (when is not None and when()):
                    break
                time.sleep(0.01)
            os.killpg(proc.pid, signal.SIGKILL)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        proc.wait()
    return Kill(proc.pid, elapsed, None, wait_for_group(proc.pid))


def wait_for_group(pgid: int, timeout: float = 10.0) -> list[int]:
    """Wait until no process of group `pgid` is alive; those still alive at the timeout."""
    deadline = time.monotonic() + timeout
    while (alive := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def run_output(cmd: list[str]) -> tuple[int, str]:
    """Run to completion; the exit code and what it printed (stdout and stderr together)."""
    done = subprocess.run(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RERUN_TIMEOUT,
        env=_env(),
    )
    return done.returncode, done.stdout
