"""The command menu Telegram shows beside the message field."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault

from bot.ui.i18n import LANGUAGES, Catalogs

COMMANDS = (
    "send",
    "sms",
    "flashcall",
    "voicecode",
    "cascade",
    "status",
    "history",
    "trace",
    "cancel",
    "lang",
    "help",
)


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
