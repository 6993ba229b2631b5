"""Telegram's flood limits as sliding windows, answering 429 with ``retry_after``.

Telegram does not publish exact rules; its FAQ gives the numbers used here: about one
message per second in one chat ("we may allow short bursts that go over this limit, but
eventually you'll begin receiving 429 errors"), 20 per minute in a group, 30 per second
overall. A chat therefore has a bucket: a short burst goes through at once (a bot's reply
and its follow-up, as /start sends), then one per second. Every send or edit in a chat
counts toward the chat's limits; every chat-acting call (sends,
edits, deletes, callback answers, chat actions) counts toward the global one. Service calls
(getUpdates, getMe, commands, webhook) are never limited. Only calls that succeed count: a
send refused for bad HTML or a 429 does not use up the chat's second.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

CHAT_WRITES = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup"})
"""Methods (lower case) limited per chat."""
CHAT_ACTING = CHAT_WRITES | frozenset(
    {"deletemessage", "deletemessages", "answercallbackquery", "sendchataction"}
)
"""Methods (lower case) limited overall."""


class _Window:
    """Timestamps of the calls accepted within the last `span` seconds."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more call fits (0: it fits now)."""
        while self.times and self.times[0] <= now - self.span:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[-self.limit] + self.span - now

    def record(self, now: float) -> None:
        self.times.append(now)


class _Bucket:
    """A chat's allowance: `burst` calls at once, refilled at `rate` calls per second."""

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self.burst = burst
        self.rate = rate
        self.tokens = float(burst)
        self.updated = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one more call fits (0: it fits now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def record(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


class FloodControl:
    """Decides 429s; `refusals` counts every one answered."""

    def __init__(
        self,
        *,
        enabled: bool,
        chat_per_second: int,
        chat_burst: int,
        group_per_minute: int,
        global_per_second: int,
        clock: Callable[[], float],
    ) -> None:
        self.enabled = enabled
        self.refusals = 0
        self._chat_per_second = chat_per_second
        self._chat_burst = chat_burst
        self._group_per_minute = group_per_minute
        self._clock = clock
        self._global = _Window(global_per_second, 1.0)
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Window] = {}

    def _windows(self, method: str, chat_id: int | None, is_group: bool) -> list[_Window | _Bucket]:
        method = method.lower()
        if not self.enabled or method not in CHAT_ACTING:
            return []
        windows: list[_Window | _Bucket] = [self._global]
        if chat_id is not None and method in CHAT_WRITES:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                bucket = _Bucket(self._chat_burst, self._chat_per_second, self._clock())
                self._chats[chat_id] = bucket
            windows.append(bucket)
            if is_group:
                windows.append(
                    self._groups.setdefault(chat_id, _Window(self._group_per_minute, 60.0))
                )
        return windows

    def check(self, method: str, chat_id: int | None, *, is_group: bool) -> int | None:
        """None when the call may go ahead, else retry_after seconds (counted as a 429)."""
        windows = self._windows(method, chat_id, is_group)
        if not windows:
            return None
        now = self._clock()
        wait = max(window.wait(now) for window in windows)
        if wait <= 0:
            return None
        self.refusals += 1
        # Telegram's retry_after is whole seconds, never 0.
        return max(1, math.ceil(wait))

    def record(self, method: str, chat_id: int | None, *, is_group: bool) -> None:
        """Count a call that went through."""
        now = self._clock()
        for window in self._windows(method, chat_id, is_group):
            window.record(now)
