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
from bot.sending.form_state import load_draft, save_draft
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.telegram.filters import ActiveForm
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.replies import close_form, read_phone, show_form, update_form
from bot.ui.cards import chain_label, form_button
from bot.ui.i18n import Translator
from bot.ui.refusals import refusal_text
from provider.channels import CHANNEL_RULES, MessageType

BUILDER = "builder"
PRESET_KEY = "preset"


class CascadeFlow(StatesGroup):
    preset = State()
    phone = State()
    text = State()


async def start(message: Message, state: FSMContext, platform: Platform, t: Translator) -> None:
    await close_form(message.bot, message.chat.id, state)
    draft = Draft(
        kind="cascade", account=platform.default.name, steps=[StepDraft(channel=MessageType.SMS)]
    )
    await save_draft(state, draft)
    await state.set_state(CascadeFlow.preset)
    choices = [
        (chain_label(channels), form_button(draft, FormAction.PRESET, name))
        for name, channels in PRESETS.items()
    ]
    choices.append((t("cascade-builder"), form_button(draft, FormAction.PRESET, BUILDER)))
    await message.answer(t("cascade-choose"), reply_markup=choice_keyboard(choices, width=1))


async def preset_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    t: Translator,
) -> None:
    name = callback_data.value
    if (name not in PRESETS and name != BUILDER) or not isinstance(query.message, Message):
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
        await save_draft(state, draft.model_copy(update={"account": account.name}))
    await query.answer()
    await state.update_data({PRESET_KEY: name})
    await state.set_state(CascadeFlow.phone)
    await query.message.answer(t("cascade-ask-phone"))


async def phone_typed(
    message: Message, state: FSMContext, sending: SendService, t: Translator
) -> None:
    draft = await load_draft(state)
    if draft is None:
        await message.answer(t("form-stale"))
        return
    phone = await read_phone(message, t, sending.default_region)
    if phone is None:
        return
    await save_draft(state, draft.with_phone(phone))
    await state.set_state(CascadeFlow.text)
    await message.answer(t("cascade-ask-text"))


async def text_typed(
    message: Message,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    draft = await load_draft(state)
    if draft is None:
        await message.answer(t("form-stale"))
        return
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
    router.message.register(phone_typed, CascadeFlow.phone, F.text)
    router.message.register(text_typed, CascadeFlow.text, F.text)
    router.callback_query.register(
        builder_edit, FormCallback.filter(F.action == FormAction.STEP), ActiveForm()
    )
    return router
