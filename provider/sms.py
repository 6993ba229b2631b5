"""How many SMS parts a text takes, and in which encoding (GSM 03.38 7-bit or UCS-2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# GSM 03.38 basic character set (one septet each).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs an escape septet plus itself.
_GSM_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
"""Units in one message, and per part of a concatenated one (its header takes the rest)."""


@dataclass(frozen=True, slots=True)
class SmsParts:
    encoding: Literal["GSM-7", "UCS-2"]
    units: int
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    parts: int


def sms_parts(text: str) -> SmsParts:
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        return SmsParts("GSM-7", units, _parts(units, GSM_SINGLE, GSM_PART))
    units = len(text.encode("utf-16-le")) // 2
    return SmsParts("UCS-2", units, _parts(units, UCS2_SINGLE, UCS2_PART))


def _parts(units: int, single: int, per_part: int) -> int:
    if units <= single:
        return 1
    return -(-units // per_part)
