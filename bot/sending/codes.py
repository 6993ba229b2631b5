"""FlashingCall codes: the digits the subscriber sees as the caller's number."""

from __future__ import annotations

import secrets

from provider.channels import FLASHCALL_CODE_LENGTHS

DEFAULT_CODE_LENGTH = 4
LONG_CODE_WORDS = frozenset({"6", "6digits", "long"})
"""What an operator may type instead of a code to get a random six-digit one."""


def random_code(length: int = DEFAULT_CODE_LENGTH) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def code_from_argument(argument: str | None) -> str | None:
    """The code ``/flashcall <phone> [code]`` asks for: a random one when none is given (or
    six random digits for ``6``), the operator's own when it is 4 or 6 digits; None when the
    argument is neither."""
    if argument is None:
        return random_code()
    if argument.lower() in LONG_CODE_WORDS:
        return random_code(6)
    if argument.isascii() and argument.isdigit() and len(argument) in FLASHCALL_CODE_LENGTHS:
        return argument
    return None
