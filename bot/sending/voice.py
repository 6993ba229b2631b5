"""VoiceCode: a FLASHINGCALL whose code a voice call reads out, on accounts that have it.

Seed 004: a VoiceCode is sent as type FLASHINGCALL with the code alone, four digits (lines
9-10, 69), and the service is agreed with the platform per account (line 70). So whether a
FLASHINGCALL is called or read out is the account's (`AccountConfig.voice_code`): on such
an account every FlashingCall step is a VoiceCode and must be four digits alone, and a
VoiceCode form needs such an account.
"""

from __future__ import annotations

from pydantic_core import InitErrorDetails, PydanticCustomError

from bot.sending.codes import is_voice_code
from bot.sending.drafts import Draft
from provider.channels import VOICE_CODE_LENGTH, MessageType

VOICE_CODE_LABEL = "VoiceCode"

VOICE_CODE_TEXT = "voice_code"
"""The violation of a VoiceCode text that is not four digits alone (``rule-voice-code``)."""
VOICE_CODE_ACCOUNT = "voice_code_account"
"""A VoiceCode form on an account without VoiceCode (``rule-voice-code-account``)."""


def voice_code_violations(
    draft: Draft, account: str, *, voice_code: bool
) -> list[InitErrorDetails]:
    """What keeps this draft from going as VoiceCode through `account` (which has VoiceCode
    when `voice_code`); empty when nothing does."""
    if not voice_code:
        if draft.kind != "voicecode":
            return []
        error = PydanticCustomError(
            VOICE_CODE_ACCOUNT,
            "account {account} has no VoiceCode (voice_code in its settings)",
            {"account": account},
        )
        return [InitErrorDetails(type=error, loc=(), input=account)]
    return [
        InitErrorDetails(
            type=PydanticCustomError(
                VOICE_CODE_TEXT,
                "VoiceCode: the text must be the code alone, {length} digits",
                {"length": str(VOICE_CODE_LENGTH)},
            ),
            loc=("steps", index),
            input=step.text or "",
        )
        for index, step in enumerate(draft.steps)
        if step.channel is MessageType.FLASHINGCALL and not is_voice_code(step.text or "")
    ]
