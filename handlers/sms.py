"""/sms <phone> <text>: one line to the form card; or a number typed alone, then ✉️ SMS."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.sending.drafts import Draft, StepDraft
from bot.sending.form_state import start_editing
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import NumberAction, NumberCallback
from bot.telegram.replies import read_phone_and_rest, start_form, typed_number
from bot.ui.i18n import Translator
from provider.channels import MessageType
from provider.phone import PhoneNumber
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
    read = await read_phone_and_rest(message, command, sending, t, usage="sms-usage")
    if read is None:
        return
    phone, text = read
    await start_form(
        message, _sms_draft(platform, phone, text, operator), state, platform, sending, t
    )


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
    draft = _sms_draft(platform, phone, "", operator)
    await start_form(query.message, draft, state, platform, sending, t)
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
