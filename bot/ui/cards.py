"""What every card shares: its text and buttons (`Card`), the channel names on it, the sandbox's
mark, who a send went to. The form card is `bot.ui.form_card`, the status card
`bot.ui.status_card`.

Every string that came from a person or the platform is escaped (via the translator's
arguments or `html.escape`); a card is HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup

from bot.sending.platform import PlatformAccount
from bot.sending.stored import app_user
from bot.sending.voice import VOICE_CODE_LABEL
from bot.ui.i18n import Translator
from provider.channels import CHANNEL_RULES, MessageType
from provider.phone import (
    mask_phone,
)
from storage import Send


@dataclass(frozen=True, slots=True)
class Card:
    text: str
    keyboard: InlineKeyboardMarkup | None = None

    @property
    def fingerprint(self) -> str:
        """Equal for cards Telegram would show the same (an edit to it is "not modified")."""
        markup = self.keyboard.model_dump_json() if self.keyboard else ""
        return hashlib.sha256(f"{self.text}\0{markup}".encode()).hexdigest()


def sandbox_mark(account: PlatformAccount, t: Translator) -> str:
    return t("card-sandbox") + "\n" if account.is_sandbox else ""


def chain_label(channels: Sequence[str], *, voice_code: bool = False) -> str:
    """``Viber → SMS``: a send's steps by their message types (`voice_code`: the account
    reads its FlashingCalls out, so they are VoiceCodes)."""
    return " → ".join(channel_label(channel, voice_code=voice_code) for channel in channels)


def channel_label(channel: str, *, voice_code: bool = False) -> str:
    """How people call a step's type; a FLASHINGCALL read out is a VoiceCode."""
    if voice_code and channel == MessageType.FLASHINGCALL:
        return VOICE_CODE_LABEL
    return CHANNEL_RULES[MessageType(channel)].label


def recipient_label(send: Send, t: Translator) -> str:
    """Who a send went to: the masked phone, or the app user of a Push without one."""
    if send.destination:
        return mask_phone(send.destination)
    user = app_user(send.request)
    return t("status-app-user", user=user) if user else "—"
