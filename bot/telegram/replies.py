"""Answers every sending conversation shares: showing the form card, editing a card in place,
reading a phone number the operator typed."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.sending.drafts import Draft
from bot.sending.form_state import FormStates, save_draft
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.ui.cards import Card, render_form
from bot.ui.i18n import Translator
from provider.phone import PhoneNumber, PhoneNumberError, parse_phone


async def show_form(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """Save the draft and show its card as a new message (the end of every flow)."""
    await save_draft(state, draft)
    await state.set_state(FormStates.confirm)
    card = render_form(draft, platform, sending, t)
    await message.answer(card.text, reply_markup=card.keyboard)


async def update_form(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """Save a changed draft and show it on the card whose button was pressed."""
    await save_draft(state, draft)
    await query.answer()
    await edit_card(query, render_form(draft, platform, sending, t))


async def edit_card(query: CallbackQuery, card: Card) -> None:
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(card.text, reply_markup=card.keyboard)
    except TelegramBadRequest as exc:
        # Two quick presses render the same card twice: "not modified", harmless. Any other
        # refusal is an answer lost: the error handler tells the operator.
        if "not modified" not in exc.message:
            raise


async def read_phone(message: Message, t: Translator) -> PhoneNumber | None:
    """The number the operator typed, or None after saying why it is not one."""
    try:
        return parse_phone(message.text or "")
    except PhoneNumberError as exc:
        await message.answer(t("error-phone", reason=exc.reason))
        return None
