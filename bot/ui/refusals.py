"""Why a chain of channels cannot be sent from here, in the operator's words."""

from __future__ import annotations

from collections.abc import Sequence

from bot.sending.platform import Platform
from bot.ui.i18n import Html, Translator
from provider.channels import MessageType


def refusal_text(
    command: str, platform: Platform, channels: Sequence[MessageType], t: Translator
) -> str:
    """Why no account can send this chain, in the words of the default account's refusal."""
    refusal = platform.default.chain_refusal(channels)
    reason = t(refusal.key, **refusal.params) if refusal else ""
    return t("api-refused", command=command, reason=Html(reason))
