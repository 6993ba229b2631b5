"""Included last: whatever no other handler took."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.telegram.callbacks import FormCallback
from bot.ui.i18n import Translator
from storage import Operator

SENDING_COMMANDS = frozenset({"/send", "/sms", "/flashcall", "/cascade"})
ADMIN_COMMANDS = frozenset({"/operators", "/grant", "/revoke", "/invite", "/invites"})


async def unknown(message: Message, operator: Operator, t: Translator) -> None:
    command = (message.text or "").split()[0].split("@")[0] if message.text else ""
    if command in SENDING_COMMANDS | ADMIN_COMMANDS:
        await message.answer(t("role-not-allowed", role=t("role-" + operator.role.value)))
    elif command.startswith("/"):
        await message.answer(t("unknown-command"))
    else:
        await message.answer(t("no-form"))


async def stale_form(query: CallbackQuery, t: Translator) -> None:
    """A button of a form that is gone: sent, cancelled, replaced, or someone else's."""
    await query.answer(t("form-stale"), show_alert=True)


async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-stale"), show_alert=True)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(unknown)
    router.callback_query.register(stale_form, FormCallback.filter())
    router.callback_query.register(stale_button)
    return router
