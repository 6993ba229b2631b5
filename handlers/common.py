"""/start (and invite links), /help, /cancel, /lang: what every operator can do."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.people.access import SENDING_ROLES, AccessService
from bot.people.languages import Languages
from bot.sending.form_state import DRAFT_KEY
from bot.telegram.callbacks import LanguageCallback
from bot.telegram.keyboards import choice_keyboard
from bot.telegram.replies import close_form
from bot.ui.i18n import LANGUAGES, Translator
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


async def start(message: Message, operator: Operator, t: Translator) -> None:
    await message.answer(t("start", role=t("role-" + operator.role.value)))
    await message.answer(help_text(operator.role, t))


async def help_(message: Message, operator: Operator, t: Translator) -> None:
    await message.answer(help_text(operator.role, t))


async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    had_form = await state.get_state() is not None or DRAFT_KEY in await state.get_data()
    await close_form(message.bot, message.chat.id, state)
    await message.answer(t("cancelled") if had_form else t("nothing-to-cancel"))


async def choose_language(message: Message, t: Translator) -> None:
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


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(start_with_invite, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(choose_language, Command("lang"))
    router.callback_query.register(set_language, LanguageCallback.filter(F.language.in_(LANGUAGES)))
    return router
