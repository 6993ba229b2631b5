"""/send: the guided form for any channel: channel, phone, sender, content, then the form card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.sending.drafts import Draft, StepDraft
from bot.sending.form_state import active_draft, load_draft, save_draft
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.callbacks import FormAction, FormCallback
from bot.ui.i18n import Translator
from handlers.form import read_phone, show_form
from provider.channels import CHANNEL_RULES, MessageType
from provider.phone import format_international
from storage import Operator, SendRepository

RECENT_KEY = "recent"
RECENT_SHOWN = 4
ONE_TAP_CHANNELS = tuple(t for t in MessageType if t is not MessageType.FLASHINGCALL)
"""FlashingCall has its own command: its code is not free text."""


class SendFlow(StatesGroup):
    account = State()
    channel = State()
    phone = State()
    sender = State()
    content = State()


async def start(message: Message, state: FSMContext, platform: Platform, t: Translator) -> None:
    await state.clear()
    draft = Draft(
        kind="send", account=platform.default.name, steps=[StepDraft(channel=MessageType.SMS)]
    )
    await save_draft(state, draft)
    if platform.several:
        await state.set_state(SendFlow.account)
        builder = InlineKeyboardBuilder()
        for index, account in enumerate(platform.accounts):
            builder.button(
                text=account.name,
                callback_data=FormCallback(
                    form=draft.form_id, action=FormAction.ACCOUNT, value=str(index)
                ),
            )
        builder.adjust(2)
        await message.answer(t("send-choose-account"), reply_markup=builder.as_markup())
        return
    await _ask_channel(message, draft, state, platform, t)


async def account_chosen(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    t: Translator,
) -> None:
    draft = await active_draft(state, callback_data.form)
    accounts = platform.accounts
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if draft is None or not 0 <= index < len(accounts) or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return
    await query.answer()
    draft = draft.model_copy(update={"account": accounts[index].name})
    await _ask_channel(query.message, draft, state, platform, t)


async def _ask_channel(
    message: Message, draft: Draft, state: FSMContext, platform: Platform, t: Translator
) -> None:
    await save_draft(state, draft)
    await state.set_state(SendFlow.channel)
    channels = [c for c in platform.get(draft.account).channels if c in ONE_TAP_CHANNELS]
    builder = InlineKeyboardBuilder()
    for channel in channels:
        builder.button(
            text=CHANNEL_RULES[channel].label,
            callback_data=FormCallback(
                form=draft.form_id, action=FormAction.CHANNEL, value=channel.value
            ),
        )
    builder.adjust(3)
    await message.answer(t("send-choose-channel"), reply_markup=builder.as_markup())


async def channel_chosen(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    sends: SendRepository,
    t: Translator,
) -> None:
    draft = await active_draft(state, callback_data.form)
    if (
        draft is None
        or callback_data.value not in ONE_TAP_CHANNELS
        or not isinstance(query.message, Message)
    ):
        await query.answer(t("form-stale"), show_alert=True)
        return
    channel = MessageType(callback_data.value)
    # Only the account's channels are offered; a button from an older menu may not be one.
    refusal = platform.get(draft.account).chain_refusal([channel])
    if refusal is not None:
        await query.answer(t(refusal.key, **refusal.params)[:190], show_alert=True)
        return
    await query.answer()
    draft = draft.model_copy(update={"steps": [StepDraft(channel=channel)]})
    await save_draft(state, draft)
    await state.set_state(SendFlow.phone)
    recent = await _recent_numbers(sends, operator)
    await state.update_data({RECENT_KEY: recent})
    builder = InlineKeyboardBuilder()
    for index, number in enumerate(recent):
        builder.button(
            text=format_international(number),
            callback_data=FormCallback(
                form=draft.form_id, action=FormAction.PHONE, value=str(index)
            ),
        )
    builder.adjust(1)
    await query.message.answer(
        t("send-ask-phone", channel=CHANNEL_RULES[channel].label),
        reply_markup=builder.as_markup() if recent else None,
    )


async def _recent_numbers(sends: SendRepository, operator: Operator) -> list[str]:
    numbers: list[str] = []
    for send in await sends.recent_for_operator(operator.user_id, limit=20):
        if send.destination not in numbers:
            numbers.append(send.destination)
    return numbers[:RECENT_SHOWN]


async def recent_phone_chosen(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    draft = await active_draft(state, callback_data.form)
    recent = list((await state.get_data()).get(RECENT_KEY, []))
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if draft is None or not 0 <= index < len(recent) or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return
    await query.answer()
    draft = draft.model_copy(update={"phone": str(recent[index])})
    await _after_phone(query.message, draft, state, platform, sending, t)


async def phone_typed(
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
    phone = await read_phone(message, t)
    if phone is None:
        return
    draft = draft.model_copy(update={"phone": phone.digits})
    await _after_phone(message, draft, state, platform, sending, t)


async def _after_phone(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    senders = platform.get(draft.account).senders
    channel = draft.first.channel
    default_sender = senders[0] if senders else None
    draft = draft.model_copy(
        update={"steps": [draft.first.model_copy(update={"sender": default_sender})]}
    )
    await save_draft(state, draft)
    if CHANNEL_RULES[channel].sender_allowed and len(senders) > 1:
        await state.set_state(SendFlow.sender)
        builder = InlineKeyboardBuilder()
        for index, sender in enumerate(senders):
            builder.button(
                text=sender,
                callback_data=FormCallback(
                    form=draft.form_id, action=FormAction.PICK_SENDER, value=str(index)
                ),
            )
        builder.adjust(2)
        await message.answer(t("send-ask-sender"), reply_markup=builder.as_markup())
        return
    await _ask_content(message, draft, state, t)


async def sender_chosen(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    t: Translator,
) -> None:
    draft = await active_draft(state, callback_data.form)
    senders = platform.get(draft.account).senders if draft else []
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if draft is None or not 0 <= index < len(senders) or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return
    await query.answer()
    step = draft.first.model_copy(update={"sender": senders[index]})
    draft = draft.model_copy(update={"steps": [step]})
    await save_draft(state, draft)
    await _ask_content(query.message, draft, state, t)


async def _ask_content(message: Message, draft: Draft, state: FSMContext, t: Translator) -> None:
    await state.set_state(SendFlow.content)
    await message.answer(t("send-ask-content-" + draft.first.channel.value.lower()))


async def content_typed(
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
    text = message.text or ""
    step = draft.first
    match step.channel:
        case MessageType.PUSH:
            title, _, body = text.partition("\n")
            step = step.model_copy(
                update={"title": title.strip() if body else None, "text": (body or title).strip()}
            )
        case MessageType.VIBER | MessageType.WHATSAPP if _looks_like_url(text):
            step = step.model_copy(update={"image_url": text.strip()})
        case _:
            step = step.model_copy(update={"text": text})
    draft = draft.model_copy(update={"steps": [step]})
    await show_form(message, draft, state, platform, sending, t)


def _looks_like_url(text: str) -> bool:
    stripped = text.strip()
    return " " not in stripped and stripped.lower().startswith(("http://", "https://"))


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(start, Command("send"))
    router.callback_query.register(
        account_chosen, SendFlow.account, FormCallback.filter(F.action == FormAction.ACCOUNT)
    )
    router.callback_query.register(
        channel_chosen, SendFlow.channel, FormCallback.filter(F.action == FormAction.CHANNEL)
    )
    router.callback_query.register(
        recent_phone_chosen, SendFlow.phone, FormCallback.filter(F.action == FormAction.PHONE)
    )
    router.message.register(phone_typed, SendFlow.phone, F.text)
    router.callback_query.register(
        sender_chosen, SendFlow.sender, FormCallback.filter(F.action == FormAction.PICK_SENDER)
    )
    router.message.register(content_typed, SendFlow.content, F.text)
    return router
