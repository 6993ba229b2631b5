"""Wiring: everything the bot runs, opened in order and closed in reverse.

`running_desk` is the one wiring, used by `python -m bot` and by the tests alike: the
database, the platform's clients, the services, the status pipeline and the dispatcher.
What is outside the services comes in from the entry point: the router tree (handlers
depend on bot, not the other way round) and the emulators' URLs (starting the playground
or the sandbox is the entry point's business).

Nothing here waits for Telegram: the receiver, the report writer, the poller and the
notifier run from the start, the command menus are set in the background (again and
again while Telegram does not answer), and polling's getMe waits for Telegram
(:class:`bot.telegram.outages.WaitForTelegram`). Reports that arrive meanwhile are
stored, and their cards edited once Telegram is back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from aiogram import Bot, Dispatcher, Router
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.strategy import FSMStrategy

from bot.people.access import AccessService
from bot.people.languages import Languages
from bot.reports.notifier import CardNotifier, RateLimiter
from bot.reports.pipeline import Pipeline, status_pipeline
from bot.sending.platform import Platform, open_platform
from bot.sending.resolver import resolve_forever
from bot.sending.service import SendService
from bot.settings import Settings, literal_secrets
from bot.telegram.commands import CommandMenus
from bot.telegram.middlewares import AccessMiddleware, ArrivalMiddleware, I18nMiddleware
from bot.telegram.outages import Reachability
from bot.telegram.session import DEFAULT_TIMEOUT, make_bot
from bot.ui.i18n import Catalogs
from bot.ui.lookups import SendViews
from bot.workers import Backoff, Workers
from provider.legacy.rules import IDENTICAL_REQUEST_WINDOW
from storage import (
    AccountRepository,
    AuditRepository,
    Database,
    InviteRepository,
    KeyValueRepository,
    OperatorRepository,
    OutboxRepository,
    OutsideReportRepository,
    SendRepository,
    StatusRepository,
)
from storage.fsm import SQLiteStorage


@dataclass(frozen=True, slots=True)
class TelegramEndpoint:
    """Where the Bot API is (Telegram, or the playground) and the bot's token there."""

    token: str
    api_url: str
    timeout: float = DEFAULT_TIMEOUT
    """Seconds a Bot API call may take before it counts as unanswered."""


