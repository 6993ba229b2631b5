"""/flashcall <phone> [code | text]: a verification call whose last digits are the code (or
a number typed alone, then 📞); /voicecode <phone> [code]: a call that reads the code out,
on accounts that have VoiceCode."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.sending.codes import code_from_argument, random_code, voice_code_from_argument
from bot.sending.drafts import Draft, DraftKind, StepDraft
from bot.sending.platform import Platform, PlatformAccount
from bot.sending.service import SendService
from bot.telegram.callbacks import NumberAction, NumberCallback
from bot.telegram.replies import read_phone_and_rest, start_form, typed_number
from bot.ui.i18n import Translator
from bot.ui.refusals import refusal_text
from provider.channels import MessageType
from provider.phone import PhoneNumber
from storage import Operator


async def flashcall(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    sending: SendService,
    flashcall_ttl_minutes: int,
    t: Translator,
) -> None:
    read = await read_phone_and_rest(message, command, sending, t, usage="flashcall-usage")
    if read is None:
        return
    phone, argument = read
    text = code_from_argument(argument or None)
    if text is None:
        await message.answer(t("error-code"))
        return
    account = platform.for_flashing_call()
    if account is None:
        # Only legacy accounts: their API has no FlashingCall. Said before anything is stored.
        await message.answer(refusal_text("/flashcall", platform, [MessageType.FLASHINGCALL], t))
        return
    draft = _call_draft("flashcall", account, phone, text, flashcall_ttl_minutes, operator)
    await start_form(message, draft, state, platform, sending, t)


async def flashcall_to_typed_number(
    query: CallbackQuery,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    sending: SendService,
    flashcall_ttl_minutes: int,
    t: Translator,
) -> None:
    """📞 under a number typed alone: its FlashingCall form, with a random code."""
    account = platform.for_flashing_call()
    if account is None:
        await query.answer(
            refusal_text("/flashcall", platform, [MessageType.FLASHINGCALL], t)[:190],
            show_alert=True,
        )
        return
    phone = await typed_number(query, state, sending.default_region, t)
    if phone is None or not isinstance(query.message, Message):
        return
    draft = _call_draft("flashcall", account, phone, random_code(), flashcall_ttl_minutes, operator)
    await start_form(query.message, draft, state, platform, sending, t)


async def voicecode(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    sending: SendService,
    flashcall_ttl_minutes: int,
    t: Translator,
) -> None:
    read = await read_phone_and_rest(message, command, sending, t, usage="voicecode-usage")
    if read is None:
        return
    phone, argument = read
    code = voice_code_from_argument(argument or None)
    if code is None:
        await message.answer(t("error-voice-code"))
        return
    account = platform.for_voice_code()
    if account is None:
        # VoiceCode is agreed with the platform per account (seed 004, line 70).
        await message.answer(t("voicecode-no-account"))
        return
    draft = _call_draft("voicecode", account, phone, code, flashcall_ttl_minutes, operator)
    await start_form(message, draft, state, platform, sending, t)


def _call_draft(
    kind: DraftKind,
    account: PlatformAccount,
    phone: PhoneNumber,
    text: str,
    ttl_minutes: int,
    operator: Operator,
) -> Draft:
    step = StepDraft(channel=MessageType.FLASHINGCALL, text=text, ttl_seconds=ttl_minutes * 60)
    draft = Draft(kind=kind, account=account.name, steps=[step], author=operator.user_id)
    return draft.with_phone(phone)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(flashcall, Command("flashcall"))
    router.message.register(voicecode, Command("voicecode"))
    router.callback_query.register(
        flashcall_to_typed_number, NumberCallback.filter(F.action == NumberAction.FLASHCALL)
    )
    return router
