"""Access filters for routers: which roles a router's handlers serve."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from storage import Operator, Role


class RoleFilter(Filter):
    def __init__(self, roles: Iterable[Role]) -> None:
        self._roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, operator: Operator | None = None) -> bool:
        return operator is not None and operator.role in self._roles
