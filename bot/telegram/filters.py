"""Filters of the routers: which roles a router's handlers serve, and which form a button or
a typed answer belongs to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

from bot.sending.form_state import active_draft, load_draft
from bot.telegram.callbacks import FormCallback
from storage import Operator, Role


class RoleFilter(Filter):
    def __init__(self, roles: Iterable[Role]) -> None:
        self._roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, operator: Operator | None = None) -> bool:
        return operator is not None and operator.role in self._roles


class ActiveForm(Filter):
    """The pressed button belongs to the person's current form, as it is now (the version the
    button was drawn with); the handler gets the form as `draft`.

    A button of an older form (sent, cancelled, replaced, another person's in a group)
    matches no handler and is answered by the fallback's polite "no longer active"; one of
    the current form drawn with an older version, by `OutdatedCard`.
    """

    async def __call__(
        self, event: TelegramObject, callback_data: FormCallback, state: FSMContext
    ) -> bool | dict[str, Any]:
        draft = await active_draft(state, callback_data.form)
        if draft is None or draft.version != callback_data.version:
            return False
        return {"draft": draft}


class OutdatedCard(Filter):
    """A button of the current form, drawn with another version than the form's now: the
    card pressed does not show what would be sent."""

    async def __call__(
        self, event: TelegramObject, callback_data: FormCallback, state: FSMContext
    ) -> bool | dict[str, Any]:
        draft = await active_draft(state, callback_data.form)
        if draft is None or draft.version == callback_data.version:
            return False
        return {"draft": draft}


class TypedIntoForm(Filter):
    """A text typed as the answer to a flow's question (not a command: a command is never an
    answer) while the person has a form; the handler gets the form as `draft`. Without a
    form (one saved by an older version of the bot) no step matches, and the fallback says
    the form is no longer active."""

    async def __call__(self, event: TelegramObject, state: FSMContext) -> bool | dict[str, Any]:
        if not isinstance(event, Message) or not event.text or event.text.startswith("/"):
            return False
        draft = await load_draft(state)
        return False if draft is None else {"draft": draft}
