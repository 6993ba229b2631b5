"""FlashingCall's text holds the code (seed 004); a VoiceCode's text is the code alone."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from provider.messages import (
    FlashingCallData,
    FlashingCallMessage,
    VoiceCodeData,
    VoiceCodeMessage,
    flashcall_code,
)
from provider.request import SendRequest
from provider.violations import describe


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1234", "1234"),
        ("123456", "123456"),
        ("Ваш код 2268", "2268"),
        ("Код 2268, действует 5 минут", "2268"),
        ("Your code: 004217. Call +7 900 123-45-67 if it was not you", "004217"),
        ("Ваш код", None),
        ("12345", None),
        ("1234567", None),
        ("1234 или 5678", None),
        ("Код ١٢٣٤", None),  # Arabic-Indic digits are no code for a telephone number
    ],
)
def test_the_code_is_the_texts_one_run_of_4_or_6_digits(text: str, code: str | None) -> None:
    assert flashcall_code(text) == code


def test_the_documented_cascade_text_is_a_flashing_call_with_its_code() -> None:
    # The platform's cascade example VK > Viber > FlashingCall > SMS sends "Ваш код 2268"
    # (provider-api.md, lines 45 and 82).
    data = FlashingCallData(text="Ваш код 2268", ttl=2)

    assert data.code == "2268"


def test_a_voice_code_is_the_code_alone_and_goes_out_as_a_flashing_call() -> None:
    message = VoiceCodeMessage(data=VoiceCodeData(text="0042", ttl=1))

    wire = SendRequest(dest_addr="79001234560", message=message).to_wire()

    assert isinstance(message, FlashingCallMessage)
    assert wire["message"] == {"type": "FLASHINGCALL", "data": {"text": "0042", "ttl": 1}}


@pytest.mark.parametrize("text", ["Ваш код 1234", "123456", "123", "12a4"])
def test_a_voice_code_refuses_anything_but_four_digits(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        VoiceCodeData(text=text, ttl=1)

    [violation] = describe(caught.value)
    assert (violation.field, violation.rule) == ("text", "flashcall_code")
    assert violation.message == "VoiceCode text must be the code alone: 4 digits"
    assert violation.context["lengths"] == "4"


def test_a_voice_code_keeps_flashing_calls_lifetime() -> None:
    with pytest.raises(ValidationError) as caught:
        VoiceCodeData(text="1234", ttl=6)

    [violation] = describe(caught.value)
    assert violation.rule == "ttl_out_of_range"
    assert "FlashingCall lifetime must be from 1 min to 5 min" in violation.message
