"""/status, /history, /trace and the status card's buttons: looking at what was sent."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.people.access import SENDING_ROLES
from bot.sending.platform import Platform
from bot.sending.service import SendService, UnsafeResendError
from bot.telegram.callbacks import CardAction, CardCallback, HistoryCallback
from bot.telegram.keyboards import Choice, choice_keyboard
from bot.telegram.limits import answer_in_parts
from bot.telegram.replies import close_form, edit_card, show_form
from bot.ui.cards import chain_label, recipient_label, repeat_warning_card
from bot.ui.i18n import Translator
from bot.ui.lookups import DEFAULT_TRACE_PERIOD, HISTORY_PAGE, SendViews, parse_period
from provider.legacy.errors import TooSoonError
from provider.phone import PhoneNumberError, mask_phone, parse_phone
from storage import Operator, Role, Send, SendState


def _open(send: Send, text: str) -> Choice:
    return text, CardCallback(send_id=send.id, action=CardAction.OPEN)


def _line(send: Send, t: Translator, views: SendViews) -> str:
    return t(
        "history-line",
        id=str(send.id),
        time=t.times.day(send.created_at),
        channels=chain_label(send.steps),
        phone=recipient_label(send, t),
        status=send.status or send.state.value,
    )


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
    await _history_page(
        message, operator, views, t, everyone=operator.role is Role.ADMIN, before=None
    )


async def history_more(
    query: CallbackQuery,
    callback_data: HistoryCallback,
    operator: Operator,
    views: SendViews,
    t: Translator,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        everyone = callback_data.everyone and operator.role is Role.ADMIN
        await _history_page(
            query.message, operator, views, t, everyone=everyone, before=callback_data.before
        )


async def _history_page(
    message: Message,
    operator: Operator,
    views: SendViews,
    t: Translator,
    *,
    everyone: bool,
    before: int | None,
) -> None:
    sends = await views.history(operator, everyone=everyone, before=before)
    if not sends:
        await message.answer(t("history-empty"))
        return
    choices = [_open(send, f"#{send.id} {chain_label(send.steps)}") for send in sends]
    if len(sends) == HISTORY_PAGE:
        older = HistoryCallback(everyone=everyone, before=sends[-1].id)
        choices.append((t("history-older"), older))
    title = t("history-title-all") if everyone else t("history-title")
    await message.answer(
        title + "\n" + "\n".join(_line(s, t, views) for s in sends),
        reply_markup=choice_keyboard(choices, width=2),
    )


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
    since = datetime.now(UTC) - period
    sends, outside = await views.trace(phone.digits, since)
    if not sends and not outside:
        await message.answer(t("trace-empty", phone=mask_phone(phone.digits)))
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
        [_open(send, f"#{send.id}") for send in sends[:HISTORY_PAGE]], width=4
    )
    await answer_in_parts(
        message,
        t("trace-title", phone=mask_phone(phone.digits)) + "\n" + "\n".join(lines),
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
    await query.answer()
    card = await views.card(send, operator, t)
    if callback_data.action is CardAction.OPEN:
        await query.message.answer(card.text, reply_markup=card.keyboard)
    else:
        await edit_card(query, card)


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
    router.callback_query.register(history_more, HistoryCallback.filter())
    router.message.register(trace, Command("trace"))
    router.callback_query.register(
        open_or_refresh, CardCallback.filter(F.action.in_({CardAction.OPEN, CardAction.REFRESH}))
    )
    router.callback_query.register(
        repeat,
        CardCallback.filter(F.action.in_({CardAction.REPEAT, CardAction.REPEAT_ANYWAY})),
    )
    router.callback_query.register(retry, CardCallback.filter(F.action == CardAction.RETRY))
    return router
