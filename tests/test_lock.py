"""Tests for humas_crawler.archive.lock: one crawl per archive, stale locks never block."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from humas_crawler.archive.lock import CrawlLock, LockHeld

HOLDER = """
import sys, time
from humas_crawler.archive.lock import CrawlLock
lock = CrawlLock(sys.argv[1])
lock.acquire({"run_id": 7})
print("locked", flush=True)
time.sleep(60)
"""

CONTENDER = """
import sys
from humas_crawler.archive.lock import CrawlLock, LockHeld
try:
    CrawlLock(sys.argv[1]).acquire({})
except LockHeld as exc:
    print(exc)
    sys.exit(2)
"""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "humas.sqlite"


@pytest.fixture
def holder(db_path: Path):
    """A separate process holding the lock; killed (SIGKILL) at teardown at the latest."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    yield child
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
        child.wait()
    child.stdout.close()


def test_acquire_writes_holder_info(db_path: Path) -> None:
    lock = CrawlLock(db_path)
    lock.acquire({"run_id": None})
    try:
        assert lock.path == db_path.with_name("humas.sqlite.lock")
        info = json.loads(lock.path.read_text())
        assert info["pid"] == os.getpid()
        assert info["run_id"] is None
        assert info["started_at"].endswith("Z")
        assert info["host"]
        lock.update(run_id=12)
        assert json.loads(lock.path.read_text())["run_id"] == 12
    finally:
        lock.release()
    assert lock.path.read_text() == ""  # released: no stale holder info left


def test_second_acquire_in_this_process_fails(db_path: Path) -> None:
    with CrawlLock(db_path) as first:
        first.update(run_id=3)
        with pytest.raises(LockHeld) as caught:
            CrawlLock(db_path).acquire({})
    assert caught.value.holder["pid"] == os.getpid()
    assert f"(pid {os.getpid()}, run 3, started " in str(caught.value)
    assert str(caught.value).endswith(f"holds the lock on {db_path}")
    CrawlLock(db_path).acquire({})  # free again after the with block


def test_another_process_cannot_take_a_held_lock(db_path: Path) -> None:
    with CrawlLock(db_path) as lock:
        lock.update(run_id=5)
        result = subprocess.run(
            [sys.executable, "-c", CONTENDER, str(db_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 2, result.stderr
    assert result.stdout.startswith(f"another crawl (pid {os.getpid()}, run 5, started ")
    assert str(db_path) in result.stdout


def test_lock_of_a_killed_process_can_be_taken(db_path: Path, holder) -> None:
    with pytest.raises(LockHeld) as caught:
        CrawlLock(db_path).acquire({})
    assert caught.value.holder["pid"] == holder.pid
    assert f"another crawl (pid {holder.pid}, run 7, started " in str(caught.value)

    holder.send_signal(signal.SIGKILL)
    holder.wait()
    lock = CrawlLock(db_path)
    lock.acquire({"run_id": 8})  # the stale lock file is still there, the lock is not
    try:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    finally:
        lock.release()


def test_unreadable_holder_info_still_reports_the_lock(db_path: Path) -> None:
    with CrawlLock(db_path) as lock:
        os.truncate(lock.path, 0)  # as if caught between truncate and rewrite
        with pytest.raises(LockHeld, match=f"^another crawl holds the lock on {db_path}$"):
            CrawlLock(db_path).acquire({})


def test_misuse_is_loud(db_path: Path) -> None:
    lock = CrawlLock(db_path)
    with pytest.raises(RuntimeError):
        lock.update(run_id=1)
    lock.acquire({})
    try:
        with pytest.raises(RuntimeError):
            lock.acquire({})
    finally:
        lock.release()
    lock.release()  # releasing twice is harmless


def test_the_message_names_what_holds_the_lock(tmp_path) -> None:
    from humas_crawler.archive.lock import LockHeld

    held = LockHeld({"pid": 7, "command": "reparse"}, tmp_path / "humas.sqlite")
    assert str(held).startswith("another reparse (pid 7) holds the lock on ")
    assert str(LockHeld({"pid": 7}, tmp_path / "x")).startswith("another crawl (pid 7)")


FORKING_HOLDER = """
import os, sys, time
from humas_crawler.archive.lock import CrawlLock
lock = CrawlLock(sys.argv[1])
lock.acquire({})
child = os.fork()
if child == 0:  # a worker forked while the lock is held (as reparse's are) outlives its parent
    os.write(1, b"forked\\n")  # after the fork hooks ran in this child; one write, atomic
    time.sleep(30)
    os._exit(0)
os.write(1, f"{child}\\n".encode())
time.sleep(60)
"""


def test_a_forked_child_does_not_keep_the_lock_of_a_killed_parent(db_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", FORKING_HOLDER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    # The child's line and the parent's, in either order: once both are read, the child has
    # run its fork hooks (a busy machine may schedule it late).
    lines = {parent.stdout.readline().strip() for _ in range(2)}
    assert len(lines) == 2 and "forked" in lines, lines
    child = int(next(line for line in lines if line != "forked"))
    try:
        with pytest.raises(LockHeld):
            CrawlLock(db_path).acquire({})  # the parent holds it
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        os.kill(child, 0)  # the forked child is still alive ...
        lock = CrawlLock(db_path)
        lock.acquire({})  # ... and the lock is free all the same
        lock.release()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        os.kill(child, signal.SIGKILL)
        parent.stdout.close()
