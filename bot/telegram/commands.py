"""The command menu Telegram shows beside the message field: everyone's, and each
operator's own (in their language, with only what their role may do).

Telegram picks a menu by scope and language: a private chat's own menu
(``BotCommandScopeChat``) before the bot's default, each in the app's language before
the one without a language. So each operator's private chat gets a menu per app language
the bot speaks (ru, en) and one without: all in the language they chose with /lang, or,
without a choice, each in the app's language, as the bot answers them. Strangers, and
operators whose menu is not set yet, see the default menu.

Menus are set in the background (:meth:`CommandMenus.run`, the ``command-menu`` worker):
at start-up the default one and every operator's, then each person's again when their
role or language changes. While Telegram does not answer, the same call is made again
later; a chat Telegram does not know (an operator who never opened the bot: Telegram
forbids a menu for a chat that does not exist) is left until they press START (/start).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.people.access import AccessService
from bot.people.languages import Languages
from bot.telegram.outages import describe, until_answered
from bot.ui.i18n import LANGUAGES, Catalogs
from bot.workers import Backoff
from provider.logs import log_event
from storage import Role

log = logging.getLogger(__name__)

VIEWING = ("status", "history", "trace")
SENDING = ("send", "sms", "flashcall", "voicecode", "cascade")
ADMINISTERING = ("operators", "grant", "revoke", "invite", "invites")
PERSONAL = ("lang", "tz", "help")

ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.VIEWER: (*VIEWING, *PERSONAL),
    Role.OPERATOR: (*SENDING, *VIEWING, "cancel", *PERSONAL),
    Role.ADMIN: (*SENDING, *VIEWING, "cancel", *ADMINISTERING, *PERSONAL),
}
DEFAULT_COMMANDS = ROLE_COMMANDS[Role.OPERATOR]
"""The menu of whoever has none of their own: what most of the team does."""
APP_LANGUAGES: tuple[str | None, ...] = (*LANGUAGES, None)
"""The app languages a personal menu is set for; None: every other one."""


def menu(catalogs: Catalogs, language: str, commands: tuple[str, ...]) -> list[BotCommand]:
    t = catalogs.get(language)
    return [BotCommand(command=c, description=t.plain("command-" + c)) for c in commands]


async def register_commands(bot: Bot, catalogs: Catalogs) -> None:
    """The default menu in every language (Telegram picks by the user's app language)."""
    for language in LANGUAGES:
        commands = menu(catalogs, language, DEFAULT_COMMANDS)
        await bot.set_my_commands(commands, BotCommandScopeDefault(), language_code=language)
    await bot.set_my_commands(
        menu(catalogs, catalogs.default, DEFAULT_COMMANDS), BotCommandScopeDefault()
    )


class CommandMenus:
    """Keeps every operator's own menu in step with their role and language."""

    def __init__(
        self,
        bot: Bot,
        catalogs: Catalogs,
        access: AccessService,
        languages: Languages,
        *,
        backoff: Backoff,
    ) -> None:
        self._bot = bot
        self._catalogs = catalogs
        self._access = access
        self._languages = languages
        self._backoff = backoff
        self._pending: dict[int, None] = {}
        """People whose menu is owed, in the order they were asked for, each once."""
        self._wake = asyncio.Event()
        access.on_role_change(self.refresh)
        languages.on_choice(self.refresh)

    def refresh(self, user_id: int) -> None:
        """Set this person's menu again, soon (it is their role's, or none when they have
        no role)."""
        self._pending[user_id] = None
        self._wake.set()

    async def run(self) -> None:
        """The worker: the default menu and every operator's, then each one owed."""
        await until_answered(
            lambda: register_commands(self._bot, self._catalogs),
            backoff=self._backoff,
            what="setMyCommands",
        )
        for operator in await self._access.list_operators():
            self._pending.setdefault(operator.user_id, None)
        while True:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            user_id = next(iter(self._pending))
            # Asked for again while it is set: set once more after, with what is stored then.
            del self._pending[user_id]
            try:
                await self._set(user_id)
            except BaseException:
                self._pending.setdefault(user_id, None)  # still owed when the worker restarts
                raise

    async def _set(self, user_id: int) -> None:
        operator = await self._access.operator(user_id)
        scope = BotCommandScopeChat(chat_id=user_id)
        try:
            for app_language in APP_LANGUAGES:
                if operator is None:
                    call = partial(self._bot.delete_my_commands, scope, app_language)
                    await until_answered(call, backoff=self._backoff, what="deleteMyCommands")
                    continue
                language = await self._languages.menu_language(user_id, app_language)
                commands = menu(self._catalogs, language, ROLE_COMMANDS[operator.role])
                call = partial(self._bot.set_my_commands, commands, scope, app_language)
                await until_answered(call, backoff=self._backoff, what="setMyCommands")
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            # The chat does not exist yet (or the person blocked the bot): /start sets it.
            log_event(log, "command_menu_skipped", user_id=user_id, error=describe(exc))
            return
        role = operator.role.value if operator is not None else "none"
        log_event(log, "command_menu_set", user_id=user_id, role=role)
