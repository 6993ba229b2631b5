"""Answers every sending conversation shares: the form card (one per form, edited in place),
editing a card, reading a phone number the operator typed.

A form has one card. Every change of the form draws it again on that same message, with
the next version on its buttons (`Draft.version`): ✅ on the card sends what the card
shows, and a press on anything drawn before acts on nothing. A form replaced by another
(a new command, /cancel, "send again") takes its buttons off its card.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.sending.drafts import Draft
from bot.sending.form_state import FormStates, load_draft, next_drawing, save_draft
from bot.sending.parsing import split_phone_and_text
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.ui.cards import Card, render_form
from bot.ui.i18n import Translator
from provider.phone import PhoneNumber, PhoneNumberError, parse_phone

_NOT_MODIFIED = "message is not modified"


async def show_form(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> Draft:
    """Save the draft and show its card as a new message (the end of every flow)."""
    draft = next_drawing(draft)
    card = render_form(draft, platform, sending, t, private_chat=is_private(message))
    posted = await message.answer(card.text, reply_markup=card.keyboard)
    draft = draft.model_copy(update={"card_message_id": posted.message_id})
    await save_draft(state, draft)
    await state.set_state(FormStates.confirm)
    return draft


async def start_form(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> Draft:
    """A new form from a command: the person's old form (if any) closes, its card losing
    its buttons, and the new one's card is shown."""
    await close_form(message.bot, message.chat.id, state)
    return await show_form(message, draft, state, platform, sending, t)


async def read_phone_and_rest(
    message: Message, command: CommandObject, sending: SendService, t: Translator, *, usage: str
) -> tuple[PhoneNumber, str] | None:
    """``/command <phone> <rest>``: the number (read in the default region) and the rest; or
    None after saying what is wrong (`usage`: the command's usage message)."""
    try:
        parsed = split_phone_and_text(command.args or "", sending.default_region)
    except PhoneNumberError as exc:
        await message.answer(t("error-phone", problem=exc.problem.value))
        return None
    if parsed is None:
        await message.answer(t(usage))
    return parsed


async def update_form(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """Save a changed draft and draw it on the card whose button was pressed."""
    draft = next_drawing(draft)
    if isinstance(query.message, Message):
        draft = draft.model_copy(update={"card_message_id": query.message.message_id})
    await save_draft(state, draft)
    await query.answer()
    private = isinstance(query.message, Message) and is_private(query.message)
    await edit_card(query, render_form(draft, platform, sending, t, private_chat=private))


def is_private(message: Message) -> bool:
    """A chat of the bot and one person: only there are whole numbers shown unasked."""
    return message.chat.type == ChatType.PRIVATE


async def redraw_form(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """Save a draft changed by what the operator typed and draw it on its card, in place.

    A card that cannot be edited any more (deleted, too old) is replaced by a new one; the
    old one loses its buttons, so that no card shows a form that would not be sent.
    """
    bot = message.bot
    card_id = draft.card_message_id
    if bot is not None and card_id is not None:
        drawn = next_drawing(draft)
        card = render_form(drawn, platform, sending, t, private_chat=is_private(message))
        try:
            await bot.edit_message_text(
                card.text,
                chat_id=message.chat.id,
                message_id=card_id,
                reply_markup=card.keyboard,
            )
        except TelegramBadRequest as exc:
            if _NOT_MODIFIED not in str(exc):
                await _take_buttons_off(bot, message.chat.id, card_id)
                await show_form(message, draft, state, platform, sending, t)
                return
        await save_draft(state, drawn)
        await state.set_state(FormStates.confirm)
        await message.answer(t("form-updated"))
        return
    await show_form(message, draft, state, platform, sending, t)


async def close_form(bot: Bot | None, chat_id: int, state: FSMContext) -> None:
    """Drop the person's form, taking the buttons off its card: a new form replaces it."""
    draft = await load_draft(state)
    await state.clear()
    if bot is not None and draft is not None and draft.card_message_id is not None:
        await _take_buttons_off(bot, chat_id, draft.card_message_id)


async def _take_buttons_off(bot: Bot, chat_id: int, message_id: int) -> None:
    # Best effort: a card already without buttons, or deleted, is as good.
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)


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


async def take_buttons_off(query: CallbackQuery) -> None:
    """The pressed message keeps its text and loses its buttons (an outdated copy)."""
    if isinstance(query.message, Message) and query.bot is not None:
        await _take_buttons_off(query.bot, query.message.chat.id, query.message.message_id)


async def read_phone(message: Message, t: Translator, region: str) -> PhoneNumber | None:
    """The number the operator typed (`region`: numbers without a country code are of it),
    or None after saying why it is not one."""
    try:
        return parse_phone(message.text or "", region)
    except PhoneNumberError as exc:
        await message.answer(t("error-phone", problem=exc.problem.value))
        return None
