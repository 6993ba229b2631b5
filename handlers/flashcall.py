"""/flashcall <phone> [code]: a verification call whose last digits are the code."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.sending.codes import code_from_argument
from bot.sending.drafts import Draft, StepDraft
from bot.sending.parsing import split_phone_and_code
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.replies import close_form, show_form
from bot.ui.i18n import Translator
from bot.ui.refusals import refusal_text
from provider.channels import MessageType
from provider.phone import PhoneNumberError


async def flashcall(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    flashcall_ttl_minutes: int,
    t: Translator,
) -> None:
    try:
        parsed = split_phone_and_code(command.args or "", sending.default_region)
    except PhoneNumberError as exc:
        await message.answer(t("error-phone", problem=exc.problem.value))
        return
    if parsed is None:
        await message.answer(t("flashcall-usage"))
        return
    phone, argument = parsed
    code = code_from_argument(argument)
    if code is None:
        await message.answer(t("error-code"))
        return
    account = platform.for_chain([MessageType.FLASHINGCALL])
    if account is None:
        # Only legacy accounts: their API has no FlashingCall. Said before anything is stored.
        await message.answer(refusal_text("/flashcall", platform, [MessageType.FLASHINGCALL], t))
        return
    draft = Draft(
        kind="flashcall",
        account=account.name,
        steps=[
            StepDraft(
                channel=MessageType.FLASHINGCALL,
                text=code,
                ttl_seconds=flashcall_ttl_minutes * 60,
            )
        ],
    ).with_phone(phone)
    await close_form(message.bot, message.chat.id, state)
    await show_form(message, draft, state, platform, sending, t)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(flashcall, Command("flashcall"))
    return router
