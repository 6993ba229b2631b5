"""The bot's update queue with getUpdates semantics: offsets confirm, nothing is lost.

"Processed" is defined the way Telegram sees it: an update is confirmed once the bot asks
for a higher offset. With aiogram polling ``handle_as_tasks=False`` the bot asks only after
its handler returned, so confirmation means "the handler is done" - a deterministic signal
for tests, unlike waiting for the bot to go quiet.
"""

from __future__ import annotations

from typing import Any

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
"""Update types Telegram leaves out unless allowed_updates names them."""


class UpdateQueue:
    def __init__(self) -> None:
        self._next_id = 1
        self._pending: list[dict[str, Any]] = []
        self._confirmed_below = 1
        self._dropped: set[int] = set()
        self._allowed: frozenset[str] | None = None
        self.poller = 0
        """Generation of the newest getUpdates; an older waiting one is told 409 Conflict."""
        self.waiting = 0
        """getUpdates calls waiting for updates right now (long polls)."""

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    def add(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_id
        self._next_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        return update_id

    def is_processed(self, update_id: int) -> bool:
        return update_id < self._confirmed_below or update_id in self._dropped

    def confirm(self, offset: int) -> None:
        """getUpdates' offset: positive confirms everything below; negative keeps the last N."""
        if offset < 0:
            keep = self._pending[offset:]
            offset = keep[0]["update_id"] if keep else self._next_id
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            self._confirmed_below = max(self._confirmed_below, min(offset, self._next_id))

    def set_allowed(self, allowed: list[str]) -> None:
        self._allowed = frozenset(allowed) if allowed else None

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self._allowed

    def deliverable(self, limit: int = 100) -> list[dict[str, Any]]:
        """Unconfirmed updates the bot accepts; ones of other types are dropped, as Telegram
        drops them."""
        kept: list[dict[str, Any]] = []
        for update in self._pending:
            if self._is_allowed(update):
                kept.append(update)
            else:
                self._dropped.add(update["update_id"])
        self._pending = kept
        return kept[:limit]

    def has_deliverable(self) -> bool:
        return any(self._is_allowed(update) for update in self._pending)

    def take_all(self) -> list[dict[str, Any]]:
        """Every pending update, confirmed at once (for tests that feed a Dispatcher directly)."""
        taken = self.deliverable()
        self.confirm(self._next_id)
        return taken

    def drop_all(self) -> None:
        """deleteWebhook(drop_pending_updates=True)."""
        self.confirm(self._next_id)
