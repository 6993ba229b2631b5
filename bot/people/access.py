"""Who may do what: operators and their roles, bootstrap admins, invites."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from storage import (
    CreatedInvite,
    Invite,
    InviteRejection,
    InviteRepository,
    Operator,
    OperatorRepository,
    Role,
)

log = logging.getLogger(__name__)

INVITE_LIFETIME = timedelta(hours=24)

SENDING_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})
VIEWING_ROLES = frozenset({Role.ADMIN, Role.OPERATOR, Role.VIEWER})

RoleListener = Callable[[int], None]
"""Told the id of a person whose role changed: granted, changed, revoked (their command
menu follows it). Called after the change is stored; it must not block."""


class AccessService:
    def __init__(
        self,
        operators: OperatorRepository,
        invites: InviteRepository,
        admin_ids: Iterable[int],
    ) -> None:
        self._operators = operators
        self._invites = invites
        self._admin_ids = frozenset(admin_ids)
        self._listeners: list[RoleListener] = []

    def on_role_change(self, listener: RoleListener) -> None:
        self._listeners.append(listener)

    def _changed(self, user_id: int) -> None:
        for listener in self._listeners:
            listener(user_id)

    async def bootstrap_admins(self) -> None:
        """ADMIN_IDS are admins from the first start (and stay admins)."""
        for user_id in sorted(self._admin_ids):
            current = await self._operators.get(user_id)
            if current is None or not current.active or current.role is not Role.ADMIN:
                await self._operators.grant(user_id, Role.ADMIN, by=None)
                log.info("event=admin_bootstrapped user_id=%d", user_id)

    async def operator(self, user_id: int) -> Operator | None:
        """The active operator behind a Telegram user, None for anyone else."""
        operator = await self._operators.get(user_id)
        return operator if operator is not None and operator.active else None

    async def seen(self, operator: Operator, display_name: str) -> None:
        """An operator wrote or pressed something: /operators lists them by the name
        Telegram shows for them now (a /grant by id alone knew none)."""
        if display_name and display_name != operator.display_name:
            await self._operators.set_display_name(operator.user_id, display_name)

    async def grant(
        self, admin: Operator, user_id: int, role: Role, display_name: str | None = None
    ) -> Operator:
        granted = await self._operators.grant(
            user_id, role, by=admin.user_id, display_name=display_name
        )
        self._changed(user_id)
        return granted

    async def revoke(self, admin: Operator, user_id: int) -> bool:
        revoked = await self._operators.revoke(user_id, by=admin.user_id)
        if revoked:
            self._changed(user_id)
        return revoked

    async def list_operators(self) -> list[Operator]:
        return await self._operators.list_active()

    async def create_invite(self, admin: Operator, role: Role) -> CreatedInvite:
        return await self._invites.create(role, created_by=admin.user_id, valid_for=INVITE_LIFETIME)

    async def open_invites(self) -> list[Invite]:
        """Invites that can still be used, newest first."""
        return await self._invites.list_open()

    async def cancel_invite(self, admin: Operator, invite_id: int) -> bool:
        """False when it was used or cancelled already."""
        return await self._invites.cancel(invite_id, by=admin.user_id)

    async def use_invite(
        self, token: str, user_id: int, display_name: str | None
    ) -> Operator | InviteRejection:
        result = await self._invites.consume(token, user_id=user_id, display_name=display_name)
        if isinstance(result, Operator):
            self._changed(user_id)
        return result

    def is_bootstrap_admin(self, user_id: int) -> bool:
        return user_id in self._admin_ids
