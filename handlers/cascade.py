"""/cascade: a preset or a chain of one's own, then phone and text, then the form card.

The builder (add, move up, remove a step, switch a step's condition) works on the form
card itself; the platform's rules are explained when an edit would break them. An account
on the legacy API sends only chains of Viber and SMS, each once (`bot.sending.legacy_fit`): other
presets and steps are refused with the reason before anything is stored.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.sending.cascades import (
    PRESETS,
    CascadeRuleError,
    add_step,
    move_up,
    preset_steps,
    remove_step,
    toggle_state,
)
from bot.sending.drafts import Draft, StepDraft
from bot.sending.form_state import active_draft, load_draft, render_form, save_draft
from bot.sending.legacy_fit import fitted_steps
from bot.sending.platform import Platform, PlatformAccount
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.ui.i18n import Translator
from handlers.flashcall import random_code, refusal_text
from handlers.form import edit_card, read_phone, show_form
from provider.channels import CHANNEL_RULES, MessageType

BUILDER = "builder"
PRESET_KEY = "preset"


class CascadeFlow(StatesGroup):
    preset = State()
    phone = State()
    text = State()


async def start(message: Message, state: FSMContext, platform: Platform, t: Translator) -> None:
    await state.clear()
    draft = Draft(
        kind="cascade", account=platform.default.name, steps=[StepDraft(channel=MessageType.SMS)]
    )
    await save_draft(state, draft)
    await state.set_state(CascadeFlow.preset)
    builder = InlineKeyboardBuilder()
    for name, channels in PRESETS.items():
        builder.button(
            text=" → ".join(CHANNEL_RULES[c].label for c in channels),
            callback_data=FormCallback(form=draft.form_id, action=FormAction.PRESET, value=name),
        )
    builder.button(
        text=t("cascade-builder"),
        callback_data=FormCallback(form=draft.form_id, action=FormAction.PRESET, value=BUILDER),
    )
    builder.adjust(1)
    await message.answer(t("cascade-choose"), reply_markup=builder.as_markup())


async def preset_chosen(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    t: Translator,
) -> None:
    draft = await active_draft(state, callback_data.form)
    name = callback_data.value
    if (
        draft is None
        or (name not in PRESETS and name != BUILDER)
        or not isinstance(query.message, Message)
    ):
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


async def phone_typed(message: Message, state: FSMContext, t: Translator) -> None:
    draft = await load_draft(state)
    if draft is None:
        await message.answer(t("form-stale"))
        return
    phone = await read_phone(message, t)
    if phone is None:
        return
    await save_draft(state, draft.model_copy(update={"phone": phone.digits}))
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
    sender = next(iter(account.senders), None)
    text = message.text or ""
    if preset in PRESETS:
        steps = preset_steps(preset, text, random_code(), sender)
    else:
        steps = [StepDraft(channel=MessageType.SMS, text=text, sender=sender, ttl_seconds=3600)]
    draft = draft.model_copy(update={"steps": _fitted(account, steps)})
    await show_form(message, draft, state, platform, sending, t)


def _fitted(account: PlatformAccount, steps: list[StepDraft]) -> list[StepDraft]:
    return fitted_steps(steps) if account.is_legacy else steps


async def builder_edit(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    draft = await active_draft(state, callback_data.form)
    if draft is None or draft.kind != "cascade":
        await query.answer(t("form-stale"), show_alert=True)
        return
    operation, _, argument = callback_data.value.partition(".")
    account = platform.get(draft.account)
    if operation == "add" and not argument:
        await query.answer()
        await _offer_channels(query, draft, account, t)
        return
    sender = next(iter(account.senders), None)
    index = int(argument) if argument.isdigit() else -1
    try:
        if operation == "add" and argument in MessageType.__members__:
            code = next(
                (s.text for s in draft.steps if s.channel is MessageType.FLASHINGCALL and s.text),
                random_code(),
            )
            longer = add_step(draft, MessageType(argument), code, sender)
            refusal = account.chain_refusal([s.channel for s in longer.steps])
            if refusal is not None:
                await query.answer(t(refusal.key, **refusal.params)[:190], show_alert=True)
                return
            draft = longer.model_copy(update={"steps": _fitted(account, longer.steps)})
        elif operation == "del":
            draft = remove_step(draft, index)
        elif operation == "up":
            draft = move_up(draft, index)
        elif operation == "state":
            draft = toggle_state(draft, index)
    except CascadeRuleError as exc:
        await query.answer(
            t("cascade-read-impossible", previous=CHANNEL_RULES[exc.previous].label),
            show_alert=True,
        )
        return
    await save_draft(state, draft)
    await query.answer()
    await edit_card(query, render_form(draft, platform, sending, t))


async def _offer_channels(
    query: CallbackQuery, draft: Draft, account: PlatformAccount, t: Translator
) -> None:
    if not isinstance(query.message, Message):
        return
    builder = InlineKeyboardBuilder()
    for channel in account.channels:
        builder.button(
            text="➕ " + CHANNEL_RULES[channel].label,
            callback_data=FormCallback(
                form=draft.form_id, action=FormAction.STEP, value=f"add.{channel.value}"
            ),
        )
    builder.adjust(3)
    await query.message.edit_reply_markup(reply_markup=builder.as_markup())


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(start, Command("cascade"))
    router.callback_query.register(
        preset_chosen, CascadeFlow.preset, FormCallback.filter(F.action == FormAction.PRESET)
    )
    router.message.register(phone_typed, CascadeFlow.phone, F.text)
    router.message.register(text_typed, CascadeFlow.text, F.text)
    router.callback_query.register(builder_edit, FormCallback.filter(F.action == FormAction.STEP))
    return router
