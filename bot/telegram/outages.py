"""Telegram being away: which failures say so, waiting for it, knowing whether it answers.

A call can fail because Telegram (or the way to it) is not answering as the Bot API -
no connection, no answer in time, a 5xx, or a load balancer's HTML page, which aiogram
cannot decode (``ClientDecodeError``, not ``TelegramServerError``) - or because Telegram
refuses the call itself (4xx). Only the first is worth the same call again later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramServerError,
)
from aiogram.methods import GetMe, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.workers import Backoff
from provider.logs import log_event

log = logging.getLogger(__name__)

T = TypeVar("T")

FRESH_FOR: Final = 30.0
"""Seconds a call's outcome tells whether Telegram answers; older, /health asks getMe (at
most this often, whatever the rate of /health requests)."""
PROBE_TIMEOUT: Final = 5.0
"""Seconds /health's getMe may take: a monitoring system wants an answer, not a hang."""


def is_unreachable(exc: BaseException) -> bool:
    """The call failed because Telegram did not answer as the Bot API: try again later."""
    return isinstance(exc, TelegramNetworkError | TelegramServerError | ClientDecodeError)


def describe(exc: BaseException) -> str:
    """One line about a failed call for logs and storage: the exception's type and the
    first line of its text (a decode error goes on with the whole page it got)."""
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


async def until_answered(call: Callable[[], Awaitable[T]], *, backoff: Backoff, what: str) -> T:
    """`call()`, again after a growing pause each time Telegram does not answer; any
    other failure is raised. Cancel it to give up."""
    in_a_row = 0
    while True:
        try:
            return await call()
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            in_a_row += 1
            delay = backoff.delay(in_a_row)
            log_event(
                log,
                "telegram_unreachable",
                level=logging.WARNING,
                call=what,
                attempt=in_a_row,
                retry_in_s=f"{delay:.2f}",
                error=describe(exc),
            )
        await asyncio.sleep(delay)


class WaitForTelegram(BaseRequestMiddleware):
    """getMe, the first call of polling, is asked again until Telegram answers: a bot started
    while Telegram is away waits for it (receiving and storing reports meanwhile) instead
    of exiting. Polling's own getUpdates loop has aiogram's back-off."""

    def __init__(self, backoff: Backoff) -> None:
        self._backoff = backoff

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ != GetMe.__api_method__:
            return await make_request(bot, method)
        return await until_answered(
            lambda: make_request(bot, method), backoff=self._backoff, what="getMe"
        )


class Reachability(BaseRequestMiddleware):
    """Whether Telegram answers, as the bot's own calls found (any answer of the Bot API,
    a refusal included, says it does); for /health, which must not call Telegram for
    every request it gets."""

    def __init__(self, *, fresh_for: float = FRESH_FOR) -> None:
        self._fresh_for = fresh_for
        self._answered: bool | None = None
        self._at = 0.0
        self._probed_at: float | None = None
        self._probing = asyncio.Lock()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            response = await make_request(bot, method)
        except Exception as exc:
            self._record(not is_unreachable(exc))
            raise
        self._record(True)
        return response

    def _record(self, answered: bool) -> None:
        self._answered, self._at = answered, time.monotonic()

    async def state(self, bot: Bot) -> tuple[str, float | None]:
        """ "ok", "unavailable" or "unknown" (nothing asked yet), and how many seconds ago
        the call it is taken from ended. A stale outcome is refreshed with a getMe through
        `bot` (whose session records it here), at most every `fresh_for` seconds."""
        if self._stale():
            async with self._probing:
                now = time.monotonic()
                due = self._probed_at is None or now - self._probed_at >= self._fresh_for
                if self._stale() and due:
                    self._probed_at = now
                    try:
                        await bot.get_me(request_timeout=int(PROBE_TIMEOUT))
                    except Exception as exc:  # the outcome is what is wanted, not the error
                        log_event(log, "telegram_probe_failed", error=describe(exc))
        if self._answered is None:
            return "unknown", None
        age = round(time.monotonic() - self._at, 1)
        return ("ok" if self._answered else "unavailable"), age

    def _stale(self) -> bool:
        return self._answered is None or time.monotonic() - self._at >= self._fresh_for
