"""The bot as a whole, wired like `python -m bot`, talking HTTP to the playground (Telegram)
and to the sandbox (the platform), with its SQLite file in a temporary folder."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Dispatcher
from pydantic import SecretStr

from bot.app import Services, Stores, TelegramEndpoint
from bot.app import running_desk as running_bot
from bot.reports.notifier import RateLimiter
from bot.reports.pipeline import Pipeline
from bot.settings import (
    AccountConfig,
    ProviderApi,
    ProviderSettings,
    ReportSettings,
    Settings,
    StorageSettings,
    TelegramSettings,
)
from handlers import setup_routers
from playground import Playground, PlaygroundConfig
from playground.users import PlaygroundUser
from playground.views import MessageView
from provider.sandbox import RunningSandbox
from tests.helpers import polling_in_background

ADMIN_ID = 1001
SENDERS = ["DeskTest", "Second"]


def make_settings(
    database: Path,
    api_url: str,
    *,
    admins: list[int] | None = None,
    accounts: list[AccountConfig] | None = None,
    language: str | None = None,
) -> Settings:
    return Settings(
        telegram=TelegramSettings(
            _env_file=None,
            bot_token=SecretStr("123456:playground"),
            telegram_api_url=api_url,
            admin_ids=[ADMIN_ID] if admins is None else admins,
            default_language=language,
        ),
        storage=StorageSettings(_env_file=None, database_path=database),
        provider=ProviderSettings(_env_file=None),
        reports=ReportSettings(_env_file=None, reports_listen="127.0.0.1:0"),
        accounts=accounts
        or [AccountConfig(name="sandbox", api=ProviderApi.SANDBOX, senders=SENDERS)],
    )


@dataclass
class Desk:
    """The running bot and the two worlds it talks to."""

    playground: Playground
    sandbox: RunningSandbox
    stores: Stores
    services: Services
    pipeline: Pipeline
    dispatcher: Dispatcher
    settings: Settings

    def user(self, user_id: int, name: str = "Operator", language: str = "en") -> PlaygroundUser:
        return self.playground.user(user_id, name, language_code=language)

    @property
    def admin(self) -> PlaygroundUser:
        return self.user(ADMIN_ID, "Admin")

    async def grant(self, user_id: int, role: str) -> None:
        from storage import Role

        admin = await self.services.access.operator(ADMIN_ID)
        assert admin is not None
        await self.services.access.grant(admin, user_id, Role(role))


@asynccontextmanager
async def running_desk(
    settings: Settings,
    playground: Playground,
    sandbox: RunningSandbox,
    *,
    limiter: RateLimiter | None = None,
    platform_url: str | None = None,
) -> AsyncIterator[Desk]:
    """`platform_url`: where the sandbox accounts send instead of the sandbox's own REST URL
    (a fault proxy in front of it)."""
    stack = AsyncExitStack()
    try:
        telegram = TelegramEndpoint("123456:playground", playground.base_url)
        bot = await stack.enter_async_context(
            running_bot(
                settings,
                telegram,
                routers=setup_routers(),
                sandbox_url=platform_url or sandbox.rest_url,
                limiter=limiter,
            )
        )
        # Updates one after another: a user action is "processed" once the bot confirmed it.
        # Last in, so the first to stop.
        await stack.enter_async_context(
            polling_in_background(
                bot.dispatcher,
                bot.bot,
                handle_signals=False,
                handle_as_tasks=False,
                close_bot_session=False,
                polling_timeout=1,
            )
        )
        yield Desk(
            playground,
            sandbox,
            bot.stores,
            bot.services,
            bot.pipeline,
            bot.dispatcher,
            settings,
        )
    finally:
        # Bounded: a shutdown that hangs fails this test with every task's stack instead of
        # hanging the whole run.
        try:
            async with asyncio.timeout(30):
                await stack.aclose()
        except TimeoutError:
            for task in asyncio.all_tasks():
                task.print_stack(file=sys.stderr)
            raise AssertionError("the bot did not shut down within 30 s") from None


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with Playground(PlaygroundConfig(flood_control=False)).running() as running:
        yield running


@pytest.fixture
async def desk(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> AsyncIterator[Desk]:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    async with running_desk(settings, playground, sandbox) as running:
        yield running


def last_text(messages: list[MessageView]) -> str:
    assert messages, "the bot answered nothing"
    return messages[-1].text


async def typed_into(user: PlaygroundUser, card: MessageView, value: str) -> MessageView:
    """Type a field's new value after its ✏️ button: the card, redrawn in place (the bot
    answers the typed value with a short "changed on the card above")."""
    await user.send_and_wait(value)
    return user.chat.message(card.message_id)
