"""The one process pool extraction runs in, for the crawl and for reparse.

Extraction is pure CPU work in Python. In the crawl it would stall Scrapy's event loop and the
downloads with it; in reparse it is all the work there is. `WorkerPool` runs the functions of
`humas_crawler.extract.jobs` in worker processes (or inline with 0 workers), two ways:

- `await pool.run(function, *args)`: one call, awaited from an asyncio callback (the spider).
  Calls and results travel over a socket pair that the event loop itself reads and writes:
  no threads in the parent (a ProcessPoolExecutor's two threads and its queue cost the crawl
  more CPU than its whole extraction of listing pages);
- `pool.ordered(function, items)`: a stream of calls, results in order, a bounded number in
  flight so that memory stays flat (reparse, on a ProcessPoolExecutor).

A worker that dies (out of memory, killed) breaks the pool: what is left then runs inline, in
this process, rather than failing the run. Workers leave by themselves when their parent is
gone (a parent killed with -9 never shuts its pool down).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
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
        self._awaited: list[_AwaitedWorker] = []

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
        if self.workers > 0 and not self._awaited:
            context = multiprocessing.get_context(self.start)
            started = (os.getpid(), self.parent_handles_signals)
            self._awaited = [_AwaitedWorker(context, started) for _ in range(self.workers)]
        if not self._awaited:
            return function(*args)
        worker = min(self._awaited, key=lambda w: len(w.pending))
        try:
            return await worker.call(function, args)
        except _WorkerDied:
            if self._awaited:
                self._close_awaited()
                self._broken("extracting")
            return function(*args)

    def _close_awaited(self) -> None:
        workers, self._awaited = self._awaited, []
        for worker in workers:
            worker.close()

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
        self._close_awaited()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_DONE = object()
_LENGTH = struct.Struct("!Q")


class _WorkerDied(Exception):
    """The worker process went away with calls pending."""


class _AwaitedWorker:
    """One worker process at the far end of a socket pair, called from the event loop.

    Calls are written as length-prefixed pickles; the worker answers them in order, so results
    resolve the oldest pending future. The loop's transport buffers what the socket cannot take
    yet: a call never blocks the loop.
    """

    def __init__(self, context: Any, started: tuple[int, bool]) -> None:
        ours, theirs = socket.socketpair()
        self.process = context.Process(target=_serve, args=(theirs, *started), daemon=True)
        self.process.start()
        theirs.close()
        self._socket: socket.socket | None = ours
        self.pending: deque[asyncio.Future[Any]] = deque()
        self._connecting: asyncio.Future[None] | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None

    async def call(self, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._connect())
        await self._connecting  # once, whichever call comes first
        if self._writer is None or self._writer.is_closing():
            raise _WorkerDied
        data = pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        self._writer.write(_LENGTH.pack(len(data)) + data)
        ok, value = await future
        if not ok:
            raise value
        return value

    async def _connect(self) -> None:
        if self._socket is None:
            return
        reader, self._writer = await asyncio.open_connection(sock=self._socket)
        self._reading = asyncio.ensure_future(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                (size,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
                answer = pickle.loads(await reader.readexactly(size))
                future = self.pending.popleft()
                if not future.done():
                    future.set_result(answer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass  # the worker is gone (killed, out of memory) or we closed it
        finally:
            while self.pending:
                future = self.pending.popleft()
                if not future.done():
                    future.set_exception(_WorkerDied())

    def close(self) -> None:
        """End the worker: it leaves when its socket closes; killed if it does not."""
        if self._socket is not None:
            # At once, not when the loop next runs: the worker sees the end of its input now.
            with contextlib.suppress(OSError):  # already disconnected
                self._socket.shutdown(socket.SHUT_RDWR)
            try:
                if self._writer is None:
                    raise RuntimeError("never connected")
                self._writer.close()
            except RuntimeError:  # no writer, or its event loop is closed already
                self._socket.close()
        self._socket = None
        if self._reading is not None and not self._reading.done():
            with contextlib.suppress(RuntimeError):  # its loop is closed: nothing runs it
                self._reading.cancel()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(sock: socket.socket, parent: int, parent_handles_signals: bool) -> None:
    """A worker's loop: read a call, answer (True, result) or (False, exception), until EOF."""
    _worker_started(parent, parent_handles_signals)
    with contextlib.suppress(ConnectionError):  # the parent went away: so does the worker
        _answer_calls(sock)


def _answer_calls(sock: socket.socket) -> None:
    stream = sock.makefile("rb")
    while True:
        header = stream.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            return
        (size,) = _LENGTH.unpack(header)
        function, args = pickle.loads(stream.read(size))
        try:
            answer: tuple[bool, Any] = (True, function(*args))
        except Exception as exc:  # the caller gets it, as from a local call
            answer = (False, exc)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot travel is an error the caller sees
            data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        sock.sendall(_LENGTH.pack(len(data)) + data)


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
