"""/sms <phone> <text>: one line to the form card."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.sending.drafts import Draft, StepDraft
from bot.sending.parsing import split_phone_and_text
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.replies import close_form, show_form
from bot.ui.i18n import Translator
from provider.channels import MessageType
from provider.phone import PhoneNumberError


async def sms(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    try:
        parsed = split_phone_and_text(command.args or "", sending.default_region)
    except PhoneNumberError as exc:
        await message.answer(t("error-phone", problem=exc.problem.value))
        return
    if parsed is None:
        await message.answer(t("sms-usage"))
        return
    phone, text = parsed
    account = platform.default
    draft = Draft(
        kind="sms",
        account=account.name,
        steps=[
            StepDraft(
                channel=MessageType.SMS,
                text=text or None,
                sender=next(iter(account.senders), None),
            )
        ],
    ).with_phone(phone)
    await close_form(message.bot, message.chat.id, state)
    await show_form(message, draft, state, platform, sending, t)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(sms, Command("sms"))
    return router
