"""/flashcall <phone> [code]: a verification call whose last digits are the code."""

from __future__ import annotations

import secrets

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.drafts import Draft, StepDraft
from bot.i18n import Translator
from bot.parsing import split_phone_and_code
from bot.platform import Platform
from bot.sending import SendService
from handlers.form import show_form
from provider.channels import FLASHCALL_CODE_LENGTHS, MessageType

DEFAULT_CODE_LENGTH = 4


def random_code(length: int = DEFAULT_CODE_LENGTH) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


async def flashcall(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    flashcall_ttl_minutes: int,
    t: Translator,
) -> None:
    parsed = split_phone_and_code(command.args or "")
    if parsed is None:
        await message.answer(t("flashcall-usage"))
        return
    phone, code = parsed
    if code is not None and code.lower() in ("6", "6digits", "long"):
        code = random_code(6)
    elif code is None:
        code = random_code()
    elif not (code.isascii() and code.isdigit() and len(code) in FLASHCALL_CODE_LENGTHS):
        await message.answer(t("error-code"))
        return
    draft = Draft(
        kind="flashcall",
        account=platform.default.name,
        phone=phone.digits,
        steps=[
            StepDraft(
                channel=MessageType.FLASHINGCALL,
                text=code,
                ttl_seconds=flashcall_ttl_minutes * 60,
            )
        ],
    )
    await state.clear()
    await show_form(message, draft, state, platform, sending, t)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(flashcall, Command("flashcall"))
    return router
