"""Answers every sending conversation shares: the form card (one per form, edited in place),
editing a card, reading a phone number the operator typed.

A form has one card. Every change of the form draws it again on that same message, with
the next version on its buttons (`Draft.version`): ✅ on the card sends what the card
shows, and a press on anything drawn before acts on nothing. A form replaced by another
(a new command, /cancel, "send again") takes its buttons off its card, and so does a
flow's question once it is answered or the flow is dropped (`ask`).
"""

from __future__ import annotations

import contextlib

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.sending.drafts import Draft
from bot.sending.form_state import (
    RECENT_KEY,
    TYPED_NUMBER_KEY,
    FormStates,
    load_draft,
    next_drawing,
    save_draft,
)
from bot.sending.parsing import split_phone_and_text
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.telegram.keyboards import Choice
from bot.ui.cards import Card
from bot.ui.form_card import form_button, render_form
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from provider.phone import (
    PhoneNumber,
    PhoneNumberError,
    format_international,
    mask_phone,
    parse_phone,
)
from storage import Operator

RECENT_SHOWN = 4
"""Recent numbers offered as buttons where a flow asks for a phone."""

_NOT_MODIFIED = "message is not modified"


async def show_form(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> Draft:
    """Save the draft and show its card as a new message (the end of every flow); the
    flow's last question loses its buttons."""
    await _answered(message, draft)
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


async def ask(
    message: Message,
    draft: Draft,
    state: FSMContext,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Draft:
    """A flow's next question, as a new message; the previous question loses its buttons.
    The draft is saved with the question as its card while it has buttons, so that a new
    form or /cancel takes them off too."""
    await _answered(message, draft)
    posted = await message.answer(text, reply_markup=keyboard)
    draft = draft.model_copy(
        update={"card_message_id": posted.message_id if keyboard is not None else None}
    )
    await save_draft(state, draft)
    return draft


async def _answered(message: Message, draft: Draft) -> None:
    """The draft's question (a flow's menu) was answered: its buttons go."""
    if message.bot is not None and draft.card_message_id is not None:
        await _take_buttons_off(message.bot, message.chat.id, draft.card_message_id)


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


async def edit_card(query: CallbackQuery, card: Card) -> bool:
    """Draw `card` on the pressed message; False when it already showed exactly that."""
    if not isinstance(query.message, Message):
        return False
    try:
        await query.message.edit_text(card.text, reply_markup=card.keyboard)
    except TelegramBadRequest as exc:
        # Two quick presses render the same card twice: "not modified", harmless. Any other
        # refusal is an answer lost: the error handler tells the operator.
        if "not modified" not in exc.message:
            raise
        return False
    return True


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


async def offer_recent_numbers(
    message: Message, draft: Draft, state: FSMContext, operator: Operator, views: SendViews
) -> list[Choice]:
    """Buttons of the numbers the operator sent to last, for a flow's phone question (their
    numbers kept in the FSM data: a button carries an index). In a group every member reads
    the buttons: the numbers are masked there."""
    recent = await views.recent_numbers(operator, count=RECENT_SHOWN)
    await state.update_data({RECENT_KEY: recent})
    shown = format_international if is_private(message) else mask_phone
    return [
        (shown(number), form_button(draft, FormAction.PHONE, str(index)))
        for index, number in enumerate(recent)
    ]


async def recent_number_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    t: Translator,
) -> Draft | None:
    """The draft with the recent number the button offered, or None after saying the
    button is stale."""
    recent = list((await state.get_data()).get(RECENT_KEY, []))
    value = callback_data.value
    index = int(value) if value.isdigit() else -1
    if not 0 <= index < len(recent) or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return None
    await query.answer()
    # A number sent to before: no doubt about how to read it.
    return draft.model_copy(update={"phone": str(recent[index]), "phone_doubts": []})


async def typed_number(
    query: CallbackQuery, state: FSMContext, region: str, t: Translator
) -> PhoneNumber | None:
    """The number typed alone that the pressed button offered something for (answering the
    press), or None after saying the button is stale: another form took its place, or it
    is another member's number in a group."""
    typed = (await state.get_data()).get(TYPED_NUMBER_KEY)
    try:
        phone = parse_phone(typed, region) if isinstance(typed, str) else None
    except PhoneNumberError:
        phone = None
    if phone is None:
        await query.answer(t("number-stale"), show_alert=True)
        return None
    await query.answer()
    return phone
