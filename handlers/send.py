"""/send: the guided form for any channel: channel, phone, sender, content, then the form card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.sending.drafts import Draft, StepDraft, content_from_text
from bot.sending.extras import parse_app_user
from bot.sending.field_errors import FieldError
from bot.sending.fields import apply_field
from bot.sending.platform import Platform, PlatformAccount
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
)
from bot.ui.form_card import form_button
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from provider.channels import CHANNEL_RULES, MessageType
from storage import Operator

ONE_TAP_CHANNELS = tuple(t for t in MessageType if t is not MessageType.FLASHINGCALL)
"""FlashingCall has its own command: its code is not free text."""


class SendFlow(StatesGroup):
    account = State()
    channel = State()
    phone = State()
    app_user = State()
    """A Push to a user of the customer's app: their externalUserId is awaited."""
    sender = State()
    content = State()


APP_USER_CHOICE = "user"
"""The phone step's button value for "to an app user" (Push only)."""


def _choice(draft: Draft, action: FormAction, value: str) -> FormCallback:
    return form_button(draft, action, value)


def _picked(callback_data: FormCallback, count: int) -> int | None:
    """The index a choice button carries, if it is one of `count` choices."""
    value = callback_data.value
    index = int(value) if value.isdigit() else -1
    return index if 0 <= index < count else None


async def start(
    message: Message, state: FSMContext, operator: Operator, platform: Platform, t: Translator
) -> None:
    await close_form(message.bot, message.chat.id, state)
    draft = Draft(
        kind="send",
        account=platform.default.name,
        steps=[StepDraft(channel=MessageType.SMS)],
        author=operator.user_id,
    )
    if platform.several:
        await state.set_state(SendFlow.account)
        accounts = [
            (account.name, _choice(draft, FormAction.ACCOUNT, str(index)))
            for index, account in enumerate(platform.accounts)
        ]
        keyboard = choice_keyboard(accounts, width=2)
        await ask(message, draft, state, t("send-choose-account"), keyboard)
        return
    await _ask_channel(message, draft, state, platform, t)


async def account_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    t: Translator,
) -> None:
    accounts = platform.accounts
    index = _picked(callback_data, len(accounts))
    if index is None or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return
    await query.answer()
    draft = draft.model_copy(update={"account": accounts[index].name})
    await _ask_channel(query.message, draft, state, platform, t)


async def _ask_channel(
    message: Message, draft: Draft, state: FSMContext, platform: Platform, t: Translator
) -> None:
    await state.set_state(SendFlow.channel)
    channels = [
        (CHANNEL_RULES[channel].label, _choice(draft, FormAction.CHANNEL, channel.value))
        for channel in platform.get(draft.account).channels
        if channel in ONE_TAP_CHANNELS
    ]
    keyboard = choice_keyboard(channels, width=3)
    await ask(message, draft, state, t("send-choose-channel"), keyboard)


async def channel_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    operator: Operator,
    platform: Platform,
    views: SendViews,
    t: Translator,
) -> None:
    if callback_data.value not in ONE_TAP_CHANNELS or not isinstance(query.message, Message):
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
    await state.set_state(SendFlow.phone)
    choices = await offer_recent_numbers(query.message, draft, state, operator, views)
    prompt = t("send-ask-phone", channel=CHANNEL_RULES[channel].label)
    if channel is MessageType.PUSH:
        # The platform's Push page: destAddr is required only without externalUserId.
        choices.append((t("button-app-user"), _choice(draft, FormAction.PHONE, APP_USER_CHOICE)))
        prompt = t("send-ask-phone-push")
    keyboard = choice_keyboard(choices, width=1) if choices else None
    await ask(query.message, draft, state, prompt, keyboard)


async def recent_phone_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    if callback_data.value == APP_USER_CHOICE and isinstance(query.message, Message):
        await query.answer()
        await state.set_state(SendFlow.app_user)
        await ask(query.message, draft, state, t("send-ask-app-user"))
        return
    chosen = await recent_number_chosen(query, draft, callback_data, state, t)
    if chosen is not None and isinstance(query.message, Message):
        await _after_phone(query.message, chosen, state, platform, sending, t)


