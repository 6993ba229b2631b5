"""Included last: whatever no other handler took.

A command nobody handles is a typo (the closest command is suggested) or one the role may
not use; a number typed alone is offered what can be done with it; a button nobody
handles belongs to a form that is gone, or to another member's form in a group.
"""

from __future__ import annotations

import difflib

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.people.access import AccessService
from bot.sending.form_state import TYPED_NUMBER_KEY, load_draft
from bot.sending.service import SendService
from bot.telegram.callbacks import FormCallback, NumberAction, NumberCallback
from bot.telegram.commands import ROLE_COMMANDS
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.replies import is_private
from bot.ui.i18n import Translator
from provider.phone import PhoneNumberError, format_international, mask_phone, parse_phone
from storage import Operator, Role

TYPO_TARGETS = {
    role: tuple("/" + command for command in (*commands, "start", "cancel"))
    for role, commands in ROLE_COMMANDS.items()
}
"""The commands each role may use (its command menu, and /start, /cancel): the ones a
typo is compared with."""
ALL_COMMANDS = TYPO_TARGETS[Role.ADMIN]


async def unknown(
    message: Message,
    state: FSMContext,
    operator: Operator,
    sending: SendService,
    t: Translator,
) -> None:
    text = (message.text or "").strip()
    command = text.split()[0].split("@")[0].lower() if text else ""
    if command in ALL_COMMANDS:
        await message.answer(t("role-not-allowed", role=t("role-" + operator.role.value)))
    elif command.startswith("/"):
        await message.answer(_unknown_command(command, operator.role, t))
    elif await state.get_state() is not None and await load_draft(state) is None:
        # A flow's form saved by an older version of the bot: start over.
        await state.clear()
        await message.answer(t("form-stale"))
    elif await state.get_state() is not None:
        # A flow waits for a button (a channel, a preset, a sender): text is not an answer.
        await message.answer(t("flow-use-buttons"))
    else:
        await _text_without_form(message, text, state, operator, sending, t)


def _unknown_command(command: str, role: Role, t: Translator) -> str:
    """A typo's closest command the role may use (``/histroy`` → /history), if any is close."""
    close = difflib.get_close_matches(command, TYPO_TARGETS[role], n=1, cutoff=0.6)
    if close:
        return t("unknown-command-suggest", command=close[0])
    return t("unknown-command")


async def _text_without_form(
    message: Message,
    text: str,
    state: FSMContext,
    operator: Operator,
    sending: SendService,
    t: Translator,
) -> None:
    """Text with nothing waiting for it: a number is offered an SMS, a FlashingCall or its
    trace (what the role may do); anything else is told how to start."""
    try:
        phone = parse_phone(text, sending.default_region) if text else None
    except PhoneNumberError:
        phone = None
    if phone is None:
        await message.answer(t("no-form"))
        return
    # The number waits in the person's FSM data: the buttons carry only what to do.
    await state.update_data({TYPED_NUMBER_KEY: text})
    choices = [(t("button-number-trace"), NumberCallback(action=NumberAction.TRACE))]
    if operator.role is not Role.VIEWER:
        choices[:0] = [
            (t("button-number-sms"), NumberCallback(action=NumberAction.SMS)),
            (t("button-number-flashcall"), NumberCallback(action=NumberAction.FLASHCALL)),
        ]
    shown = format_international(phone.digits) if is_private(message) else mask_phone(phone.digits)
    await message.answer(
        t("number-what", phone=shown), reply_markup=choice_keyboard(choices, width=1)
    )


async def stale_form(
    query: CallbackQuery,
    callback_data: FormCallback,
    access: AccessService,
    t: Translator,
) -> None:
    """A button of a form that is gone (sent, cancelled, replaced), or someone else's."""
    author = callback_data.author
    if author and author != query.from_user.id:
        person = await access.operator(author)
        name = person.display_name if person is not None and person.display_name else str(author)
        await query.answer(t("form-someone-elses", name=name), show_alert=True)
        return
    command = callback_data.command
    if command is None:
        await query.answer(t("form-stale"), show_alert=True)
        return
    await query.answer(t("form-stale-command", command=command), show_alert=True)


async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-stale"), show_alert=True)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(unknown)
    router.callback_query.register(stale_form, FormCallback.filter())
    router.callback_query.register(stale_button)
    return router
