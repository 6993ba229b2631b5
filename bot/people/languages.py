"""How a person reads: in which language and in which time zone.

The language: their /lang choice, else the configured default, else their Telegram app's
language, else Russian. The zone: their /tz choice, else DISPLAY_TIMEZONE. Both are
remembered for operators (:meth:`Languages.seen`), so that a status card edited later by
the notifier (which sees no update from the person) speaks the same language and shows
the same times; a refused stranger's is not stored (nothing of theirs is).
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.ui.i18n import Catalogs, Translator
from bot.ui.timefmt import find_zone
from storage import KeyValueRepository

Listener = Callable[[int], None]
"""Told the id of a person whose language changed (their command menu follows it)."""


def chosen_key(user_id: int) -> str:
    return f"language:{user_id}"


def seen_key(user_id: int) -> str:
    return f"telegram-language:{user_id}"


def zone_key(user_id: int) -> str:
    return f"timezone:{user_id}"


class Languages:
    def __init__(
        self, catalogs: Catalogs, preferences: KeyValueRepository, configured: str | None
    ) -> None:
        self.catalogs = catalogs
        self._preferences = preferences
        self._configured = configured
        self._seen: dict[int, str | None] = {}
        """Telegram's language per person, as last stored (saves a write per update)."""
        self._listeners: list[Listener] = []

    def on_choice(self, listener: Listener) -> None:
        """Call `listener` with the person's id whenever someone chooses a language."""
        self._listeners.append(listener)

    async def for_update(self, user_id: int, telegram_language: str | None) -> Translator:
        """The translator for an update's sender (reads only: they may be a stranger)."""
        chosen = await self._preferences.get(chosen_key(user_id))
        t = self.catalogs.get(chosen or self._configured or telegram_language)
        return await self._in_own_zone(t, user_id)

    async def seen(self, user_id: int, telegram_language: str | None) -> None:
        """Remember an operator's Telegram language, for what the bot says unasked."""
        if self._seen.get(user_id, "") != telegram_language:
            await self._preferences.set(seen_key(user_id), telegram_language or "")
            self._seen[user_id] = telegram_language

    async def for_user(self, user_id: int) -> Translator:
        chosen = await self._preferences.get(chosen_key(user_id))
        seen = await self._preferences.get(seen_key(user_id))
        t = self.catalogs.get(chosen or self._configured or seen)
        return await self._in_own_zone(t, user_id)

    async def menu_language(self, user_id: int, app_language: str | None) -> str:
        """The language of a person's command menu as Telegram shows it to an app in
        `app_language` (None: any other): what the bot would answer them in."""
        chosen = await self._preferences.get(chosen_key(user_id))
        return self.catalogs.get(chosen or self._configured or app_language).language

    async def choose(self, user_id: int, language: str) -> Translator:
        await self._preferences.set(chosen_key(user_id), language)
        for listener in self._listeners:
            listener(user_id)
        return await self._in_own_zone(self.catalogs.get(language), user_id)

    async def choose_zone(self, user_id: int, zone: ZoneInfo) -> None:
        await self._preferences.set(zone_key(user_id), zone.key)

    async def own_zone(self, user_id: int) -> ZoneInfo | None:
        """The zone this person chose with /tz; None: DISPLAY_TIMEZONE's."""
        name = await self._preferences.get(zone_key(user_id))
        return find_zone(name) if name else None

    async def _in_own_zone(self, t: Translator, user_id: int) -> Translator:
        zone = await self.own_zone(user_id)
        return t if zone is None else t.in_zone(zone)
