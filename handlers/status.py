"""/status, /history, /trace and the status card's buttons: looking at what was sent."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.people.access import SENDING_ROLES
from bot.sending.platform import Platform
from bot.sending.service import SendService, UnsafeResendError
from bot.sending.stored import flashcall_codes
from bot.telegram.callbacks import (
    CardAction,
    CardCallback,
    HistoryCallback,
    NumberAction,
    NumberCallback,
)
from bot.telegram.keyboards import Choice, choice_keyboard
from bot.telegram.limits import answer_in_parts, plain_text
from bot.telegram.replies import close_form, edit_card, show_form, typed_number
from bot.ui.cards import Card, chain_label, recipient_label
from bot.ui.i18n import Translator
from bot.ui.lookups import DEFAULT_TRACE_PERIOD, HISTORY_PAGE, Period, SendViews, parse_period
from bot.ui.status_card import repeat_warning_card
from provider.legacy.errors import TooSoonError
from provider.phone import PhoneNumberError, mask_phone, parse_phone
from storage import Operator, Send, SendState


def _open(send: Send) -> Choice:
    """The button that opens a send's card: its id, channels and code (a FlashingCall's
    code is what the operator compares with the phone's screen)."""
    label = " ".join([f"#{send.id}", chain_label(send.steps), *flashcall_codes(send.request)])
    return label, CardCallback(send_id=send.id, action=CardAction.OPEN)


def _line(send: Send, t: Translator, views: SendViews) -> str:
    line = t(
        "history-line",
        id=str(send.id),
        time=t.times.day(send.created_at),
        channels=chain_label(send.steps),
        phone=recipient_label(send, t),
        status=send.status or send.state.value,
    )
    codes = flashcall_codes(send.request)
    return line + (" · " + t("history-code", code=", ".join(codes)) if codes else "")


async def status(
    message: Message,
    command: CommandObject,
    operator: Operator,
    views: SendViews,
    t: Translator,
) -> None:
    reference = (command.args or "").strip()
    if not reference:
        await message.answer(t("status-usage"))
        return
    found = await views.lookup(reference)
    if found.send is not None:
        card = await views.card(found.send, operator, t)
        lines = [
            t(
                "status-event",
                time=t.times.clock(e.received_at),
                channel=e.step_type,
                status=e.status,
                error=str(e.error_code) if e.error_code else "",
            )
            for e in found.events
        ]
        text = card.text + ("\n\n" + t("status-events") + "\n" + "\n".join(lines) if lines else "")
        await answer_in_parts(message, text, t, reply_markup=card.keyboard)
        return
    if found.outside:
        lines = [
            t(
                "status-event",
                time=t.times.day(r.received_at),
                channel=r.step_type or "?",
                status=r.status,
                error=str(r.error_code) if r.error_code else "",
            )
            for r in found.outside
        ]
        title = t(
            "status-outside", mt_num=reference, phone=mask_phone(found.outside[0].destination or "")
        )
        await answer_in_parts(message, title + "\n" + "\n".join(lines), t)
        return
    await message.answer(t("status-not-found", reference=reference))


async def history(message: Message, operator: Operator, views: SendViews, t: Translator) -> None:
    """The team's recent sends: every role sees every send (/status and /trace show any
    send to anyone, and a viewer sends nothing of their own); senders may narrow it to
    their own."""
    text, keyboard = await _history_page(operator, views, t, everyone=True)
    await message.answer(text, reply_markup=keyboard)


async def history_page(
    query: CallbackQuery,
    callback_data: HistoryCallback,
    operator: Operator,
    views: SendViews,
    t: Translator,
) -> None:
    """◀️ older, ▶️ newer, or everyone's / only mine: the same message, another page."""
    await query.answer()
    if not isinstance(query.message, Message):
        return
    text, keyboard = await _history_page(
        operator,
        views,
        t,
        everyone=callback_data.everyone or operator.role not in SENDING_ROLES,
        before=callback_data.before or None,
        after=callback_data.after or None,
    )
    await query.message.edit_text(text, reply_markup=keyboard)


