"""The process pool the crawl extracts in, so extraction overlaps with downloading.

Extraction is pure CPU work in Python; on the crawl's event loop it would stall the downloader.
With `workers` > 0 the page objects run in a process pool (spawned, so nothing of Twisted is
inherited) and the spider awaits their results; with 0 they run inline.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


def default_workers() -> int:
    """One worker beside the crawl when the machine has a second core, else inline."""
    return 1 if (os.cpu_count() or 1) >= 2 else 0


def watch_parent(parent: int) -> None:
    """Pool initializer: the worker leaves by itself once its parent `parent` is gone.

    A parent killed with -9 never shuts its pool down, and a worker blocked on the pool's queue
    would wait forever (the queue's pipe stays open in the worker itself).
    """
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class Extractor:
    """Runs the extract_* functions in a process pool (or inline), awaitable from callbacks."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: Executor | None = None

    def _executor(self) -> Executor | None:
        if self.workers > 0 and self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=watch_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        pool = self._executor()
        if pool is None:
            return function(*args)
        try:
            return await asyncio.wrap_future(pool.submit(function, *args))
        except BrokenProcessPool:
            # A worker died (out of memory, killed): finish the crawl inline rather than fail.
            logger.warning("extraction worker died; extracting in the crawl process from now on")
            self.workers = 0
            self._pool = None
            return function(*args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
