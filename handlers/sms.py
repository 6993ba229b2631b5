"""/sms <phone> <text>: one line to the form card."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.sending.drafts import Draft, StepDraft
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.telegram.replies import read_phone_and_rest, start_form
from bot.ui.i18n import Translator
from provider.channels import MessageType


async def sms(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    platform: Platform,
    sending: SendService,
    t: Translator,
) -> None:
    read = await read_phone_and_rest(message, command, sending, t, usage="sms-usage")
    if read is None:
        return
    phone, text = read
    account = platform.default
    draft = Draft(
        kind="sms",
        account=account.name,
        steps=[
            StepDraft(
                channel=MessageType.SMS,
                text=text or None,
                sender=next(iter(account.senders), None),
            )
        ],
    ).with_phone(phone)
    await start_form(message, draft, state, platform, sending, t)


def create_router() -> Router:
    """A fresh router with this conversation's handlers, in the order of the dialogue."""
    router = Router(name=__name__)
    router.message.register(sms, Command("sms"))
    return router
