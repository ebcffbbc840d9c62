"""The extraction pool as the crawl awaits it: results, errors, a dying worker, shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import pytest

from humas_crawler.extract.workers import WorkerPool
from tests.helpers import pool_jobs


def _gather(pool: WorkerPool, calls: list[tuple]) -> list:
    async def main() -> list:
        return await asyncio.gather(*(pool.run(*call) for call in calls))

    return asyncio.run(main())


def test_calls_run_in_a_worker_and_answer_in_order() -> None:
    big = "x" * 300_000  # larger than a socket buffer: the loop sends it in pieces
    with WorkerPool(1) as pool:
        answers = _gather(pool, [(pool_jobs.echo, i) for i in range(50)] + [(pool_jobs.echo, big)])
    pids = {pid for pid, _ in answers}
    assert [value for _, value in answers] == [*range(50), big]
    assert len(pids) == 1 and os.getpid() not in pids


def test_without_workers_calls_run_inline() -> None:
    with WorkerPool(0) as pool:
        [(pid, value)] = _gather(pool, [(pool_jobs.echo, "a")])
    assert (pid, value) == (os.getpid(), "a")


def test_an_error_reaches_the_caller_and_the_worker_goes_on() -> None:
    with WorkerPool(1) as pool:

        async def main() -> tuple:
            with pytest.raises(ValueError, match="broken page"):
                await pool.run(pool_jobs.fail, "broken page")
            with pytest.raises(RuntimeError, match="pickle"):
                await pool.run(pool_jobs.unpicklable)
            return await pool.run(pool_jobs.echo, "after")

        pid, value = asyncio.run(main())
    assert value == "after" and pid != os.getpid()


@pytest.mark.slow
def test_a_killed_worker_leaves_its_calls_to_this_process(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="humas_crawler.extract.workers")
    with WorkerPool(1) as pool:

        async def main() -> tuple:
            worker, _ = await pool.run(pool_jobs.echo, 0)
            # Calls in flight when the worker is killed (out of memory, `kill -9`): answered.
            pending = [asyncio.ensure_future(pool.run(pool_jobs.slow_echo, 0.3, i)) for i in (1, 2)]
            await asyncio.sleep(0.1)
            os.kill(worker, signal.SIGKILL)
            answers = await asyncio.gather(*pending)
            return worker, answers, await pool.run(pool_jobs.echo, 3)

        worker, answers, later = asyncio.run(main())
    here = os.getpid()
    assert worker != here
    assert answers == [(here, 1), (here, 2)] and later == (here, 3)
    assert "an extraction worker died" in caplog.text
    assert pool.workers == 0


def test_close_ends_the_worker() -> None:
    pool = WorkerPool(1)
    worker, _ = _gather(pool, [(pool_jobs.echo, 0)])[0]
    pool.close()
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
