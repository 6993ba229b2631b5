"""The form card every sending conversation ends in: change any field, then ✅ send or ✖️ cancel."""

from __future__ import annotations

import contextlib
import re

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.sending.drafts import Draft, StepDraft
from bot.sending.form_state import (
    EDITING_KEY,
    cycle_next,
    load_draft,
    render_form,
    save_draft,
    ttl_presets,
)
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.telegram.filters import ActiveForm
from bot.ui.cards import Card, explain_violations
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from provider.channels import CascadeState, MessageType
from provider.errors import ProviderAPIError
from provider.messages import describe_seconds
from provider.phone import PhoneNumber, PhoneNumberError, parse_phone
from storage import Operator

EDITABLE_FIELDS = ("phone", "text", "title", "link", "image", "button", "schedule")


class FormStates(StatesGroup):
    confirm = State()
    editing = State()


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


async def read_phone(message: Message, t: Translator) -> PhoneNumber | None:
    """The number the operator typed, or None after saying why it is not one."""
    try:
        return parse_phone(message.text or "")
    except PhoneNumberError as exc:
        await message.answer(t("error-phone", reason=exc.reason))
        return None


async def edit_card(query: CallbackQuery, card: Card) -> None:
    if not isinstance(query.message, Message):
        return
    # Two quick presses render the same card twice: Telegram says "not modified", harmless.
    with contextlib.suppress(TelegramBadRequest):
        await query.message.edit_text(card.text, reply_markup=card.keyboard)


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
    problems = sending.validate(draft)
    if problems is not None:
        await query.answer(explain_violations(problems, t)[0][:190], show_alert=True)
        return
    await query.answer(t("sending"))
    # The form goes before the platform is called: a second press of ✅ (handled after this
    # one, updates of a chat are serialised) finds no form and sends nothing.
    await state.clear()
    submitted = await sending.submit(draft, operator, query.message.chat.id)
    if isinstance(submitted.error, ProviderAPIError):
        # Nothing was sent: keep the form so the operator can fix it and press ✅ again.
        await show_form(query.message, draft, state, platform, sending, t)
        await query.message.answer(_platform_error(submitted.error, t))
        return
    await edit_card(query, await views.card(submitted.send, operator, t))
    await sending.card_posted(submitted.send.id, query.message.message_id)


def _platform_error(error: ProviderAPIError, t: Translator) -> str:
    # The legacy API answers with a text and no code: its text says what is wrong.
    key = "provider-error-legacy" if error.code is None else f"provider-error-{error.code}"
    explanation = t(key) if t.has(key) else error.explanation
    return t(
        "platform-refused",
        code=str(error.code) if error.code is not None else "—",
        description=error.description,
        details=error.extended_description or "",
        explanation=explanation,
    )


async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await query.answer()
    await edit_card(query, Card(t("cancelled")))


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
    await _update(query, draft, state, platform, sending, t)


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
        builder = InlineKeyboardBuilder()
        for seconds in [0, *ttl_presets(draft.first.channel)]:
            builder.button(
                text=describe_seconds(seconds) if seconds else t("form-ttl-default"),
                callback_data=FormCallback(
                    form=draft.form_id, action=FormAction.TTL, value=str(seconds)
                ),
            )
        builder.adjust(4)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=builder.as_markup())
        return
    seconds = int(callback_data.value) if callback_data.value.isdigit() else 0
    step = draft.first.model_copy(update={"ttl_seconds": seconds or None})
    draft = draft.model_copy(update={"steps": [step, *draft.steps[1:]]})
    await _update(query, draft, state, platform, sending, t)


