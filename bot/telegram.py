"""Bot API clients: one for the conversations (waits out flood limits), one for the cards."""

from __future__ import annotations

import asyncio
import logging

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
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    if wait_out_flood_limits:
        session.middleware(RetryAfterMiddleware())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
