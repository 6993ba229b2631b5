"""The form card every sending conversation ends in: change any field, then ✅ send or ✖️ cancel.

One card per form, edited in place; ✅ sends the version of the form the card shows, or
nothing (a press on an outdated card says so and shows the form as it is now).
"""

from __future__ import annotations

import math

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.sending.codes import code_of
from bot.sending.drafts import Draft
from bot.sending.fields import (
    EDITABLE_FIELDS,
    FieldError,
    apply_field,
    prompted_field,
    ttl_presets,
    with_account,
    with_lifetime,
    with_next_sender,
    with_phone_confirmed,
    with_sms_fallback,
)
from bot.sending.form_state import (
    FormStates,
    editing_field,
    next_drawing,
    save_draft,
    start_editing,
)
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.telegram.filters import ActiveForm, OutdatedCard, TypedIntoForm
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.limits import fit_alert
from bot.telegram.replies import (
    edit_card,
    is_private,
    redraw_form,
    take_buttons_off,
    update_form,
)
from bot.ui.cards import Card
from bot.ui.form_card import form_button, render_form
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from bot.ui.timefmt import duration
from bot.ui.violations import explain_violations
from provider.errors import Outcome, ProviderAPIError, ProviderError
from provider.legacy.errors import TooSoonError
from provider.phone import format_international
from storage import Operator


async def send(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    sending: SendService,
    views: SendViews,
    t: Translator,
) -> None:
    if not isinstance(query.message, Message):
        return
    if draft.phone_doubts:
        await query.answer(t("form-phone-unconfirmed"), show_alert=True)
        return
    problems = sending.validate(draft)
    if problems is not None:
        await query.answer(fit_alert(explain_violations(problems, t)[0]), show_alert=True)
        return
    await query.answer(t("sending"))
    # The form goes before the platform is called: a second press of ✅ (handled after this
    # one, updates of a chat are serialised) finds no form and sends nothing.
    await state.clear()
    async with sending.sending():
        submitted = await sending.submit(draft, operator, query.message.chat.id)
        if submitted.outcome in (Outcome.REFUSED, Outcome.NOT_SENT):
            # Nothing went out: the form stays on its card for a fix and another ✅.
            assert submitted.error is not None
            draft = next_drawing(draft).model_copy(
                update={"card_message_id": query.message.message_id}
            )
            await save_draft(state, draft)
            await state.set_state(FormStates.confirm)
            card = render_form(draft, platform, sending, t, private_chat=_private(query))
            await edit_card(query, card)
            await query.message.answer(_not_sent(submitted.error, t))
            return
        card = await views.card(submitted.send, operator, t)
        await edit_card(query, card)
        await sending.card_posted(submitted.send, query.message.message_id, shown=card.fingerprint)


def _private(query: CallbackQuery) -> bool:
    return isinstance(query.message, Message) and is_private(query.message)


def _not_sent(error: ProviderError, t: Translator) -> str:
    if isinstance(error, TooSoonError):  # the same GET request within the platform's minute
        return t("retry-too-soon", seconds=str(math.ceil(error.retry_after)))
    if not isinstance(error, ProviderAPIError):
        return t("platform-not-reached")
    # The legacy API answers with a text and no code: its text says what is wrong.
    key = "provider-error-legacy" if error.code is None else f"provider-error-{error.code}"
    explanation = t(key) if t.has(key) else t("provider-error-other")
    return t(
        "platform-refused",
        code=str(error.code) if error.code is not None else "—",
        description=error.description,
        details=error.extended_description or "",
        explanation=explanation,
    )


async def reveal_phone(query: CallbackQuery, draft: Draft, t: Translator) -> None:
    """The whole number for the form's author (ActiveForm: nobody else's presses get here),
    in an alert only the presser sees: the group's card masks it."""
    phone = format_international(draft.phone) if draft.phone else t("form-missing")
    await query.answer(fit_alert(t("form-phone-revealed", phone=phone)), show_alert=True)


