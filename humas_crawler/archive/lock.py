"""One crawl at a time per archive: an exclusive flock on `<db>.lock` naming its holder."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import weakref
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any


class LockError(Exception):
    """The crawl lock could not be taken (one-line message)."""


class LockHeld(LockError):
    """Another process holds the crawl lock; `holder` is what it wrote into the lock file."""

    def __init__(self, holder: dict[str, Any], db_path: str | os.PathLike[str]) -> None:
        self.holder = holder
        self.db_path = str(db_path)
        what = holder.get("command") or "crawl"  # a reparse takes the same lock
        super().__init__(f"another {what} {_describe(holder)}holds the lock on {self.db_path}")


class CrawlLock:
    """An exclusive, non-blocking `fcntl.flock` on `<db_path>.lock`.

    The kernel drops a flock when its holder dies, even on SIGKILL, so a lock left by a
    dead crawl never blocks the next one and nothing has to be cleaned up by hand. The
    file is never deleted: unlinking a locked file lets a third process lock a new inode
    while a second still waits on the old one. (flock is not reliable over NFS.)
    """

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.db_path = Path(db_path)
        self.path = self.db_path.with_name(self.db_path.name + ".lock")
        self.info: dict[str, Any] = {}
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, run_info: dict[str, Any] | None = None) -> None:
        """Take the lock or raise `LockHeld` naming the holder; record who we are in the file."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this CrawlLock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            # A directory that cannot be created or written to: the archive could not be
            # written either, and the user has to fix the path or the permissions.
            where = f"{exc.filename}: " if exc.filename and exc.filename != str(self.path) else ""
            raise LockError(
                f"cannot create the lock file {self.path} ({where}{exc.strerror or exc})"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_info(fd)
            os.close(fd)
            raise LockHeld(holder, self.db_path) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        _HELD.add(self)
        self.info = {
            "pid": os.getpid(),
            "run_id": None,
            "started_at": _utc_now(),
            "host": socket.gethostname(),
            **(run_info or {}),
        }
        self._write_info()

    def update(self, **info: Any) -> None:
        """Rewrite the holder info, e.g. once the run id is known."""
        if self._fd is None:
            raise RuntimeError(f"{self.path} is not held")
        self.info.update(info)
        self._write_info()

    def release(self) -> None:
        if self._fd is None:
            return
        _HELD.discard(self)
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # no stale holder info for the next reader
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> CrawlLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _write_info(self) -> None:
        assert self._fd is not None
        data = json.dumps(self.info, default=str, sort_keys=True).encode("utf-8") + b"\n"
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)
        os.fsync(self._fd)


# Locks this process holds. A forked child (reparse's workers) closes its copies at once: the
# flock belongs to the open file, so a child outliving a killed parent would hold the lock on.
_HELD: weakref.WeakSet[CrawlLock] = weakref.WeakSet()


def _forget_in_child() -> None:
    for lock in list(_HELD):
        if lock._fd is not None:
            os.close(lock._fd)  # closing, not unlocking: the parent keeps the lock
            lock._fd = None
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _read_info(fd: int) -> dict[str, Any]:
    data = os.pread(fd, 64 * 1024, 0)
    try:
        info = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # The holder is between truncating and rewriting the file, or predates the format:
        # the lock itself is what matters, the details are a courtesy.
        return {}
    return info if isinstance(info, dict) else {}


def _describe(holder: dict[str, Any]) -> str:
    parts = []
    if holder.get("pid") is not None:
        parts.append(f"pid {holder['pid']}")
    if holder.get("run_id") is not None:
        parts.append(f"run {holder['run_id']}")
    if holder.get("started_at"):
        parts.append(f"started {holder['started_at']}")
    if holder.get("host") and holder["host"] != socket.gethostname():
        parts.append(f"on host {holder['host']}")
    # One line, whatever the lock file holds (it is written by another process).
    return f"({' '.join(', '.join(parts).split())}) " if parts else ""


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