@dataclass(frozen=True, slots=True)
class Stores:
    """The database and its repositories, opened once."""

    db: Database
    sends: SendRepository
    statuses: StatusRepository
    outside_reports: OutsideReportRepository
    audit: AuditRepository
    preferences: KeyValueRepository
    fsm: BaseStorage

    @classmethod
    def of(cls, db: Database) -> Stores:
        return cls(
            db=db,
            sends=SendRepository(db),
            statuses=StatusRepository(db),
            outside_reports=OutsideReportRepository(db),
            audit=AuditRepository(db),
            preferences=KeyValueRepository(db),
            fsm=SQLiteStorage(db),
        )


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers receive besides the update (the dispatcher's workflow data)."""

    platform: Platform
    access: AccessService
    sending: SendService
    views: SendViews
    languages: Languages
    menus: CommandMenus
    flashcall_ttl_minutes: int


@dataclass(frozen=True, slots=True)
class Desk:
    """The running bot: what `running_desk` opened, for polling (and for tests to look at)."""

    settings: Settings
    stores: Stores
    services: Services
    pipeline: Pipeline
    dispatcher: Dispatcher
    bot: Bot
    """The conversations' Bot (waits out flood limits); the cards have one of their own."""
    workers: Workers
    """Every background task, supervised (for /health, and for tests to look at)."""


@asynccontextmanager
async def running_desk(
    settings: Settings,
    telegram: TelegramEndpoint,
    *,
    routers: Router,
    sandbox_url: str | None,
    limiter: RateLimiter | None = None,
    backoff: Backoff | None = None,
) -> AsyncIterator[Desk]:
    """Everything but the polling, running until the block is left. `routers` is the tree of
    conversations (`handlers.setup_routers()`); `sandbox_url` is where the sandbox accounts
    send (None when there are none); `backoff`: the pauses between attempts of whatever
    failed (a worker, a Telegram call; tests make them short)."""
    backoff = backoff or Backoff()
    async with AsyncExitStack() as stack:
        db = await Database.open(
            settings.storage.database_path,
            busy_timeout=settings.storage.database_busy_timeout,
            literal_secrets=literal_secrets(settings),
        )
        stack.push_async_callback(db.close)
        stores = Stores.of(db)
        # The legacy API's minute without identical requests; shorter only where the poll
        # interval is (never in production: it is at least a minute; tests on a faster clock).
        legacy_minute = min(IDENTICAL_REQUEST_WINDOW, settings.provider.legacy_poll_interval)
        platform = await stack.enter_async_context(
            open_platform(
                settings.accounts,
                AccountRepository(db),
                sandbox_url=sandbox_url,
                request_timeout=settings.provider.provider_timeout,
                attempts=settings.provider.provider_attempts,
                identical_window=legacy_minute,
            )
        )
        access = AccessService(
            OperatorRepository(db), InviteRepository(db), settings.telegram.admin_ids
        )
        await access.bootstrap_admins()
        catalogs = Catalogs(
            default=settings.telegram.default_language or "ru", zone=settings.telegram.zone
        )
        languages = Languages(catalogs, stores.preferences, settings.telegram.default_language)
        views = SendViews(platform, stores.sends, stores.statuses, stores.outside_reports)
        reachability = Reachability()
        bot = make_bot(
            telegram.token,
            telegram.api_url,
            wait_out_flood_limits=True,
            timeout=telegram.timeout,
            reachability=reachability,
            wait_for_telegram=backoff,
        )
        stack.push_async_callback(bot.session.close)
        cards_bot = make_bot(
            telegram.token,
            telegram.api_url,
            wait_out_flood_limits=False,
            timeout=telegram.timeout,
            reachability=reachability,
        )
        stack.push_async_callback(cards_bot.session.close)
        workers = Workers(backoff)
        stack.push_async_callback(workers.stop)  # before the sessions and the database close
        notifier = CardNotifier(
            cards_bot,
            OutboxRepository(db),
            stores.sends,
            views,
            access,
            languages,
            limiter=limiter,
            backoff=backoff,
        )
        pipeline = await stack.enter_async_context(
            status_pipeline(
                settings,
                db=db,
                platform=platform,
                notifier=notifier,
                telegram=cards_bot,
                workers=workers,
                reachability=reachability,
            )
        )
        sending = SendService(
            platform,
            stores.sends,
            stores.audit,
            report_urls=pipeline.report_urls,
            on_card_posted=notifier.card_posted,
            default_region=settings.provider.default_region,
        )
        await sending.recover_interrupted()
        if platform.legacy_accounts:
            interval = settings.provider.legacy_poll_interval
            resolver = workers.start(
                "unknown-resolver", lambda: resolve_forever(sending, interval, legacy_minute)
            )
            stack.push_async_callback(resolver.stop)
        menus = CommandMenus(bot, catalogs, access, languages, backoff=backoff)
        menu_worker = workers.start("command-menu", menus.run)
        stack.push_async_callback(menu_worker.stop)
        services = Services(
            platform=platform,
            access=access,
            sending=sending,
            views=views,
            languages=languages,
            menus=menus,
            flashcall_ttl_minutes=settings.provider.flashcall_ttl_minutes,
        )
        dispatcher = create_dispatcher(services, stores.fsm, routers)
        yield Desk(settings, stores, services, pipeline, dispatcher, bot, workers)


def create_dispatcher(services: Services, fsm: BaseStorage, routers: Router) -> Dispatcher:
    """The dispatcher with its routers, middlewares and services (as handler parameters)."""
    dp = Dispatcher(
        storage=fsm,
        # One form per person per chat: in an on-call group everyone has their own.
        fsm_strategy=FSMStrategy.USER_IN_CHAT,
        # Updates of one person in one chat are handled one at a time: a double tap on ✅
        # finds the form already gone instead of racing it to the platform.
        events_isolation=SimpleEventIsolation(),
        platform=services.platform,
        access=services.access,
        sending=services.sending,
        views=services.views,
        languages=services.languages,
        menus=services.menus,
        flashcall_ttl_minutes=services.flashcall_ttl_minutes,
    )
    # The language on the update itself: the error handlers, which see the update and not
    # the message or the callback query, answer in it too.
    dp.update.outer_middleware(ArrivalMiddleware())
    dp.update.outer_middleware(I18nMiddleware(services.languages))
    access = AccessMiddleware(services.access, services.languages)
    for observer in (dp.message, dp.callback_query):
        observer.outer_middleware(access)
    dp.include_router(routers)
    return dp
