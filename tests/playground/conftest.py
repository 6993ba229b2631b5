"""Fixtures: a running playground, an aiogram Bot pointed at it, a polling echo bot."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import httpx
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from playground import Playground, PlaygroundConfig
from tests.helpers import polling_in_background
from tests.playground.support import LoopbackSession, echo_router


@pytest.fixture(scope="session")
def tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~90 ms per httpx client; loopback HTTP never uses it.
    return ssl.create_default_context()


@pytest.fixture
async def pg() -> AsyncIterator[Playground]:
    """A running playground (flood control off, the Operator user present)."""
    async with Playground(PlaygroundConfig()).running(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
async def bot(pg: Playground) -> AsyncIterator[Bot]:
    """aiogram's real Bot and aiohttp session, talking HTTP to the playground."""
    session = LoopbackSession(api=TelegramAPIServer.from_base(pg.base_url))
    bot = Bot(pg.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        yield bot
    finally:
        await session.close()


@pytest.fixture
async def http(pg: Playground, tls_context: ssl.SSLContext) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the people's API, sending this run's token as the page does."""
    async with httpx.AsyncClient(
        base_url=pg.base_url, timeout=5.0, verify=tls_context, headers=pg.api_headers
    ) as client:
        yield client


@pytest.fixture
async def echo_bot(bot: Bot) -> AsyncIterator[Dispatcher]:
    """The echo bot polling the playground like production (one update at a time, so a
    confirmed update is a processed one)."""
    dp = Dispatcher()
    dp.include_router(echo_router())
    async with polling_in_background(
        dp, bot, handle_signals=False, handle_as_tasks=False, polling_timeout=5
    ):
        yield dp
