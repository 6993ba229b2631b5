"""Wiring: the long-lived services and the dispatcher, shared by `python -m bot` and tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.strategy import FSMStrategy
from aiogram.types import BotCommand, BotCommandScopeDefault

from bot.people.access import AccessService
from bot.people.languages import Languages
from bot.sending.platform import Platform, open_platform
from bot.sending.service import SendService
from bot.settings import Settings
from bot.telegram.middlewares import AccessMiddleware, I18nMiddleware
from bot.ui.i18n import LANGUAGES, Catalogs
from bot.ui.lookups import SendViews
from bot.ui.timefmt import TimeFormat
from handlers import setup_routers
from storage import (
    AccountRepository,
    AuditRepository,
    Database,
    InviteRepository,
    KeyValueRepository,
    OperatorRepository,
    OutsideReportRepository,
    SendRepository,
    StatusRepository,
)
from storage.fsm import SQLiteStorage

COMMANDS = (
    "send",
    "sms",
    "flashcall",
    "cascade",
    "status",
    "history",
    "trace",
    "cancel",
    "lang",
    "help",
)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers receive besides the update: opened once, closed once."""

    db: Database
    platform: Platform
    access: AccessService
    sending: SendService
    sends: SendRepository
    statuses: StatusRepository
    outside_reports: OutsideReportRepository
    audit: AuditRepository
    preferences: KeyValueRepository
    catalogs: Catalogs
    fsm_storage: BaseStorage
    views: SendViews
    languages: Languages


def literal_secrets(settings: Settings) -> list[str]:
    """What the storage scrubber removes wherever it appears: passwords and the bot token."""
    secrets = [a.password.get_secret_value() for a in settings.accounts if not a.is_sandbox]
    if settings.telegram.bot_token is not None:
        secrets.append(settings.telegram.bot_token.get_secret_value())
    return secrets


@asynccontextmanager
async def open_services(settings: Settings, *, sandbox_url: str | None) -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        db = await Database.open(
            settings.storage.database_path,
            busy_timeout=settings.storage.database_busy_timeout,
            literal_secrets=literal_secrets(settings),
        )
        stack.push_async_callback(db.close)
        platform = await stack.enter_async_context(
            open_platform(
                settings.accounts,
                AccountRepository(db),
                sandbox_url=sandbox_url,
                request_timeout=settings.provider.provider_timeout,
                attempts=settings.provider.provider_attempts,
            )
        )
        sends = SendRepository(db)
        statuses = StatusRepository(db)
        outside = OutsideReportRepository(db)
        audit = AuditRepository(db)
        access = AccessService(
            OperatorRepository(db), InviteRepository(db), settings.telegram.admin_ids
        )
        await access.bootstrap_admins()
        catalogs = Catalogs(default=settings.telegram.default_language or "ru")
        preferences = KeyValueRepository(db)
        yield Services(
            db=db,
            platform=platform,
            access=access,
            sending=SendService(platform, sends, audit),
            sends=sends,
            statuses=statuses,
            outside_reports=outside,
            audit=audit,
            preferences=preferences,
            catalogs=catalogs,
            fsm_storage=SQLiteStorage(db),
            views=SendViews(platform, sends, statuses, outside, TimeFormat(settings.telegram.zone)),
            languages=Languages(catalogs, preferences, settings.telegram.default_language),
        )


def create_dispatcher(settings: Settings, services: Services) -> Dispatcher:
    """The dispatcher with its routers, middlewares and services (as handler parameters)."""
    dp = Dispatcher(
        storage=services.fsm_storage,
        # One form per person per chat: in an on-call group everyone has their own.
        fsm_strategy=FSMStrategy.USER_IN_CHAT,
        # Updates of one person in one chat are handled one at a time: a double tap on ✅
        # finds the form already gone instead of racing it to the platform.
        events_isolation=SimpleEventIsolation(),
        platform=services.platform,
        access=services.access,
        sending=services.sending,
        sends=services.sends,
        statuses=services.statuses,
        outside_reports=services.outside_reports,
        audit=services.audit,
        preferences=services.preferences,
        catalogs=services.catalogs,
        languages=services.languages,
        views=services.views,
        flashcall_ttl_minutes=settings.provider.flashcall_ttl_minutes,
    )
    i18n = I18nMiddleware(services.languages)
    access = AccessMiddleware(services.access)
    for observer in (dp.message, dp.callback_query):
        observer.outer_middleware(i18n)
        observer.outer_middleware(access)
    dp.include_router(setup_routers())
    return dp


async def register_commands(bot: Bot, catalogs: Catalogs) -> None:
    """The command menu in every language (Telegram picks by the user's app language)."""
    for language in LANGUAGES:
        t = catalogs.get(language)
        commands = [BotCommand(command=c, description=t("command-" + c)) for c in COMMANDS]
        await bot.set_my_commands(commands, BotCommandScopeDefault(), language_code=language)
    t = catalogs.get(catalogs.default)
    await bot.set_my_commands(
        [BotCommand(command=c, description=t("command-" + c)) for c in COMMANDS],
        BotCommandScopeDefault(),
    )
