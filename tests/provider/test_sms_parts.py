"""SMS parts and encoding, as an operator sees them on the confirmation card."""

from __future__ import annotations

import pytest

from provider.sms import sms_parts


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts"),
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters count twice
        ("€" * 81, "GSM-7", 162, 2),
        ("Code: {1234} [ok] ~ ^ | \\", "GSM-7", 25 + 8, 1),
        ("Ваш код 1234", "UCS-2", 12, 1),
        ("я" * 70, "UCS-2", 70, 1),
        ("я" * 71, "UCS-2", 71, 2),
        ("я" * 134, "UCS-2", 134, 2),
        ("я" * 135, "UCS-2", 135, 3),
        ("a" * 69 + "😀", "UCS-2", 71, 2),  # outside the BMP: two UTF-16 units
        ("ç", "UCS-2", 1, 1),  # only capital Ç is in the GSM set
    ],
)
def test_parts_and_encoding(text: str, encoding: str, units: int, parts: int) -> None:
    result = sms_parts(text)
    assert (result.encoding, result.units, result.parts) == (encoding, units, parts)
