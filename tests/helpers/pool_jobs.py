"""Functions the extraction pool tests send to worker processes (importable by name)."""

from __future__ import annotations

import os
import threading
import time


def echo(value: object) -> tuple[int, object]:
    """The worker's pid and the value it was given."""
    return os.getpid(), value


def fail(message: str) -> None:
    raise ValueError(message)


def unpicklable() -> object:
    return threading.Lock()


def slow_echo(seconds: float, value: object) -> tuple[int, object]:
    time.sleep(seconds)
    return os.getpid(), value
