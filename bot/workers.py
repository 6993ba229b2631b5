"""Long-lived tasks under supervision: a failure is logged, counted and outlived.

A bare ``asyncio.create_task`` that raises ends quietly: its exception waits for someone
to look, and whatever the task did (editing cards, polling a legacy API, keeping the
report writer's process alive) stops for good while the rest of the bot looks fine.
Every background task of the bot is therefore a :class:`Worker`: an exception is logged
with its traceback, counted, and the task starts again after a back-off that grows while
it keeps failing. /health reads each worker's state (:class:`Workers`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from provider.logs import log_event

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds between attempts: `first`, times `factor` per failure in a row, at most
    `longest`. A run that lasted `reset_after` seconds counts as a recovery: the next
    failure waits `first` again."""

    first: float = 1.0
    longest: float = 30.0
    factor: float = 2.0
    reset_after: float = 60.0

    def delay(self, failures_in_a_row: int) -> float:
        """The wait before the next attempt, after this many failures in a row (from 1)."""
        exponent = max(failures_in_a_row - 1, 0)
        # min() first: factor ** exponent overflows a float after ~1000 failures.
        return min(self.longest, self.first * self.factor ** min(exponent, 64))


class WorkerState(StrEnum):
    RUNNING = "running"
    RESTARTING = "restarting"
    """It failed and waits out its back-off before the next start."""
    DONE = "done"
    """A one-off job that finished (e.g. the command menu, registered)."""
    STOPPED = "stopped"
    """Not running and not coming back: stopped (at shutdown, or by force)."""


class Worker:
    """One supervised task. `run` is started again after each failure; a `once` job that
    returns is done, a long-lived one that returns is a failure like any other (it was
    meant to run until stopped)."""

    def __init__(
        self,
        name: str,
        run: Callable[[], Awaitable[None]],
        *,
        backoff: Backoff,
        once: bool = False,
    ) -> None:
        self.name = name
        self._run = run
        self._backoff = backoff
        self._once = once
        self._task: asyncio.Task[None] | None = None
        self.state = WorkerState.STOPPED
        self.failures = 0
        """Failures since the bot started (each one logged with its traceback)."""
        self.last_error: str | None = None
        """The last failure's exception type (details are in the log)."""

    def start(self) -> None:
        """Run it (again): a stopped worker is started, a running one left alone."""
        if self._task is None or self._task.done():
            self.state = WorkerState.RUNNING
            self._task = asyncio.create_task(self._supervise(), name=self.name)

    async def stop(self) -> None:
        """Cancel it and wait until it has ended; it stays stopped until :meth:`start`."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.state is not WorkerState.DONE:
            self.state = WorkerState.STOPPED

    async def _supervise(self) -> None:
        in_a_row = 0
        try:
            while True:
                self.state = WorkerState.RUNNING
                started = time.monotonic()
                try:
                    await self._run()
                except Exception as exc:  # the point of a supervisor: outlive any of them
                    error: BaseException = exc
                else:
                    if self._once:
                        self.state = WorkerState.DONE
                        return
                    error = RuntimeError(f"worker {self.name} returned; it should run on")
                if time.monotonic() - started >= self._backoff.reset_after:
                    in_a_row = 0
                in_a_row += 1
                self.failures += 1
                self.last_error = type(error).__name__
                delay = self._backoff.delay(in_a_row)
                self.state = WorkerState.RESTARTING
                log.error(
                    "event=worker_failed worker=%s failures=%d in_a_row=%d retry_in_s=%.2f",
                    self.name,
                    self.failures,
                    in_a_row,
                    delay,
                    exc_info=error,
                )
                await asyncio.sleep(delay)
                log_event(log, "worker_restarted", worker=self.name, failures=self.failures)
        finally:
            if self.state is not WorkerState.DONE:
                self.state = WorkerState.STOPPED


class Workers:
    """The bot's workers by name, for starting and stopping them together and for /health."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self._workers: dict[str, Worker] = {}
        self._owned: list[Worker] = []

    def start(self, name: str, run: Callable[[], Awaitable[None]], *, once: bool = False) -> Worker:
        """A new worker, started now, stopped by :meth:`stop`."""
        worker = Worker(name, run, backoff=self.backoff, once=once)
        self.watch(worker)
        self._owned.append(worker)
        worker.start()
        return worker

    def watch(self, worker: Worker) -> None:
        """List a worker that something else starts and stops (for /health)."""
        if worker.name in self._workers:
            raise ValueError(f"a worker named {worker.name!r} exists already")
        self._workers[worker.name] = worker

    def __getitem__(self, name: str) -> Worker:
        return self._workers[name]

    def __iter__(self) -> Iterator[Worker]:
        return iter(list(self._workers.values()))

    async def stop(self) -> None:
        """Stop the workers started here, the newest first."""
        for worker in reversed(self._owned):
            await worker.stop()
