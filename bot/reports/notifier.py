"""Status cards edited in place, from the outbox: coalesced, within Telegram's flood limits.

Every status change leaves an outbox row (written with the change itself); this task turns
rows into edits. A row is deleted only after Telegram took the edit, so a crash or a
restart finishes what was pending. Limits: at most one call per chat per second, and a
global rate under Telegram's 30 calls per second; TelegramRetryAfter pauses that chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import ReplyParameters

from bot.people.access import AccessService
from bot.people.languages import Languages
from bot.telegram.session import timed_answer
from bot.ui.cards import Card, chain_label, recipient_label
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from provider.logs import log_event
from storage import (
    OutboxEntry,
    OutboxKind,
    OutboxRepository,
    Send,
    SendRepository,
)

log = logging.getLogger(__name__)

PREPARE_AHEAD = 0.05
"""Seconds before a chat may be written to again that its next card is read and rendered,
so the call itself goes out on time (a chat written to at the limit would otherwise fall
behind by the rendering time with every call)."""


TIMER_SLACK = 0.002
"""asyncio's timers fire ~2 ms late here (epoll's timeout is in milliseconds, rounded up on
the way twice); a chat written to at the limit would lose that with every call."""


async def _until(moment: float) -> None:
    """Return once ``time.monotonic() >= moment``, on time: the timer is set a little early
    and the last instants are yielded to other tasks (at most TIMER_SLACK per call)."""
    early = moment - time.monotonic()
    if early > TIMER_SLACK:
        await asyncio.sleep(early - TIMER_SLACK)
    while True:
        if time.monotonic() >= moment:
            return
        await asyncio.sleep(0)  # a yield, not a wait: other tasks run meanwhile


class RateLimiter:
    """One call per chat per `per_chat` seconds, `global_rate` calls per second overall.

    A chat's next call waits `per_chat` from the *answer* to its previous one
    (:meth:`finished`). Telegram counts a call when it handles it, somewhere between our
    sending it and our reading the answer; spacing only the starts lets a slow request
    followed by a fast one land two calls within one of Telegram's seconds (a 429, and
    the chat paused for a whole second). The price is one round trip per call in a chat
    written to at the limit, which the notifier keeps small by rendering ahead and by
    counting from the moment the answer was read (:func:`bot.telegram.session.timed_answer`),
    not from after aiogram parsed it.
    """

    def __init__(self, per_chat: float = 1.0, global_rate: float = 25.0) -> None:
        self._per_chat = per_chat
        self._interval = 1.0 / global_rate
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}

    def ready_at(self, chat_id: int) -> float:
        return max(self._next_chat.get(chat_id, 0.0), self._next_global)

    def spend(self, chat_id: int) -> None:
        now = time.monotonic()
        self._next_chat[chat_id] = now + self._per_chat
        self._next_global = max(self._next_global, now) + self._interval

    def finished(self, chat_id: int, *, answered_at: float | None = None) -> None:
        """The call spent for this chat got its answer, read at ``answered_at`` (or it
        failed, or that moment is not known: now)."""
        earliest = (time.monotonic() if answered_at is None else answered_at) + self._per_chat
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), earliest)

    def pause(self, chat_id: int, seconds: float) -> None:
        self._next_chat[chat_id] = time.monotonic() + seconds


class CardNotifier:
    def __init__(
        self,
        bot: Bot,
        outbox: OutboxRepository,
        sends: SendRepository,
        views: SendViews,
        access: AccessService,
        languages: Languages,
        *,
        limiter: RateLimiter | None = None,
        idle_poll: float = 2.0,
    ) -> None:
        self._bot = bot
        self._outbox = outbox
        self._sends = sends
        self._views = views
        self._access = access
        self._languages = languages
        self._limiter = limiter or RateLimiter()
        self._idle_poll = idle_poll
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was queued: look at the outbox now."""
        self._wake.set()

    async def run(self) -> None:
        """Drain the outbox until cancelled; pending rows survive for the next start."""
        while True:
            # Cleared before draining: a wake() that comes while drain() runs (a report
            # stored after the outbox was read) must start the next drain at once, not
            # wait for the idle poll.
            self._wake.clear()
            delay = await self.drain()
            # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancellation that
            # comes as the wake-up does (a card posted just before a stop), and the stop
            # then waits on this loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(delay, self._idle_poll)):
                    await self._wake.wait()

    async def drain(self) -> float:
        """Deliver every entry whose chat may be written to now; seconds until the next one."""
        entries = await self._outbox.pending(limit=200)
        # A chat's card edits before its failure alerts: the card shows the outcome, the
        # alert only makes the phone buzz (still due order within each kind).
        entries.sort(key=lambda entry: entry.kind is OutboxKind.FAILURE_ALERT)
        wait = self._idle_poll
        considered: set[int] = set()
        more: set[int] = set()
        for entry in entries:
            if entry.message_id is None:
                continue  # the card is not posted yet; set_card_message wakes us
            # Only a chat's first entry: by the time the loop reaches a later one, other
            # chats' calls may have made this chat ready, and it must not jump the queue.
            if entry.chat_id in considered:
                more.add(entry.chat_id)
                continue
            considered.add(entry.chat_id)
            ready = self._limiter.ready_at(entry.chat_id) - time.monotonic()
            if ready > PREPARE_AHEAD:
                wait = min(wait, ready - PREPARE_AHEAD)
                continue
            await self._deliver(entry)
        now = time.monotonic()
        for chat_id in more:
            wait = min(wait, self._limiter.ready_at(chat_id) - now - PREPARE_AHEAD)
        return max(wait, 0.01)

    async def _deliver(self, entry: OutboxEntry) -> None:
        send = await self._sends.get(entry.send_id)
        if send is None or entry.message_id is None:
            await self._outbox.done(entry)
            return
        t = await self._translator(send)
        text = await self._failure_text(send, t) if entry.kind is OutboxKind.FAILURE_ALERT else None
        card = None if text is not None else await self._render(send, t)
        # Rendered ahead (the database reads are done): go at the chat's exact moment.
        await _until(self._limiter.ready_at(entry.chat_id))
        self._limiter.spend(entry.chat_id)
        try:
            with timed_answer() as answer:
                try:
                    await self._call(entry, send, card, text)
                finally:
                    self._limiter.finished(entry.chat_id, answered_at=answer.at)
        except TelegramRetryAfter as exc:
            self._limiter.pause(entry.chat_id, exc.retry_after)
            log_event(log, "card_retry_after", chat=entry.chat_id, seconds=exc.retry_after)
            return
        except TelegramForbiddenError:
            log_event(log, "card_chat_gone", level=logging.WARNING, chat=entry.chat_id)
        except TelegramNetworkError as exc:
            await self._outbox.retry_later(entry, delay=timedelta(seconds=2), error=str(exc))
            return
        await self._outbox.done(entry)

    async def _call(
        self, entry: OutboxEntry, send: Send, card: Card | None, text: str | None
    ) -> None:
        """The entry's one Bot API call: its failure alert, or its card's edit."""
        if text is not None:
            await self._bot.send_message(
                entry.chat_id,
                text,
                reply_parameters=ReplyParameters(
                    message_id=entry.message_id, allow_sending_without_reply=True
                ),
            )
            return
        assert card is not None
        await self._edit_card(entry, send, card)

    async def _render(self, send: Send, t: Translator) -> Card:
        operator = await self._access.operator(send.operator_id)
        return await self._views.card(send, operator, t)

    async def _edit_card(self, entry: OutboxEntry, send: Send, card: Card) -> None:
        try:
            await self._bot.edit_message_text(
                text=card.text,
                chat_id=entry.chat_id,
                message_id=entry.message_id,
                reply_markup=card.keyboard,
            )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
            if "not found" not in exc.message and "can't be edited" not in exc.message:
                raise
            # Someone deleted the card: post it again and follow the new one.
            message = await self._bot.send_message(
                entry.chat_id, card.text, reply_markup=card.keyboard
            )
            await self._sends.set_card_message(send.id, message.message_id)
        log_event(log, "card_edited", send_id=send.id, chat=entry.chat_id, status=send.status)

    async def _translator(self, send: Send) -> Translator:
        return await self._languages.for_user(send.operator_id)

    async def _failure_text(self, send: Send, t: Translator) -> str:
        return t(
            "alert-undelivered",
            channels=chain_label(send.steps),
            phone=recipient_label(send, t),
            status=send.status or "",
            error=await self._views.failure_reason(send),
        )
