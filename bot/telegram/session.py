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

log = logging.getLogger(__name__)


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


def make_bot(token: str, api_url: str, *, wait_out_flood_limits: bool) -> Bot:
    """A Bot with its own HTTP session against `api_url` (Telegram or the playground).

    The conversations' bot waits out 429s; the card notifier's does not, because it
    schedules around them per chat instead of blocking every chat.
    """
    session = TimedAiohttpSession(api=TelegramAPIServer.from_base(api_url))
    if wait_out_flood_limits:
        session.middleware(RetryAfterMiddleware())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
