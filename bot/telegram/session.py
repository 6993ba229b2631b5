"""Bot API clients: one for the conversations (waits out flood limits), one for the cards."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.telegram.outages import Reachability, WaitForTelegram
from bot.workers import Backoff

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0
"""aiogram's own: seconds a Bot API call may take (getUpdates: on top of its long poll)."""


class AnswerTime:
    """When the Bot API's answer to a call was read (:func:`timed_answer`)."""

    def __init__(self) -> None:
        self.at: float | None = None
        """``time.monotonic()`` once read; None if no answer came (a network error)."""


_ANSWER: ContextVar[AnswerTime | None] = ContextVar("bot_api_answer", default=None)


@contextmanager
def timed_answer() -> Iterator[AnswerTime]:
    """Calls made inside record when their answer was read, before aiogram parses it.

    Telegram counted the call by then at the latest, so a caller spacing its calls to a
    chat (the card notifier) can start counting there instead of after the parsing,
    the logging and the task's turn on the loop (~1 ms a call on a slow host).
    """
    answer = AnswerTime()
    token = _ANSWER.set(answer)
    try:
        yield answer
    finally:
        _ANSWER.reset(token)


class TimedAiohttpSession(AiohttpSession):
    """aiogram's session, recording answers for :func:`timed_answer`."""

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        # Called as soon as the whole answer is read, before it is parsed.
        answer = _ANSWER.get()
        if answer is not None:
            answer.at = time.monotonic()
        return super().check_response(
            bot=bot, method=method, status_code=status_code, content=content
        )


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Telegram said "too many requests, retry after N": wait N seconds and send it again.

    An operator's reply must arrive, late rather than never; a wait longer than `max_wait`
    is passed on as the error.
    """

    def __init__(self, attempts: int = 3, max_wait: float = 30.0) -> None:
        self._attempts = attempts
        self._max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self._attempts or exc.retry_after > self._max_wait:
                    raise
                log.warning(
                    "event=telegram_retry_after method=%s seconds=%s attempt=%d",
                    type(method).__name__,
                    exc.retry_after,
                    attempt,
                )
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover


def make_bot(
    token: str,
    api_url: str,
    *,
    wait_out_flood_limits: bool,
    timeout: float = DEFAULT_TIMEOUT,
    reachability: Reachability | None = None,
    wait_for_telegram: Backoff | None = None,
) -> Bot:
    """A Bot with its own HTTP session against `api_url` (Telegram or the playground).

    The conversations' bot waits out 429s, and (`wait_for_telegram`) asks getMe again
    until Telegram answers; the card notifier's does neither, because it schedules around
    both per chat instead of blocking every chat. `timeout`: seconds a call may take.
    Every call's outcome goes to `reachability` (for /health).
    """
    session = TimedAiohttpSession(api=TelegramAPIServer.from_base(api_url), timeout=timeout)
    # The first registered is the outermost: reachability sees every single attempt.
    if wait_out_flood_limits:
        session.middleware(RetryAfterMiddleware())
    if wait_for_telegram is not None:
        session.middleware(WaitForTelegram(wait_for_telegram))
    if reachability is not None:
        session.middleware(reachability)
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