async def next_sender(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    senders = platform.get(draft.account).senders
    current = draft.first.sender
    following = cycle_next(senders, current)
    step = draft.first.model_copy(update={"sender": following})
    draft = draft.model_copy(update={"steps": [step, *draft.steps[1:]]})
    await _update(query, draft, state, platform, sending, t)


async def toggle_sms_fallback(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    if len(draft.steps) > 1:
        steps = [draft.first]
    else:
        sender = next(iter(platform.get(draft.account).senders), None)
        sms = StepDraft(
            channel=MessageType.SMS,
            text=t("flashcall-sms-text", code=draft.first.text or ""),
            sender=sender,
            resend_if_not=CascadeState.DELIVERED,
        )
        steps = [draft.first, sms]
    await _update(query, draft.model_copy(update={"steps": steps}), state, platform, sending, t)


async def next_account(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    names = [account.name for account in platform.accounts]
    following = cycle_next(names, draft.account)
    senders = platform.get(following).senders
    # A sender belongs to its account: the new account's default replaces it.
    steps = [
        step.model_copy(update={"sender": senders[0] if senders and step.sender else step.sender})
        for step in draft.steps
    ]
    await _update(
        query,
        draft.model_copy(update={"account": following, "steps": steps}),
        state,
        platform,
        sending,
        t,
    )


async def _update(
    query: CallbackQuery,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    await save_draft(state, draft)
    await query.answer()
    await edit_card(query, render_form(draft, platform, sending, t))


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
    field = callback_data.value
    if field == "text" and draft.first.channel is MessageType.FLASHINGCALL:
        field = "code"
    await state.set_state(FormStates.editing)
    await state.update_data({EDITING_KEY: field})
    await query.answer()
    await query.message.answer(t("prompt-" + field))


async def field_value(
    message: Message,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    draft = await load_draft(state)
    if draft is None:
        await state.clear()
        await message.answer(t("form-stale"))
        return
    field = str((await state.get_data()).get(EDITING_KEY, ""))
    value = (message.text or "").strip()
    try:
        draft = apply_field(draft, field, value)
    except FieldError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    await show_form(message, draft, state, platform, sending, t)


class FieldError(Exception):
    """A value the operator typed that cannot go into the form; `key` is the message id."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


_SCHEDULE = re.compile(
    r"(?P<begin>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+(?P<weekdays>[1-7]{1,7}))?(?:\s+(?P<deadline>\S+))?(?P<local>\s+local)?"
)


def apply_field(draft: Draft, field: str, value: str) -> Draft:
    """The draft with one field changed; FieldError says (by message id) why not."""
    step = draft.first
    if field == "phone":
        try:
            return draft.model_copy(update={"phone": parse_phone(value).digits})
        except PhoneNumberError as exc:
            raise FieldError("error-phone", reason=exc.reason) from exc
    if field == "schedule":
        if value == "-":
            return draft.model_copy(
                update={
                    "schedule": draft.schedule.model_copy(
                        update={
                            "time_begin": None,
                            "time_end": None,
                            "weekdays": None,
                            "deadline": None,
                        }
                    )
                }
            )
        match = _SCHEDULE.fullmatch(value)
        if match is None:
            raise FieldError("error-schedule")
        schedule = draft.schedule.model_copy(
            update={
                "time_begin": match["begin"].zfill(5),
                "time_end": match["end"].zfill(5),
                "weekdays": match["weekdays"],
                "deadline": match["deadline"],
                "subscriber_time_zone": bool(match["local"]),
            }
        )
        return draft.model_copy(update={"schedule": schedule})
    updates: dict[str, object]
    if field == "text" and draft.kind == "cascade":
        # One text for every step of a cascade; a FlashingCall step keeps its code.
        steps = [
            s if s.channel is MessageType.FLASHINGCALL else s.model_copy(update={"text": value})
            for s in draft.steps
        ]
        return draft.model_copy(update={"steps": steps})
    if field in ("text", "code"):
        updates = {"text": value}
        if field == "code" and not (value.isdigit() and len(value) in (4, 6)):
            raise FieldError("error-code")
    elif field == "title":
        updates = {"title": value}
    elif field == "link":
        updates = {"link": None if value == "-" else value}
    elif field == "image":
        updates = {"image_url": None if value == "-" else value}
    elif field == "button":
        if value == "-":
            updates = {"button_caption": None, "button_action": None}
        else:
            caption, sep, action = value.partition("|")
            if not sep:
                raise FieldError("error-button")
            updates = {"button_caption": caption.strip(), "button_action": action.strip()}
    else:
        raise FieldError("form-stale")
    steps = [step.model_copy(update=updates), *draft.steps[1:]]
    if field == "code" and len(steps) > 1:
        # The SMS fallback carries the same code.
        steps[1] = steps[1].model_copy(
            update={"text": steps[1].text and _replace_code(steps[1].text, step.text or "", value)}
        )
    return draft.model_copy(update={"steps": steps})


def _replace_code(text: str, old: str, new: str) -> str:
    return text.replace(old, new) if old else text


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
    router.message.register(field_value, FormStates.editing, F.text)
    router.message.register(use_the_buttons, FormStates.confirm)
    return router
