"""FlashingCall and VoiceCode codes: the digits the subscriber sees as the caller's number
(FlashingCall) or hears read out (VoiceCode)."""

from __future__ import annotations

import secrets

from pydantic import ValidationError

from provider.channels import VOICE_CODE_LENGTH
from provider.messages import VoiceCodeData, flashcall_code

DEFAULT_CODE_LENGTH = 4
LONG_CODE_WORDS = frozenset({"6", "6digits", "long"})
"""What an operator may type instead of a code to get a random six-digit one."""


def random_code(length: int = DEFAULT_CODE_LENGTH) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def code_from_argument(argument: str | None) -> str | None:
    """The text ``/flashcall <phone> [code | text]`` asks for: a random code when none is
    given (six random digits for ``6``); else what the operator typed when it holds one
    code, 4 or 6 digits, alone (``5821``) or in a text (``Ваш код 2268``: seed 004, line
    51, a text of up to 2000 characters that contains the code). None when it does not."""
    if argument is None:
        return random_code()
    if argument.lower() in LONG_CODE_WORDS:
        return random_code(6)
    return argument if flashcall_code(argument) is not None else None


def is_voice_code(text: str) -> bool:
    """A VoiceCode's text: the code alone, four digits (seed 004, lines 10, 69)."""
    try:
        VoiceCodeData(text=text)
    except ValidationError:
        return False
    return True


def voice_code_from_argument(argument: str | None) -> str | None:
    """The code ``/voicecode <phone> [code]`` asks for: random when none is given, else the
    operator's own four digits; None for anything else."""
    if argument is None:
        return random_code(VOICE_CODE_LENGTH)
    return argument if is_voice_code(argument) else None


def code_of(text: str | None) -> str:
    """The code a FlashingCall's (or VoiceCode's) text carries; "" when it names none."""
    return flashcall_code(text or "") or ""


def flashcall_text_from(text: str, *, voice_code: bool) -> str | None:
    """A cascade's FlashingCall step's text, taken from the text of the chain: the text
    itself when it holds a code (``Ваш код 2268``, as in the platform's own VK → Viber →
    FlashingCall → SMS chain), the code alone where calls are read out (VoiceCode, four
    digits); None when it holds no such code."""
    code = flashcall_code(text)
    if code is None or (voice_code and not is_voice_code(code)):
        return None
    return code if voice_code else text
