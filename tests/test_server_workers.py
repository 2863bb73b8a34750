"""The worker pool behind the server: jobs run in forked processes that can be stopped."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from strategykg.workers import JobFailed, JobTimeout, WorkerPool


def handler(op: str, args: tuple) -> object:
    if op == "sleep":
        time.sleep(args[0])
    if op == "fail":
        raise ValueError("no such thing")
    return os.getpid()


@pytest.fixture
def pool():
    made = WorkerPool(handler, size=1)  # forks now, before any event loop
    yield made
    made.close()


def gone(pid: int) -> bool:
    """Whether pid has exited (waiting, without judging speed, for the kernel to reap it)."""
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not Path(f"/proc/{pid}").exists()


def test_a_big_job_runs_beside_the_pool_and_its_worker_is_stopped_after(pool):
    async def story() -> tuple[int, int, bool]:
        big = asyncio.create_task(pool.run_apart("sleep", (1.5,), 30))
        await asyncio.sleep(0.3)
        query = await pool.run("pid", (), 30)  # the only pool worker was free all along
        still_running = not big.done()
        return await big, query, still_running

    apart, query, still_running = asyncio.run(story())
    assert still_running
    assert apart != query
    assert gone(apart)
    assert Path(f"/proc/{query}").exists()  # the pool worker lives on


def test_a_failing_job_reports_its_error_and_the_worker_serves_on(pool):
    async def story() -> tuple[str, int, int]:
        with pytest.raises(JobFailed) as failure:
            await pool.run("fail", (), 30)
        first = await pool.run("pid", (), 30)
        second = await pool.run("pid", (), 30)
        return str(failure.value), first, second

    message, first, second = asyncio.run(story())
    assert message == "ValueError: no such thing"
    assert first == second  # the same worker: an error in a job is not a crash


def test_a_job_past_its_limit_is_stopped_with_its_worker_and_replaced(pool):
    async def story() -> tuple[int, int]:
        before = await pool.run("pid", (), 30)
        with pytest.raises(JobTimeout):
            await pool.run("sleep", (60,), 0.5)
        after = await pool.run("pid", (), 30)
        return before, after

    before, after = asyncio.run(story())
    assert before != after
    assert gone(before)
