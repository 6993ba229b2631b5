"""The bot as a whole, wired like `python -m bot`, talking HTTP to the playground (Telegram)
and to the sandbox (the platform), with its SQLite file in a temporary folder."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.backoff import BackoffConfig
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
from bot.workers import Backoff, Workers
from handlers import setup_routers
from playground import Playground, PlaygroundConfig
from playground.users import PlaygroundUser
from playground.views import MessageView
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from provider.sandbox import RunningSandbox
from storage import Send
from tests.fault_proxy import FaultProxy
from tests.helpers import polling_in_background

ADMIN_ID = 1001
TOKEN = "123456:playground"
TIMEOUT = 10.0
"""Seconds a Bot API call may take: on loopback an answer takes milliseconds (a test of a
call that gets none passes less), and a test should not wait aiogram's minute."""
QUICK_BACKOFF = Backoff(first=0.05, longest=0.5, reset_after=5.0)
"""Pauses between attempts: a test lives seconds, the bot's defaults are made for hours."""
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
            bot_token=SecretStr(TOKEN),
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
    workers: Workers
    bot: Bot
    """The conversations' Bot (for a test to send what the bot would)."""

    def user(self, user_id: int, name: str = "Operator", language: str = "en") -> PlaygroundUser:
        return self.playground.user(user_id, name, language_code=language)

    @property
    def admin(self) -> PlaygroundUser:
        return self.user(ADMIN_ID, "Admin")

    async def report_url(self) -> str:
        """Where the platform posts this bot's reports (the receiver, with its secret)."""
        secret = await self.stores.preferences.get("reports_secret")
        return f"{self.pipeline.local_url}/reports/{secret}"

    async def post_reports(self, *reports: dict[str, Any]) -> httpx.Response:
        """POST reports to the receiver as the platform does (several: one batch)."""
        body: object = reports[0] if len(reports) == 1 else list(reports)
        async with httpx.AsyncClient() as http:
            return await http.post(await self.report_url(), json=body)

    async def sent_card(self, user: PlaygroundUser, phone: str) -> tuple[MessageView, Send]:
        """/sms to `phone`, ✅, and the status card once it shows a report (SEND, or a later
        status when the reports came faster than the card's edits: they are coalesced)."""
        form = (await user.send_and_wait(f"/sms {phone} hi"))[-1]
        await user.click_and_wait("✅", form)
        send = next(s for s in await self.stores.sends.recent_all() if s.destination == phone)
        reported = (": SEND", ": DELIVERED", ": UNDELIVERED")
        await self.playground.wait_for(
            lambda: any(s in user.chat.message(form.message_id).text for s in reported),
            what=f"card #{form.message_id} to show a report",
        )
        return user.chat.message(form.message_id), send

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
    api_url: str | None = None,
    call_timeout: float = TIMEOUT,
    backoff: Backoff = QUICK_BACKOFF,
) -> AsyncIterator[Desk]:
    """The bot against `playground` (or another Bot API URL in front of it: `api_url`, such as
    a fault proxy's). `platform_url`: where the sandbox accounts send instead of the
    sandbox's own REST URL (a fault proxy in front of it). `call_timeout`: seconds a Bot API
    call may take; `backoff`: the pauses between attempts of what failed (polling's
    getUpdates included)."""
    stack = AsyncExitStack()
    try:
        telegram = TelegramEndpoint(TOKEN, api_url or playground.base_url, timeout=call_timeout)
        bot = await stack.enter_async_context(
            running_bot(
                settings,
                telegram,
                routers=setup_routers(),
                sandbox_url=platform_url or sandbox.rest_url,
                limiter=limiter,
                backoff=backoff,
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
                backoff_config=BackoffConfig(
                    min_delay=backoff.first,
                    max_delay=backoff.longest,
                    factor=backoff.factor,
                    jitter=0.0,
                ),
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
            bot.workers,
            bot.bot,
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


@pytest.fixture
async def proxy(playground: Playground) -> AsyncIterator[FaultProxy]:
    """A fault proxy in front of the playground's Bot API."""
    async with FaultProxy(playground.base_url).running() as running:
        yield running


@pytest.fixture
async def proxied_desk(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox, proxy: FaultProxy
) -> AsyncIterator[Desk]:
    """The bot talking to the playground through `proxy` (whose flood control is off: a
    chat's own spacing is short, so that retries come quickly)."""
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    settings.storage.database_busy_timeout = 0.2
    quick = RateLimiter(per_chat=0.05, global_rate=1000.0)
    async with running_desk(
        settings, playground, sandbox, api_url=proxy.url, limiter=quick
    ) as running:
        yield running


def sms_report(send: Send, status: DeliveryStatus, **fields: Any) -> dict[str, Any]:
    """The platform's report on a send of ours (an SMS)."""
    assert send.mt_num is not None
    return DeliveryReport(
        mt_num=send.mt_num,
        status=status,
        type=MessageType.SMS,
        dest_addr=send.destination,
        **fields,
    ).to_json()


def last_text(messages: list[MessageView]) -> str:
    assert messages, "the bot answered nothing"
    return messages[-1].text


async def typed_into(user: PlaygroundUser, card: MessageView, value: str) -> MessageView:
    """Type a field's new value after its ✏️ button: the card, redrawn in place (the bot
    answers the typed value with a short "changed on the card above")."""
    await user.send_and_wait(value)
    return user.chat.message(card.message_id)
