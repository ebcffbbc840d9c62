"""The one process pool extraction runs in, for the crawl and for reparse.

Extraction is pure CPU work in Python. In the crawl it would stall Scrapy's event loop and the
downloads with it; in reparse it is all the work there is. `WorkerPool` runs the functions of
`humas_crawler.extract.jobs` in worker processes (or inline with 0 workers), two ways:

- `await pool.run(function, *args)`: one call, awaited from an asyncio callback (the spider);
- `pool.ordered(function, items)`: a stream of calls, results in order, a bounded number in
  flight so that memory stays flat (reparse).

A worker that dies (out of memory, killed) breaks the pool: what is left then runs inline, in
this process, rather than failing the run. Workers leave by themselves when their parent is
gone (a parent killed with -9 never shuts its pool down).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741

StartMethod = Literal["spawn", "fork"]
# Calls in flight per worker in `ordered`: workers never wait, memory stays flat.
WINDOW_PER_WORKER = 4


class WorkerPool:
    """`workers` extraction processes (0: every call runs inline), started on first use.

    `start`: "spawn" starts clean interpreters (the crawl: nothing of Twisted or of the
    reactor's threads is inherited), "fork" starts at once with the extractor already imported
    (reparse, where nothing forbids it; spawn where fork does not exist). With
    `parent_handles_signals`, workers ignore Ctrl-C and SIGTERM: the parent stops handing out
    work, lets them finish their call and shuts the pool down.
    """

    def __init__(
        self,
        workers: int,
        *,
        start: StartMethod = "spawn",
        parent_handles_signals: bool = False,
    ) -> None:
        self.workers = workers
        self.start = start if start != "fork" or sys.platform == "linux" else "spawn"
        self.parent_handles_signals = parent_handles_signals
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor | None:
        if self.workers > 0 and self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(self.start),
                initializer=_worker_started,
                initargs=(os.getpid(), self.parent_handles_signals),
            )
        return self._pool

    def _broken(self, what: str) -> None:
        logger.warning("an extraction worker died; %s in this process from now on", what)
        self.workers = 0
        self._pool = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker, awaited; inline without workers."""
        pool = self._executor()
        if pool is None:
            return function(*args)
        try:
            return await asyncio.wrap_future(pool.submit(function, *args))
        except BrokenProcessPool:
            self._broken("extracting")
            return function(*args)

    def ordered(self, function: Callable[[I], T], items: Iterable[I]) -> Iterator[tuple[I, T]]:
        """(item, function(item)) for every item, in order, from the workers (inline without)."""
        pool = self._executor()
        if pool is None:
            for item in items:
                yield item, function(item)
            return
        queue = iter(items)
        pending: deque[tuple[I, Future[T]]] = deque()

        def fill() -> None:
            while len(pending) < self.workers * WINDOW_PER_WORKER:
                item = next(queue, _DONE)
                if item is _DONE:
                    return
                pending.append((item, pool.submit(function, item)))  # type: ignore[arg-type]

        fill()
        while pending:
            item, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                self._broken("working")
                yield item, function(item)
                for rest, _ in pending:
                    yield rest, function(rest)
                for rest in queue:
                    yield rest, function(rest)
                return
            fill()
            yield item, result

    def close(self) -> None:
        """Shut the workers down, cancelling what has not started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_DONE = object()


def _worker_started(parent: int, parent_handles_signals: bool) -> None:
    if parent_handles_signals:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """The worker leaves by itself once its parent `parent` is gone.

    A parent killed with -9 never shuts its pool down, and a worker blocked on the pool's queue
    would wait forever (the queue's pipe stays open in the worker itself).
    """
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