async def phone_typed(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    try:
        user = parse_app_user(message.text or "")
    except FieldError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    if user is not None:
        await _to_app_user(message, draft, user, state, platform, sending, t)
        return
    phone = await read_phone(message, t, sending.default_region)
    if phone is None:
        return
    await _after_phone(message, draft.with_phone(phone), state, platform, sending, t)


async def app_user_typed(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    user = (message.text or "").strip()
    if not user:
        await message.answer(t("send-ask-app-user"))
        return
    await _to_app_user(message, draft, user, state, platform, sending, t)


async def _to_app_user(
    message: Message,
    draft: Draft,
    user: str,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """A Push to the app's user `user` (externalUserId), with no phone."""
    if draft.first.channel is not MessageType.PUSH:
        await message.answer(t("error-app-user-push-only"))
        return
    step = draft.first.model_copy(update={"external_user_id": user})
    draft = draft.model_copy(update={"phone": None, "steps": [step]})
    await _after_phone(message, draft, state, platform, sending, t)


async def _after_phone(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    account = platform.get(draft.account)
    senders = account.senders
    channel = draft.first.channel
    default_sender = senders[0] if senders else None
    draft = draft.model_copy(
        update={"steps": [draft.first.model_copy(update={"sender": default_sender})]}
    )
    if _takes_sender(account, channel) and len(senders) > 1:
        await state.set_state(SendFlow.sender)
        choices = [
            (sender, _choice(draft, FormAction.PICK_SENDER, str(index)))
            for index, sender in enumerate(senders)
        ]
        await ask(message, draft, state, t("send-ask-sender"), choice_keyboard(choices, width=2))
        return
    await _ask_content(message, draft, state, platform, t)


def _takes_sender(account: PlatformAccount, channel: MessageType) -> bool:
    # The legacy API sends VK by its template alone, without a sender.
    legacy_vk = account.is_legacy and channel is MessageType.VK
    return CHANNEL_RULES[channel].sender_allowed and not legacy_vk


async def sender_chosen(
    query: CallbackQuery,
    draft: Draft,
    callback_data: FormCallback,
    state: FSMContext,
    platform: Platform,
    t: Translator,
) -> None:
    senders = platform.get(draft.account).senders
    index = _picked(callback_data, len(senders))
    if index is None or not isinstance(query.message, Message):
        await query.answer(t("form-stale"), show_alert=True)
        return
    await query.answer()
    step = draft.first.model_copy(update={"sender": senders[index]})
    draft = draft.model_copy(update={"steps": [step]})
    await _ask_content(query.message, draft, state, platform, t)


async def _ask_content(
    message: Message, draft: Draft, state: FSMContext, platform: Platform, t: Translator
) -> None:
    await state.set_state(SendFlow.content)
    if _by_template(draft, platform):
        await ask(message, draft, state, t("send-ask-content-vk-template"))
        return
    await ask(message, draft, state, t("send-ask-content-" + draft.first.channel.value.lower()))


def _by_template(draft: Draft, platform: Platform) -> bool:
    """VK over the legacy API: sent by an approved template (seed 003, lines 27-32)."""
    return draft.first.channel is MessageType.VK and platform.get(draft.account).is_legacy


async def content_typed(
    message: Message,
    draft: Draft,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    text = message.text or ""
    if _by_template(draft, platform):
        try:
            draft = apply_field(draft, "template", text, region=sending.default_region)
        except FieldError as exc:
            await message.answer(t(exc.key, **exc.params))
            return
    else:
        draft = draft.model_copy(update={"steps": [content_from_text(draft.first, text)]})
    await show_form(message, draft, state, platform, sending, t)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(start, Command("send"))
    choices = (
        (SendFlow.account, FormAction.ACCOUNT, account_chosen),
        (SendFlow.channel, FormAction.CHANNEL, channel_chosen),
        (SendFlow.phone, FormAction.PHONE, recent_phone_chosen),
        (SendFlow.sender, FormAction.PICK_SENDER, sender_chosen),
    )
    for step, action, handler in choices:
        router.callback_query.register(
            handler, step, FormCallback.filter(F.action == action), ActiveForm()
        )
    # A command is never a step's answer: it is a command (a new form replaces this one).
    router.message.register(phone_typed, SendFlow.phone, TypedIntoForm())
    router.message.register(app_user_typed, SendFlow.app_user, TypedIntoForm())
    router.message.register(content_typed, SendFlow.content, TypedIntoForm())
    return router
