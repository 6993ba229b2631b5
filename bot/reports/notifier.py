"""Status cards edited in place, from the outbox: coalesced, within Telegram's flood limits.

Every status change leaves an outbox row (written with the change itself); this task turns
rows into edits. A row is deleted only after Telegram took the edit, so a crash or a
restart finishes what was pending. Limits: at most one call per chat per second, and a
global rate under Telegram's 30 calls per second; TelegramRetryAfter pauses that chat.

What Telegram does not answer (no connection, a timeout, a 5xx, a load balancer's page)
pauses that chat for a back-off that grows while it goes on; what Telegram refuses for
good (the chat gone, the bot blocked, a card deleted that cannot be posted again) is
marked failed with the reason and skipped. All timing is on the monotonic clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import OrderedDict
from datetime import timedelta
from typing import Final

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.types import ReplyParameters

from bot.people.access import AccessService
from bot.people.languages import Languages
from bot.telegram.outages import describe
from bot.telegram.session import timed_answer
from bot.ui.cards import Card, chain_label, recipient_label
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from bot.workers import Backoff
from provider.logs import log_event
from storage import (
    OutboxEntry,
    OutboxKind,
    OutboxRepository,
    Send,
    SendRepository,
)
from storage.errors import StorageError

log = logging.getLogger(__name__)

SHOWN_REMEMBERED = 10_000
"""Cards whose content the notifier remembers (the most recently drawn)."""

PREPARE_AHEAD = 0.05
"""Seconds before a chat may be written to again that its next card is read and rendered,
so the call itself goes out on time (a chat written to at the limit would otherwise fall
behind by the rendering time with every call)."""


UNEXPECTED_ATTEMPTS: Final = 5
"""An update that fails this many times in a row with an error nobody expected (a bug in
rendering that card, say) is marked failed rather than tried forever."""

PENDING_LIMIT: Final = 200
"""Rows read per drain (oldest first); the rest waits for the next one."""

_CARD_GONE: Final = ("message to edit not found", "message can't be edited", "MESSAGE_ID_INVALID")
"""Telegram's words for a card that cannot be edited any more: it is posted again."""


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
        """Nothing to this chat for `seconds` (or longer, if it was to wait longer anyway)."""
        until = time.monotonic() + seconds
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), until)


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
        backoff: Backoff | None = None,
    ) -> None:
        self._bot = bot
        self._outbox = outbox
        self._sends = sends
        self._views = views
        self._access = access
        self._languages = languages
        self._limiter = limiter or RateLimiter()
        self._idle_poll = idle_poll
        self._backoff = backoff or Backoff()
        self._wake = asyncio.Event()
        self._unanswered: dict[int, int] = {}
        """Per chat: calls in a row Telegram did not answer (sets its back-off)."""
        self._unexpected: dict[int, int] = {}
        """Per outbox row: attempts in a row that ended in an error nobody expected."""
        self._owed_since: dict[int, float] = {}
        """Per outbox row: when (monotonic) the update it holds became owed, as far as this
        process knows (for /health)."""
        self.failed = 0
        """Updates Telegram refused for good since the bot started (marked in the outbox)."""
        self._shown: OrderedDict[tuple[int, int], str] = OrderedDict()
        """What each card (chat, message) shows, by fingerprint, as last drawn by us: an edit
        to the same is skipped (Telegram would refuse it as "not modified", and the call
        would count against the chat's flood limit)."""

    @property
    def pending(self) -> int:
        """Card updates owed (cards already posted), as of the last look at the outbox."""
        return len(self._owed_since)

    def oldest_wait(self) -> float:
        """Seconds the longest-owed card update has waited (0 when none is owed)."""
        if not self._owed_since:
            return 0.0
        return time.monotonic() - min(self._owed_since.values())

    def wake(self) -> None:
        """Something was queued: look at the outbox now."""
        self._wake.set()

    def card_posted(self, chat_id: int, message_id: int, shown: str) -> None:
        """A status card was drawn by someone else (the handler after ✅): what it shows,
        and reports may already be waiting for it."""
        self._remember(chat_id, message_id, shown)
        self.wake()

    def _remember(self, chat_id: int, message_id: int, shown: str) -> None:
        self._shown[(chat_id, message_id)] = shown
        self._shown.move_to_end((chat_id, message_id))
        while len(self._shown) > SHOWN_REMEMBERED:
            self._shown.popitem(last=False)

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
        entries = await self._outbox.owed(limit=PENDING_LIMIT)
        now = time.monotonic()
        self._owed_since = {e.id: self._owed_since.get(e.id, now) for e in entries}
        # A chat's card edits before its failure alerts: the card shows the outcome, the
        # alert only makes the phone buzz (oldest first within each kind).
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
            if not await self._deliver(entry):
                more.add(entry.chat_id)  # to be tried again when its chat is ready
        now = time.monotonic()
        for chat_id in more:
            wait = min(wait, self._limiter.ready_at(chat_id) - now - PREPARE_AHEAD)
        return max(wait, 0.01)

    async def _deliver(self, entry: OutboxEntry) -> bool:
        """One outbox row to Telegram; False when it is to be tried again. Whatever goes
        wrong with it stays with it (and its chat): the other rows go on. Only the
        database's errors, which no row can outlive, end the drain (the notifier's
        supervisor starts it again)."""
        try:
            done = await self._try(entry)
        except (sqlite3.Error, StorageError):
            raise
        except Exception as exc:
            return await self._went_wrong(entry, exc)
        self._unexpected.pop(entry.id, None)
        return done

    async def _try(self, entry: OutboxEntry) -> bool:
        send = await self._sends.get(entry.send_id)
        if send is None or entry.message_id is None:
            await self._delivered(entry)
            return True
        t = await self._translator(send)
        text = await self._failure_text(send, t) if entry.kind is OutboxKind.FAILURE_ALERT else None
        card = None if text is not None else await self._render(send, t)
        if card is not None and self._shown.get((entry.chat_id, entry.message_id)) == (
            card.fingerprint
        ):
            await self._delivered(entry)  # the card shows it already
            return True
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
            return False
        except TelegramMigrateToChat as exc:
            # The group became a supergroup: its cards follow it there (edits to the new
            # chat find no such message and post the card again).
            await self._outbox.move_chat(entry.chat_id, exc.migrate_to_chat_id)
            log_event(log, "card_chat_moved", chat=entry.chat_id, new_chat=exc.migrate_to_chat_id)
            return False
        except (TelegramBadRequest, TelegramForbiddenError, TelegramEntityTooLarge) as exc:
            await self._refused(entry, exc.message)
            return True
        except AiogramError as exc:
            await self._not_answered(entry, exc)
            return False
        self._unanswered.pop(entry.chat_id, None)
        await self._delivered(entry)
        return True

    async def _delivered(self, entry: OutboxEntry) -> None:
        if await self._outbox.done(entry):
            self._owed_since.pop(entry.id, None)
        else:
            # Changed while it was being delivered: what is owed now is owed from now.
            self._owed_since[entry.id] = time.monotonic()

    async def _not_answered(self, entry: OutboxEntry, exc: AiogramError) -> None:
        """Telegram did not answer (or not as the Bot API): this chat waits, longer each
        time in a row, and the row is tried again."""
        in_a_row = self._unanswered[entry.chat_id] = self._unanswered.get(entry.chat_id, 0) + 1
        delay = self._backoff.delay(in_a_row)
        self._limiter.pause(entry.chat_id, delay)
        log_event(
            log,
            "card_not_answered",
            level=logging.WARNING,
            send_id=entry.send_id,
            chat=entry.chat_id,
            attempt=in_a_row,
            retry_in_s=f"{delay:.2f}",
            error=describe(exc),
        )
        await self._outbox.retry_later(entry, delay=timedelta(seconds=delay), error=describe(exc))

    async def _refused(self, entry: OutboxEntry, reason: str) -> None:
        """Telegram refuses this update for good: marked, with the reason, and skipped."""
        self._owed_since.pop(entry.id, None)
        self._unexpected.pop(entry.id, None)
        if await self._outbox.fail(entry, reason):
            self.failed += 1
        log_event(
            log,
            "card_failed",
            level=logging.WARNING,
            send_id=entry.send_id,
            chat=entry.chat_id,
            kind=entry.kind.value,
            reason=reason,
        )

    async def _went_wrong(self, entry: OutboxEntry, exc: Exception) -> bool:
        """An error nobody expected: logged with its traceback; the row is tried again
        after a back-off (False), and marked failed after :data:`UNEXPECTED_ATTEMPTS`."""
        attempt = self._unexpected[entry.id] = self._unexpected.get(entry.id, 0) + 1
        log.error(
            "event=card_update_error send_id=%d chat=%d attempt=%d",
            entry.send_id,
            entry.chat_id,
            attempt,
            exc_info=exc,
        )
        if attempt >= UNEXPECTED_ATTEMPTS:
            await self._refused(entry, describe(exc))
            return True
        delay = self._backoff.delay(attempt)
        self._limiter.pause(entry.chat_id, delay)
        await self._outbox.retry_later(entry, delay=timedelta(seconds=delay), error=describe(exc))
        return False

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
        # Within a message's length already (SendViews.card).
        text = card.text
        try:
            await self._bot.edit_message_text(
                text=text,
                chat_id=entry.chat_id,
                message_id=entry.message_id,
                reply_markup=card.keyboard,
            )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                assert entry.message_id is not None
                self._remember(entry.chat_id, entry.message_id, card.fingerprint)
                return
            if not any(words in exc.message for words in _CARD_GONE):
                raise
            # Someone deleted the card: post it again and follow the new one. If that is
            # refused too, the row fails with that reason.
            message = await self._bot.send_message(entry.chat_id, text, reply_markup=card.keyboard)
            await self._sends.set_card_message(send.id, message.message_id)
            self._remember(entry.chat_id, message.message_id, card.fingerprint)
        else:
            assert entry.message_id is not None
            self._remember(entry.chat_id, entry.message_id, card.fingerprint)
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