async def outdated_card(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """A button of a card that does not show the form as it is now: nothing happens but
    the card catching up (or, a stray copy, losing its buttons)."""
    key = "form-outdated-send" if callback_data.action is FormAction.SEND else "form-outdated"
    on_the_card = isinstance(query.message, Message) and (
        query.message.message_id == draft.card_message_id
    )
    await query.answer(t(key), show_alert=True)
    if on_the_card:
        await edit_card(
            query, render_form(draft, platform, sending, t, private_chat=_private(query))
        )
    else:
        await take_buttons_off(query)


async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await query.answer()
    await edit_card(query, Card(t("cancelled")))


async def confirm_phone(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    await update_form(query, with_phone_confirmed(draft), state, platform, sending, t)


# -- toggles and presets that change the card in place ----------------------------------


async def toggle_json(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    draft = draft.model_copy(update={"show_json": not draft.show_json})
    await update_form(query, draft, state, platform, sending, t)


async def lifetime(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    if not callback_data.value:
        await query.answer()
        presets = [
            (
                duration(seconds, t) if seconds else t("form-ttl-default"),
                form_button(draft, FormAction.TTL, str(seconds)),
            )
            for seconds in [0, *ttl_presets(draft.first.channel)]
        ]
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=choice_keyboard(presets, width=4))
        return
    seconds = int(callback_data.value) if callback_data.value.isdigit() else 0
    await update_form(query, with_lifetime(draft, seconds), state, platform, sending, t)


async def next_sender(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    senders = platform.get(draft.account).senders
    await update_form(query, with_next_sender(draft, senders), state, platform, sending, t)


async def toggle_sms_fallback(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    draft = with_sms_fallback(
        draft,
        sms_text=t("flashcall-sms-text", code=code_of(draft.first.text)),
        sender=next(iter(platform.get(draft.account).senders), None),
    )
    await update_form(query, draft, state, platform, sending, t)


async def next_account(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    following = platform.next_account(draft.account)
    draft = with_account(draft, following.name, following.senders)
    await update_form(query, draft, state, platform, sending, t)


# -- changing a field: prompt, the operator's answer, the card again --------------------


async def ask_field(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    t: Translator,
) -> None:
    if not isinstance(query.message, Message):
        return
    field = prompted_field(draft, callback_data.value)
    await start_editing(state, field)
    await query.answer()
    await query.message.answer(t("prompt-" + field))


async def field_value(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    voice_code = platform.get(draft.account).voice_code
    try:
        draft = apply_field(
            draft,
            await editing_field(state),
            (message.text or "").strip(),
            region=sending.default_region,
            voice_code=voice_code,
        )
    except FieldError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    await redraw_form(message, draft, state, platform, sending, t)


async def use_the_buttons(message: Message, t: Translator) -> None:
    await message.answer(t("form-use-buttons"))


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    buttons = (
        (FormAction.SEND, send),
        (FormAction.CANCEL, cancel),
        (FormAction.JSON, toggle_json),
        (FormAction.TTL, lifetime),
        (FormAction.SENDER, next_sender),
        (FormAction.FALLBACK, toggle_sms_fallback),
        (FormAction.NEXT_ACCOUNT, next_account),
        (FormAction.REVEAL, reveal_phone),
        (FormAction.CONFIRM_PHONE, confirm_phone),
    )
    for action, handler in buttons:
        router.callback_query.register(
            handler, FormCallback.filter(F.action == action), ActiveForm()
        )
    router.callback_query.register(
        ask_field,
        FormCallback.filter((F.action == FormAction.EDIT) & F.value.in_(EDITABLE_FIELDS)),
        ActiveForm(),
    )
    # Any other button of the current form, drawn with an older version of it.
    router.callback_query.register(outdated_card, FormCallback.filter(), OutdatedCard())
    # A command is never a field's value: it starts something else (a new form replaces
    # this one, taking the buttons off its card).
    router.message.register(field_value, FormStates.editing, TypedIntoForm())
    router.message.register(use_the_buttons, FormStates.confirm, ~F.text.startswith("/"))
    return router
