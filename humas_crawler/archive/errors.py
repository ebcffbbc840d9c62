"""What goes wrong with an archive, as one-line messages a user can act on.

`StoreError` is what the store raises for anything the user has to fix (a missing, corrupt,
read-only, busy or foreign archive; an FTS5 query SQLite cannot read: `FTSQueryError`). The
sqlite3 errors behind them are mapped here: `describe_sqlite_error` words one, `user_errors`
wraps a method of the store or of one of its tables (anything with a `path`), `fts_errors`
wraps a full-text query. Constraint violations and other programming errors pass unchanged.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

# How long a connection waits for another process's lock before giving up (store.py opens
# every connection with it; the "busy" message names it).
BUSY_TIMEOUT_SECONDS = 10


class StoreError(Exception):
    """A problem with the archive file that the user has to fix (one-line message)."""


class FTSQueryError(StoreError):
    """A full-text query that SQLite's FTS5 cannot read (one-line message)."""


_FTS_ERROR_STARTS = ("fts5:", "unterminated string", "unknown special query", "no such column")


@contextmanager
def fts_errors(query: str | None) -> Iterator[None]:
    """Turn FTS5's complaints about a query into `FTSQueryError` (locks and I/O errors pass)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        message = " ".join(str(exc).split())
        if query is None or not message.lower().startswith(_FTS_ERROR_STARTS):
            raise
        raise FTSQueryError(f"the full-text query {query!r} is not valid: {message}") from exc


def describe_sqlite_error(path: Path | None, exc: sqlite3.Error) -> str:
    """The sqlite3 error `exc` on the archive at `path` as one line, with what it means."""
    message = " ".join(str(exc).split())
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        hint = f"the archive is busy: another process kept it locked for {BUSY_TIMEOUT_SECONDS} s"
    elif getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_DIRECTORY":
        # Even a read-only reader of a WAL archive needs <archive>-shm beside it.
        hint = (
            "the archive is read-only here: its directory cannot be written to, and SQLite"
            " keeps its -wal and -shm files there, even to read it (fix the permissions, or"
            " copy the archive somewhere writable)"
        )
    elif "readonly" in lowered or "read-only" in lowered:
        hint = "the archive is read-only here (file or directory permissions?)"
    elif "not a database" in lowered or "malformed" in lowered:
        hint = "not a SQLite database, or a corrupt one"
    elif "unable to open" in lowered:
        hint = "cannot open the archive file"
    else:
        hint = "database error"
    return f"{path or 'the archive'}: {hint} ({message})"


def is_user_facing(exc: sqlite3.Error) -> bool:
    """Whether `exc` is the user's to fix, not a bug."""
    # Operational errors (locked, read-only, disk full, I/O) and the bare DatabaseError of a
    # file that is not a database are the user's to fix; constraint violations are bugs.
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


class _OnArchive(Protocol):
    @property
    def path(self) -> Path: ...


S = TypeVar("S", bound=_OnArchive)
P = ParamSpec("P")
R = TypeVar("R")


def user_errors(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Turn the sqlite3 errors a user can fix into a one-line `StoreError` naming `self.path`."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if not is_user_facing(exc):
                raise
            raise StoreError(describe_sqlite_error(self.path, exc)) from exc

    return wrapper
