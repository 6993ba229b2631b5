"""Subscriber numbers in the forms the platform accepts, normalised to its canonical digits.

The platform takes a number with its country code and, for Russia, also the domestic
``8`` trunk prefix: ``72101234567``, ``+72101234567``, ``8-210-123-45-67``, ``82101234567``.
We send the canonical form: country code and number, digits only (``72101234567``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

# Separators people type or paste: spaces (incl. no-break), dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015().]")
_DIGITS = re.compile(r"\+?\d+")
# A Russian number written with the domestic trunk prefix: 8 + ten digits.
_RUSSIAN_TRUNK = re.compile(r"8\d{10}")
# No subscriber anywhere has a shorter number with its country code (Niue: +683 4002);
# some countries' metadata allows shorter ones, which are service codes, not subscribers.
_MIN_DIGITS = 7


class PhoneNumberError(ValueError):
    """The text is not a subscriber number the platform would accept."""

    def __init__(self, raw: str, reason: str) -> None:
        super().__init__(f"{raw!r} is not a phone number: {reason}")
        self.raw = raw
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A parsed subscriber number."""

    digits: str
    """Canonical form sent to the platform: country code and number, digits only."""
    region: str | None
    """ISO region code (``RU``), None when the country code covers no single region."""
    assigned: bool
    """False when the number has a plausible length but lies in no assigned range."""

    @property
    def e164(self) -> str:
        return f"+{self.digits}"

    @property
    def masked(self) -> str:
        """The form for logs: everything but the last four digits hidden."""
        return mask_phone(self.digits)


def parse_phone(raw: str) -> PhoneNumber:
    """Parse a number typed by an operator or sent by the platform.

    Numbers without ``+`` are read as international (country code first), like the
    platform does; an eleven-digit number starting with ``8`` is Russian (domestic prefix).
    """
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        raise PhoneNumberError(raw, "it is empty")
    if not _DIGITS.fullmatch(text):
        raise PhoneNumberError(raw, "only digits, '+', spaces, dashes and brackets are allowed")
    if len(text.lstrip("+")) < _MIN_DIGITS:
        raise PhoneNumberError(raw, "it is too short for a number with its country code")
    if text.startswith("+"):
        international = text
    elif _RUSSIAN_TRUNK.fullmatch(text):
        international = "+7" + text[1:]
    else:
        international = "+" + text
    try:
        number = phonenumbers.parse(international, None)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError(raw, "no country code can be recognised") from exc
    # IS_POSSIBLE_LOCAL_ONLY (a number without its area code) is not enough: the platform
    # needs the whole international number.
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise PhoneNumberError(
            raw, "it has the wrong number of digits for its country (country code first)"
        )
    return PhoneNumber(
        digits=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:],
        region=phonenumbers.region_code_for_number(number),
        assigned=phonenumbers.is_valid_number(number),
    )


def mask_phone(value: str) -> str:
    """Hide all but the last four digits of a phone number (for logs and shared chats)."""
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def format_international(digits: str) -> str:
    """``+7 900 123-45-60`` for people; the digits unchanged if they do not parse."""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
