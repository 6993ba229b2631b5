"""The supervisor of the bot's background tasks: a failure is logged with its traceback,
counted and outlived (started again after a growing back-off); a one-off job ends done;
a worker stopped stays stopped until started."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.workers import Backoff, Worker, Workers, WorkerState

QUICK = Backoff(first=0.02, longest=0.08, factor=2.0, reset_after=5.0)


class Flaky:
    """Fails its first `failures` runs, then runs until cancelled; records when each run
    started."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.starts: list[float] = []
        self.running = asyncio.Event()

    async def __call__(self) -> None:
        self.starts.append(time.monotonic())
        if len(self.starts) <= self.failures:
            raise RuntimeError(f"failure {len(self.starts)}")
        self.running.set()
        await asyncio.Event().wait()


def test_the_back_off_doubles_up_to_its_longest() -> None:
    backoff = Backoff(first=1.0, longest=30.0)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay(10_000) == 30.0


async def test_a_failing_worker_is_logged_counted_and_started_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = Flaky(failures=4)
    worker = Worker("flaky", run, backoff=QUICK)

    worker.start()
    async with asyncio.timeout(5):
        await run.running.wait()

    assert worker.state is WorkerState.RUNNING
    assert (worker.failures, worker.last_error) == (4, "RuntimeError")
    failures = [r for r in caplog.records if "event=worker_failed worker=flaky" in r.getMessage()]
    assert len(failures) == 4
    assert all(r.levelno == logging.ERROR and r.exc_info for r in failures)
    # 0.02, 0.04, 0.08, then at most 0.08: the pauses grow.
    gaps = [b - a for a, b in zip(run.starts, run.starts[1:], strict=False)]
    for gap, wanted in zip(gaps, [0.02, 0.04, 0.08, 0.08], strict=True):
        assert gap >= wanted
    await worker.stop()
    assert [worker.state] == [WorkerState.STOPPED]


async def test_a_one_off_job_that_finishes_is_done() -> None:
    calls = 0

    async def job() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("not yet")

    worker = Worker("job", job, backoff=QUICK, once=True)
    worker.start()
    async with asyncio.timeout(5):
        while True:
            if worker.state is WorkerState.DONE:
                break
            await asyncio.sleep(0.01)  # polling its state, bounded by the deadline

    assert (calls, worker.failures) == (2, 1)
    await worker.stop()
    assert worker.state is WorkerState.DONE


async def test_a_long_lived_worker_that_returns_is_started_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    returned = 0
    again = asyncio.Event()

    async def loop() -> None:
        nonlocal returned
        returned += 1
        if returned > 1:
            again.set()
            await asyncio.Event().wait()

    worker = Worker("loop", loop, backoff=QUICK)
    worker.start()
    async with asyncio.timeout(5):
        await again.wait()

    assert worker.failures == 1
    assert "returned; it should run on" in caplog.text
    await worker.stop()


async def test_a_worker_stopped_stays_stopped_until_started() -> None:
    workers = Workers(QUICK)
    run = Flaky(failures=0)
    worker = workers.start("steady", run)
    async with asyncio.timeout(5):
        await run.running.wait()

    await worker.stop()
    assert [w.state for w in workers] == [WorkerState.STOPPED]
    run.running.clear()
    worker.start()
    async with asyncio.timeout(5):
        await run.running.wait()
    assert workers["steady"].state is WorkerState.RUNNING
    await workers.stop()
    assert worker.state is WorkerState.STOPPED
    assert len(run.starts) == 2
