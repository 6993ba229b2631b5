"""Sends under way, so that stopping the bot lets them finish instead of abandoning them.

A SIGTERM stops polling at once, but a send already pressed is owed its card: the entry
point awaits `InFlight.drain` before it closes the database and the clients. Each send
(the platform call and the card after it) runs inside `InFlight.sending()`; its platform
call goes through `InFlight.call`, which the drain can stop when the grace period is
over: the send is then left unknown (the platform may have it) and its card says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from provider.errors import Outcome, ProviderConnectionError
from provider.logs import log_event

log = logging.getLogger(__name__)

T = TypeVar("T")

STOP_BUDGET = 8.0
"""Seconds a stop may take in all for the sends under way."""
CARD_RESERVE = 2.0
"""Of those, what is kept for writing down and posting the cards of calls cut short."""


class StoppedBeforeAnswer(ProviderConnectionError):
    """The bot stopped while the platform had the request and had not answered."""

    def __init__(self) -> None:
        super().__init__("the bot stopped before the platform answered", outcome=Outcome.UNKNOWN)


class InFlight:
    def __init__(self) -> None:
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._calls: set[asyncio.Task[Any]] = set()

    @property
    def active(self) -> int:
        return self._active

    @asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        """One send, from the platform call to its card posted."""
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if not self._active:
                self._idle.set()

    async def call(self, work: Coroutine[Any, Any, T]) -> T:
        """`work` (a platform call) in a task the drain may stop; stopped, it raises
        `StoppedBeforeAnswer` here while the send itself goes on to record that."""
        task = asyncio.ensure_future(work)
        self._calls.add(task)
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            task.cancel()  # the send itself was cancelled: so is its call
            raise
        finally:
            self._calls.discard(task)
        if task.cancelled():
            raise StoppedBeforeAnswer
        return task.result()

    async def drain(self, budget: float = STOP_BUDGET, reserve: float = CARD_RESERVE) -> int:
        """Wait for the sends under way, at most `budget` seconds in all; platform calls
        still running when only `reserve` is left are stopped, so that their sends are
        written down as unknown and their cards posted. The number of sends that did not
        finish even so (left `submitting`: start-up recovery makes them unknown)."""
        if not self._active:
            return 0
        log_event(log, "sends_draining", sends=self._active, budget=budget)
        if await self._idle_within(max(0.0, budget - reserve)):
            return 0
        stopped = [task for task in self._calls if not task.done()]
        for task in stopped:
            task.cancel()
        log_event(log, "sends_stopped", level=logging.WARNING, calls=len(stopped))
        if await self._idle_within(reserve):
            return 0
        log_event(log, "sends_abandoned", level=logging.WARNING, sends=self._active)
        return self._active

    async def _idle_within(self, seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True
