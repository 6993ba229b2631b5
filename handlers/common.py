"""/start (and invite links), /help, /cancel, /lang, /tz: what every operator can do."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.people.access import SENDING_ROLES, AccessService
from bot.people.languages import Languages
from bot.sending.form_state import DRAFT_KEY
from bot.telegram.callbacks import LanguageCallback
from bot.telegram.commands import CommandMenus
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.limits import cut_plain
from bot.telegram.replies import close_form
from bot.ui.i18n import LANGUAGES, Html, Translator
from bot.ui.timefmt import find_zone, similar_zones
from storage import InviteRejection, Operator, Role


def help_text(role: Role, t: Translator) -> str:
    """What this role may do, and only that: a viewer is not told of commands it would be
    refused, an admin is told of the admin commands."""
    parts = [t("help-intro")]
    if role in SENDING_ROLES:
        parts.append(t("help-sending"))
    parts.append(t("help-viewing"))
    parts.append(t("help-common"))
    if role is Role.ADMIN:
        parts.append(t("help-admin"))
    return "\n\n".join(parts)


TYPED_ZONE_SHOWN = 64
"""Characters of an unknown zone quoted back; the longest zone name has 32."""


async def start_with_invite(
    message: Message,
    command: CommandObject,
    operator: Operator | None,
    access: AccessService,
    t: Translator,
) -> None:
    if operator is not None:
        await message.answer(t("start-already", role=t("role-" + operator.role.value)))
        return
    user = message.from_user
    if user is None:
        return
    result = await access.use_invite(command.args or "", user.id, user.full_name)
    if isinstance(result, InviteRejection):
        await message.answer(t("invite-" + result.value.replace("_", "-"), user_id=str(user.id)))
        return
    await message.answer(t("invite-welcome", role=t("role-" + result.role.value)))
    await message.answer(help_text(result.role, t))


async def start(message: Message, operator: Operator, menus: CommandMenus, t: Translator) -> None:
    # Telegram keeps no menu for a chat the person never opened: now it exists.
    menus.refresh(operator.user_id)
    await message.answer(t("start", role=t("role-" + operator.role.value)))
    await message.answer(help_text(operator.role, t))


async def help_(message: Message, operator: Operator, t: Translator) -> None:
    await message.answer(help_text(operator.role, t))


async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    had_form = await state.get_state() is not None or DRAFT_KEY in await state.get_data()
    await close_form(message.bot, message.chat.id, state)
    await message.answer(t("cancelled") if had_form else t("nothing-to-cancel"))


async def choose_language(
    message: Message, command: CommandObject, languages: Languages, t: Translator
) -> None:
    """``/lang en`` switches at once; ``/lang`` alone (or an unknown language) shows the
    choice."""
    wanted = (command.args or "").strip().lower()
    if wanted in LANGUAGES and message.from_user is not None:
        t = await languages.choose(message.from_user.id, wanted)
        await message.answer(t("language-set"))
        return
    choices = [
        (t("language-" + language), LanguageCallback(language=language)) for language in LANGUAGES
    ]
    await message.answer(
        t("language-choose"), reply_markup=choice_keyboard(choices, width=len(LANGUAGES))
    )


async def set_language(
    query: CallbackQuery, callback_data: LanguageCallback, languages: Languages
) -> None:
    t = await languages.choose(query.from_user.id, callback_data.language)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(t("language-set"))


async def time_zone(
    message: Message, command: CommandObject, languages: Languages, t: Translator
) -> None:
    """``/tz Europe/Moscow`` chooses the zone of one's times; ``/tz`` alone shows it."""
    user = message.from_user
    if user is None:
        return
    typed = (command.args or "").strip()
    if not typed:
        own = await languages.own_zone(user.id) is not None
        await message.answer(
            t(
                "tz-current",
                zone=t.times.zone_name,
                now=t.times.clock(datetime.now(UTC)),
                source="own" if own else "default",
            )
        )
        return
    zone = find_zone(typed)
    if zone is None:
        # Quoted back, but not a whole message of it: zone names are short.
        lines = [t("tz-unknown", typed=cut_plain(typed, TYPED_ZONE_SHOWN))]
        if similar := similar_zones(typed):
            codes = ", ".join(f"<code>/tz {html.escape(name)}</code>" for name in similar)
            lines.append(t("tz-similar", zones=Html(codes)))
        await message.answer("\n".join(lines))
        return
    await languages.choose_zone(user.id, zone)
    t = t.in_zone(zone)
    await message.answer(t("tz-set", zone=t.times.zone_name, now=t.times.clock(datetime.now(UTC))))


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(start_with_invite, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(choose_language, Command("lang"))
    router.message.register(time_zone, Command("tz"))
    router.callback_query.register(set_language, LanguageCallback.filter(F.language.in_(LANGUAGES)))
    return router
