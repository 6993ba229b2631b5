"""/sms <phone> <text>: one line to the form card; or a number typed alone, then ✉️ SMS."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.sending.drafts import Draft, StepDraft
from bot.sending.form_state import start_editing
from bot.sending.parsing import split_phone_and_text
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import NumberAction, NumberCallback
from bot.telegram.replies import close_form, show_form, typed_number
from bot.ui.i18n import Translator
from provider.channels import MessageType
from provider.phone import PhoneNumber, PhoneNumberError
from storage import Operator


async def sms(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    operator: Operator,
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
    draft = _sms_draft(platform, phone, text, operator)
    await close_form(message.bot, message.chat.id, state)
    await show_form(message, draft, state, platform, sending, t)


async def sms_to_typed_number(
    query: CallbackQuery,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """✉️ under a number typed alone: its SMS form, the text asked for at once."""
    phone = await typed_number(query, state, sending.default_region, t)
    if phone is None or not isinstance(query.message, Message):
        return
    await close_form(query.bot, query.message.chat.id, state)
    await show_form(
        query.message, _sms_draft(platform, phone, "", operator), state, platform, sending, t
    )
    await start_editing(state, "text")
    await query.message.answer(t("prompt-text"))


def _sms_draft(platform: Platform, phone: PhoneNumber, text: str, operator: Operator) -> Draft:
    account = platform.default
    step = StepDraft(
        channel=MessageType.SMS, text=text or None, sender=next(iter(account.senders), None)
    )
    draft = Draft(kind="sms", account=account.name, steps=[step], author=operator.user_id)
    return draft.with_phone(phone)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(sms, Command("sms"))
    router.callback_query.register(
        sms_to_typed_number, NumberCallback.filter(F.action == NumberAction.SMS)
    )
    return router