async def _history_page(
    operator: Operator,
    views: SendViews,
    t: Translator,
    *,
    everyone: bool,
    before: int | None = None,
    after: int | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    page = await views.history(operator, everyone=everyone, before=before, after=after)
    choices = [_open(send) for send in page.sends]
    if page.older:
        older = HistoryCallback(everyone=everyone, before=page.sends[-1].id)
        choices.append((t("history-older"), older))
    if page.newer:
        newer = HistoryCallback(everyone=everyone, after=page.sends[0].id)
        choices.append((t("history-newer"), newer))
    if operator.role in SENDING_ROLES:
        toggle = "history-only-mine" if everyone else "history-everyone"
        choices.append((t(toggle), HistoryCallback(everyone=not everyone)))
    keyboard = choice_keyboard(choices, width=2) if choices else None
    if not page.sends:
        return t("history-empty"), keyboard
    title = t("history-title-all") if everyone else t("history-title")
    return title + "\n" + "\n".join(_line(s, t, views) for s in page.sends), keyboard


async def trace(
    message: Message,
    command: CommandObject,
    views: SendViews,
    sending: SendService,
    t: Translator,
) -> None:
    args = (command.args or "").split()
    period = DEFAULT_TRACE_PERIOD
    if len(args) > 1 and (parsed := parse_period(args[-1])) is not None:
        period, args = parsed, args[:-1]
    try:
        phone = parse_phone(" ".join(args), sending.default_region)
    except PhoneNumberError:
        await message.answer(t("trace-usage"))
        return
    await _trace(message, phone.digits, period, views, t)


async def trace_typed_number(
    query: CallbackQuery,
    state: FSMContext,
    views: SendViews,
    sending: SendService,
    t: Translator,
) -> None:
    """🔎 under a number typed alone: its /trace, over the default period."""
    phone = await typed_number(query, state, sending.default_region, t)
    if phone is not None and isinstance(query.message, Message):
        await _trace(query.message, phone.digits, DEFAULT_TRACE_PERIOD, views, t)


async def _trace(
    message: Message, digits: str, period: Period, views: SendViews, t: Translator
) -> None:
    since = datetime.now(UTC) - period.length
    sends, outside = await views.trace(digits, since)
    # Which period was searched, said every time: "nothing" means nothing in it.
    searched = t("trace-period", amount=period.amount, unit=period.unit, since=t.times.day(since))
    if not sends and not outside:
        await message.answer(t("trace-empty", phone=mask_phone(digits)) + "\n" + searched)
        return
    lines = [_line(s, t, views) for s in sends]
    lines.extend(
        t(
            "trace-outside-line",
            time=t.times.day(r.received_at),
            mt_num=r.mt_num or "?",
            channel=r.step_type or "?",
            status=r.status,
        )
        for r in outside
    )
    keyboard = choice_keyboard(
        [(f"#{send.id}", _open(send)[1]) for send in sends[:HISTORY_PAGE]], width=4
    )
    await answer_in_parts(
        message,
        t("trace-title", phone=mask_phone(digits)) + "\n" + searched + "\n" + "\n".join(lines),
        t,
        reply_markup=keyboard if sends else None,
    )


# -- the status card's buttons -----------------------------------------------------------


async def open_or_refresh(
    query: CallbackQuery,
    callback_data: CardCallback,
    operator: Operator,
    views: SendViews,
    t: Translator,
) -> None:
    send = await views.get(callback_data.send_id)
    if send is None or not isinstance(query.message, Message):
        await query.answer(t("button-stale"), show_alert=True)
        return
    card = await views.card(send, operator, t)
    if callback_data.action is CardAction.OPEN:
        await query.answer()
        await query.message.answer(card.text, reply_markup=card.keyboard)
        return
    # Every press is answered: a card that would not change says since when (and is not
    # edited: Telegram refuses an edit to the same text and buttons).
    if _shows(query.message, card) or not await edit_card(query, card):
        since = t.times.clock(await views.last_news(send))
        await query.answer(t("refresh-nothing-new", since=since))
    else:
        await query.answer(t("refresh-updated"))


def _shows(message: Message, card: Card) -> bool:
    """Whether `message` shows `card` already: the same text as read, the same buttons."""
    same_text = (message.text or "").strip() == plain_text(card.text).strip()
    return same_text and _buttons(message.reply_markup) == _buttons(card.keyboard)


def _buttons(keyboard: InlineKeyboardMarkup | None) -> list[list[tuple[str, str | None]]]:
    """A keyboard as Telegram compares it here: each row's texts and callback data."""
    rows = keyboard.inline_keyboard if keyboard is not None else []
    return [[(button.text, button.callback_data) for button in row] for row in rows]


async def _may_send(query: CallbackQuery, operator: Operator, t: Translator) -> bool:
    """A viewer sees the card's buttons too (the card is shared in a group): say why not."""
    if operator.role in SENDING_ROLES:
        return True
    await query.answer(
        t("role-not-allowed", role=t("role-" + operator.role.value)), show_alert=True
    )
    return False


async def repeat(
    query: CallbackQuery,
    callback_data: CardCallback,
    operator: Operator,
    state: FSMContext,
    views: SendViews,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    """ "Send again": a new form with the send's content. For a send the platform may
    already have, the first tap only says that the subscriber could get it twice, and a
    second tap (on "send again anyway") opens the form."""
    send = await views.get(callback_data.send_id)
    if not await _may_send(query, operator, t):
        return
    draft = sending.draft_again(send) if send is not None else None
    if draft is not None:
        draft = draft.model_copy(update={"author": operator.user_id})
    if send is None or draft is None or not isinstance(query.message, Message):
        await query.answer(t("button-stale"), show_alert=True)
        return
    card = await views.card(send, operator, t)
    if send.state is SendState.UNKNOWN and callback_data.action is CardAction.REPEAT:
        await query.answer(t("repeat-maybe-twice"), show_alert=True)
        await edit_card(query, repeat_warning_card(card, send, t))
        return
    await query.answer()
    if callback_data.action is CardAction.REPEAT_ANYWAY:
        await edit_card(query, card)
    await close_form(query.bot, query.message.chat.id, state)
    await show_form(query.message, draft, state, platform, sending, t)


async def retry(
    query: CallbackQuery,
    callback_data: CardCallback,
    operator: Operator,
    views: SendViews,
    sending: SendService,
    t: Translator,
) -> None:
    """Ask the platform again about a send whose outcome is unknown, with its id (offered
    only where the platform never sends one id twice)."""
    send = await views.get(callback_data.send_id)
    if not await _may_send(query, operator, t):
        return
    if (
        send is None
        or send.state is not SendState.UNKNOWN
        or not isinstance(query.message, Message)
    ):
        await query.answer(t("button-stale"), show_alert=True)
        return
    async with sending.sending():
        try:
            submitted = await sending.retry(send)
        except UnsafeResendError:
            await query.answer(t("button-stale"), show_alert=True)
            return
        if isinstance(submitted.error, TooSoonError):
            await query.answer(
                t("retry-too-soon", seconds=str(math.ceil(submitted.error.retry_after))),
                show_alert=True,
            )
        else:
            await query.answer(t("sending"))
        card = await views.card(submitted.send, operator, t)
        await edit_card(query, card)
        await sending.card_posted(submitted.send, query.message.message_id, shown=card.fingerprint)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(status, Command("status"))
    router.message.register(history, Command("history"))
    router.callback_query.register(history_page, HistoryCallback.filter())
    router.message.register(trace, Command("trace"))
    router.callback_query.register(
        trace_typed_number, NumberCallback.filter(F.action == NumberAction.TRACE)
    )
    router.callback_query.register(
        open_or_refresh, CardCallback.filter(F.action.in_({CardAction.OPEN, CardAction.REFRESH}))
    )
    router.callback_query.register(
        repeat,
        CardCallback.filter(F.action.in_({CardAction.REPEAT, CardAction.REPEAT_ANYWAY})),
    )
    router.callback_query.register(retry, CardCallback.filter(F.action == CardAction.RETRY))
    return router
