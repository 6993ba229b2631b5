"""/flashcall <phone> [code]: a verification call whose last digits are the code."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.sending.drafts import Draft, StepDraft
from bot.sending.parsing import split_phone_and_code
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.ui.i18n import Html, Translator
from handlers.form import show_form
from provider.channels import FLASHCALL_CODE_LENGTHS, MessageType

DEFAULT_CODE_LENGTH = 4


def random_code(length: int = DEFAULT_CODE_LENGTH) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def refusal_text(
    command: str, platform: Platform, channels: Sequence[MessageType], t: Translator
) -> str:
    """Why no account can send this chain, in the words of the default account's refusal."""
    refusal = platform.default.chain_refusal(channels)
    reason = t(refusal.key, **refusal.params) if refusal else ""
    return t("api-refused", command=command, reason=Html(reason))


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
    account = platform.for_chain([MessageType.FLASHINGCALL])
    if account is None:
        # Only legacy accounts: their API has no FlashingCall. Said before anything is stored.
        await message.answer(refusal_text("/flashcall", platform, [MessageType.FLASHINGCALL], t))
        return
    draft = Draft(
        kind="flashcall",
        account=account.name,
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
