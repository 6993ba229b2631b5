"""The router tree: who may reach which conversation.

    root
    ├── common          /start (and invite links), /help, /cancel, /lang: every operator
    ├── viewers         role admin, operator or viewer
    ├── senders         role admin or operator: the form card, /sms, /flashcall, /send, /cascade
    ├── admins          role admin
    └── fallback        included last: typos, refused commands, a number typed alone,
                        stale buttons

People who are not operators never get this far: the access middleware answers them.
"""

from __future__ import annotations

from aiogram import Router

from bot.people.access import SENDING_ROLES, VIEWING_ROLES
from bot.telegram.filters import RoleFilter
from handlers import (
    admin,
    cascade,
    common,
    errors,
    fallback,
    flashcall,
    form,
    send,
    sms,
    status,
)
from storage import Role


def _restricted(name: str, roles: frozenset[Role], *children: Router) -> Router:
    router = Router(name=name)
    router.message.filter(RoleFilter(roles))
    router.callback_query.filter(RoleFilter(roles))
    router.include_routers(*children)
    return router


def setup_routers() -> Router:
    root = Router(name="root")
    errors.register(root)
    root.include_router(common.create_router())
    root.include_router(_restricted("viewers", VIEWING_ROLES, status.create_router()))
    root.include_router(
        _restricted(
            "senders",
            SENDING_ROLES,
            form.create_router(),
            sms.create_router(),
            flashcall.create_router(),
            send.create_router(),
            cascade.create_router(),
        )
    )
    root.include_router(_restricted("admins", frozenset({Role.ADMIN}), admin.create_router()))
    root.include_router(fallback.create_router())
    return root
