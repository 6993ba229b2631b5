"""/cascade: a preset or a chain of one's own, then phone and text, then the form card.

The builder (add, move up, remove a step, switch a step's condition) works on the form
card itself; the platform's rules are explained when an edit would break them. An account
on the legacy API sends only chains of Viber, VK and SMS, each once (`bot.sending.legacy_fit`):
other presets and steps are refused with the reason before anything is stored.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.sending.cascades import (
    PRESETS,
    CascadeRuleError,
    CascadeStepRefused,
    builder_steps,
    edit_chain,
)
from bot.sending.drafts import Draft, StepDraft
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.telegram.filters import ActiveForm, TypedIntoForm
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.replies import (
    ask,
    close_form,
    offer_recent_numbers,
    read_phone,
    recent_number_chosen,
    show_form,
    update_form,
)
from bot.ui.cards import chain_label
from bot.ui.form_card import form_button
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from bot.ui.refusals import refusal_text
from provider.channels import CHANNEL_RULES, MessageType
from storage import Operator

BUILDER = "builder"
PRESET_KEY = "preset"


class CascadeFlow(StatesGroup):
    preset = State()
    phone = State()
    text = State()


async def start(
    message: Message, state: FSMContext, operator: Operator, platform: Platform, t: Translator
) -> None:
    await close_form(message.bot, message.chat.id, state)
    draft = Draft(
        kind="cascade",
        account=platform.default.name,
        steps=[StepDraft(channel=MessageType.SMS)],
        author=operator.user_id,
    )
    await state.set_state(CascadeFlow.preset)
    # A preset is chosen by its place in PRESETS: its name could outgrow callback data.
    choices = [
        (chain_label(channels), form_button(draft, FormAction.PRESET, str(index)))
        for index, channels in enumerate(PRESETS.values())
    ]
    choices.append((t("cascade-builder"), form_button(draft, FormAction.PRESET, BUILDER)))
    await ask(message, draft, state, t("cascade-choose"), choice_keyboard(choices, width=1))


async def preset_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    views: SendViews,
    t: Translator,
) -> None:
    name = _preset_name(callback_data.value)
    if name is None or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return
    if name in PRESETS:
        account = platform.for_chain(PRESETS[name])
        if account is None:
            # The menu stays: another preset or the builder may fit the account.
            await query.answer(
                refusal_text("/cascade", platform, PRESETS[name], t)[:190], show_alert=True
            )
            return
        draft = draft.model_copy(update={"account": account.name})
    await query.answer()
    await state.update_data({PRESET_KEY: name})
    await state.set_state(CascadeFlow.phone)
    choices = await offer_recent_numbers(query.message, draft, state, operator, views)
    keyboard = choice_keyboard(choices, width=1) if choices else None
    await ask(query.message, draft, state, t("cascade-ask-phone"), keyboard)


def _preset_name(value: str) -> str | None:
    """The preset a button names (by its place in PRESETS), BUILDER, or None."""
    if value == BUILDER:
        return BUILDER
    names = list(PRESETS)
    index = int(value) if value.isdigit() else -1
    return names[index] if 0 <= index < len(names) else None


async def recent_phone_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    t: Translator,
) -> None:
    chosen = await recent_number_chosen(query, draft, callback_data, state, t)
    if chosen is not None and isinstance(query.message, Message):
        await _ask_text(query.message, chosen, state, t)


async def phone_typed(
    message: Message, draft: Draft, state: FSMContext, sending: SendService, t: Translator
) -> None:
    phone = await read_phone(message, t, sending.default_region)
    if phone is None:
        return
    await _ask_text(message, draft.with_phone(phone), state, t)


async def _ask_text(message: Message, draft: Draft, state: FSMContext, t: Translator) -> None:
    """The chain's text; a chain with a FlashingCall is told what its call makes of it."""
    preset = PRESETS.get(str((await state.get_data()).get(PRESET_KEY, BUILDER)), ())
    await state.set_state(CascadeFlow.text)
    key = "cascade-ask-text-flashcall" if MessageType.FLASHINGCALL in preset else "cascade-ask-text"
    await ask(message, draft, state, t(key))


async def text_typed(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    preset = str((await state.get_data()).get(PRESET_KEY, BUILDER))
    account = platform.get(draft.account)
    steps = builder_steps(preset if preset in PRESETS else None, message.text or "", account)
    await show_form(message, draft.model_copy(update={"steps": steps}), state, platform, sending, t)


async def builder_edit(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    if draft.kind != "cascade":
        await query.answer(t("form-stale"), show_alert=True)
        return
    account = platform.get(draft.account)
    if callback_data.value == "add":
        await query.answer()
        await _offer_channels(query, draft, account.channels)
        return
    try:
        draft = edit_chain(draft, callback_data.value, account)
    except CascadeStepRefused as exc:
        refusal = exc.refusal
        await query.answer(t(refusal.key, **refusal.params)[:190], show_alert=True)
        return
    except CascadeRuleError as exc:
        await query.answer(
            t("cascade-read-impossible", previous=CHANNEL_RULES[exc.previous].label),
            show_alert=True,
        )
        return
    await update_form(query, draft, state, platform, sending, t)


async def _offer_channels(
    query: CallbackQuery, draft: Draft, channels: tuple[MessageType, ...]
) -> None:
    if not isinstance(query.message, Message):
        return
    choices = [
        (
            "➕ " + CHANNEL_RULES[channel].label,
            form_button(draft, FormAction.STEP, f"add.{channel.value}"),
        )
        for channel in channels
    ]
    await query.message.edit_reply_markup(reply_markup=choice_keyboard(choices, width=3))


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(start, Command("cascade"))
    router.callback_query.register(
        preset_chosen,
        CascadeFlow.preset,
        FormCallback.filter(F.action == FormAction.PRESET),
        ActiveForm(),
    )
    router.callback_query.register(
        recent_phone_chosen,
        CascadeFlow.phone,
        FormCallback.filter(F.action == FormAction.PHONE),
        ActiveForm(),
    )
    # A command is never a step's answer: it is a command (a new form replaces this one).
    router.message.register(phone_typed, CascadeFlow.phone, TypedIntoForm())
    router.message.register(text_typed, CascadeFlow.text, TypedIntoForm())
    router.callback_query.register(
        builder_edit, FormCallback.filter(F.action == FormAction.STEP), ActiveForm()
    )
    return router
