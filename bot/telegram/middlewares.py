"""Per-update plumbing: when the update arrived, the operator's language, and who the
operator is (or a refusal)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.people.access import AccessService
from bot.people.languages import Languages
from bot.ui.i18n import Translator

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ArrivalMiddleware(BaseMiddleware):
    """Puts `arrived_at` (now) in the data: an error handler tells by it whether the update
    got as far as creating a send."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["arrived_at"] = datetime.now(UTC)
        return await handler(event, data)


class I18nMiddleware(BaseMiddleware):
    """Puts `t` (a Translator in the person's language, see `bot.people.languages`) in the data."""

    def __init__(self, languages: Languages) -> None:
        self._languages = languages

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            data["t"] = self._languages.catalogs.get(None)
        else:
            data["t"] = await self._languages.for_update(user.id, user.language_code)
        return await handler(event, data)


class AccessMiddleware(BaseMiddleware):
    """Puts `operator` in the handler data; anyone else is refused here, once.

    The one exception is ``/start <token>`` (an invite link): it reaches the start handler,
    which accepts or refuses the invite. A refused person causes no write: only an
    operator's Telegram language is remembered.
    """

    def __init__(self, access: AccessService, languages: Languages) -> None:
        self._access = access
        self._languages = languages

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        operator = await self._access.operator(user.id) if user is not None else None
        data["operator"] = operator
        if operator is not None:
            assert user is not None
            await self._languages.seen(user.id, user.language_code)
            await self._access.seen(operator, user.full_name)
            return await handler(event, data)
        if isinstance(event, Message) and _is_invite(event):
            return await handler(event, data)
        t: Translator = data["t"]
        user_id = user.id if user is not None else 0
        log.info("event=refused user_id=%d kind=%s", user_id, type(event).__name__)
        refusal = t("access-refused", user_id=str(user_id))
        if isinstance(event, Message):
            await event.answer(refusal)
        elif isinstance(event, CallbackQuery):
            await event.answer(t("access-refused-short", user_id=str(user_id)), show_alert=True)
        return None


def _is_invite(message: Message) -> bool:
    text = message.text or ""
    command, _, payload = text.partition(" ")
    return command.split("@")[0] == "/start" and bool(payload.strip())
