"""/operators, /grant, /revoke, /invite, /invites: admins manage who may use the bot."""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.people.access import INVITE_LIFETIME, AccessService
from bot.telegram.callbacks import InviteCallback
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.limits import answer_in_parts
from bot.ui.i18n import Translator
from storage import Operator, Role

ROLE_NAMES = {role.value: role for role in Role}
LARGEST_USER_ID = 2**63 - 1
"""What the database can hold (Telegram's ids use 52 bits of it)."""


def _role_arg(text: str | None, default: Role) -> Role | None:
    return default if not text else ROLE_NAMES.get(text.strip().lower())


def _user_id(text: str) -> int | None:
    """A Telegram user id as typed: ASCII digits (``int`` would read ``²`` or ``٣`` too, or
    fail on them), small enough to store."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= LARGEST_USER_ID else None


async def operators(message: Message, access: AccessService, t: Translator) -> None:
    people = await access.list_operators()
    lines = [
        t(
            "operators-line",
            name=person.display_name or "—",
            user_id=str(person.user_id),
            role=t("role-" + person.role.value),
        )
        for person in people
    ]
    title = t("operators-title", count=len(people))
    await answer_in_parts(message, title + "\n" + "\n".join(lines), t)


async def grant(
    message: Message,
    command: CommandObject,
    operator: Operator,
    access: AccessService,
    bot: Bot,
    t: Translator,
) -> None:
    args = (command.args or "").split()
    role = _role_arg(args[1] if len(args) > 1 else None, Role.OPERATOR)
    user_id = _user_id(args[0]) if args else None
    if user_id is None or role is None or len(args) > 2:
        await message.answer(t("grant-usage"))
        return
    if user_id == operator.user_id:
        await message.answer(t("grant-self"))
        return
    granted = await access.grant(operator, user_id, role, await _telegram_name(bot, user_id))
    await message.answer(
        t("granted", user_id=str(granted.user_id), role=t("role-" + granted.role.value))
    )


async def _telegram_name(bot: Bot, user_id: int) -> str | None:
    """The name Telegram shows for a person, if they ever wrote to the bot (their private
    chat with it exists); else None, and the name is learnt when they first write."""
    with contextlib.suppress(TelegramAPIError):
        chat = await bot.get_chat(user_id)
        name = " ".join(part for part in (chat.first_name, chat.last_name) if part)
        return name or None
    return None


async def revoke(
    message: Message,
    command: CommandObject,
    operator: Operator,
    access: AccessService,
    t: Translator,
) -> None:
    arg = (command.args or "").strip()
    user_id = _user_id(arg)
    if user_id is None:
        await message.answer(t("revoke-usage"))
        return
    if user_id == operator.user_id:
        await message.answer(t("revoke-self"))
        return
    if access.is_bootstrap_admin(user_id):
        await message.answer(t("revoke-bootstrap", user_id=arg))
        return
    if await access.revoke(operator, user_id):
        await message.answer(t("revoked", user_id=arg))
    else:
        await message.answer(t("revoke-unknown", user_id=arg))


async def invite(
    message: Message,
    command: CommandObject,
    operator: Operator,
    access: AccessService,
    bot: Bot,
    t: Translator,
) -> None:
    role = _role_arg(command.args, Role.OPERATOR)
    if role is None:
        await message.answer(t("invite-usage"))
        return
    created = await access.create_invite(operator, role)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={created.token}"
    hours = int(INVITE_LIFETIME.total_seconds() // 3600)
    await message.answer(t("invite-created", link=link, role=t("role-" + role.value), hours=hours))


async def open_invites(message: Message, access: AccessService, t: Translator) -> None:
    text, keyboard = await _invites_list(access, t)
    await message.answer(text, reply_markup=keyboard)


async def cancel_invite(
    query: CallbackQuery,
    callback_data: InviteCallback,
    operator: Operator,
    access: AccessService,
    t: Translator,
) -> None:
    number = str(callback_data.invite_id)
    cancelled = await access.cancel_invite(operator, callback_data.invite_id)
    await query.answer(t("invite-cancel-done" if cancelled else "invite-cancel-gone", id=number))
    if isinstance(query.message, Message):
        text, keyboard = await _invites_list(access, t)
        await query.message.edit_text(text, reply_markup=keyboard)


async def _invites_list(
    access: AccessService, t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The open invites, each with its cancel button."""
    invites = await access.open_invites()
    if not invites:
        return t("invites-empty"), None
    lines = [t("invites-title", count=len(invites))]
    lines += [
        t(
            "invites-line",
            id=str(invite.id),
            role=t("role-" + invite.role.value),
            creator=str(invite.created_by),
            until=t.times.day(invite.expires_at),
        )
        for invite in invites
    ]
    buttons = [
        (t("button-cancel-invite", id=str(invite.id)), InviteCallback(invite_id=invite.id))
        for invite in invites
    ]
    return "\n".join(lines), choice_keyboard(buttons, width=3)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(operators, Command("operators"))
    router.message.register(grant, Command("grant"))
    router.message.register(revoke, Command("revoke"))
    router.message.register(invite, Command("invite"))
    router.message.register(open_invites, Command("invites"))
    router.callback_query.register(cancel_invite, InviteCallback.filter())
    return router
