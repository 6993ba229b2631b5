"""Subscriber numbers in the forms the platform accepts, normalised to its canonical digits.

The platform takes a number with its country code and, for Russia, also the domestic
``8`` trunk prefix: ``72101234567``, ``+72101234567``, ``8-210-123-45-67``, ``82101234567``.
We send the canonical form: country code and number, digits only (``72101234567``).

People type numbers as they dial them at home: ``9001234560`` in Russia is
+7 900 123-45-60, not the Turkish +90 123 4560. So what an operator types is read with a
default region first (`parse_phone(raw, region="RU")`), and a reading that leaves that
country, or drops a digit that was typed, comes back with its doubts (`PhoneDoubt`) for
the operator to confirm before anything is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

import phonenumbers
from phonenumbers import geocoder

# Separators people type or paste: spaces (incl. no-break), dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015().]")
_DIGITS = re.compile(r"\+?\d+")
# A Russian number written with the domestic trunk prefix: 8 + ten digits.
_RUSSIAN_TRUNK = re.compile(r"8\d{10}")
# No subscriber anywhere has a shorter number with its country code (Niue: +683 4002);
# some countries' metadata allows shorter ones, which are service codes, not subscribers.
_MIN_DIGITS = 7
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


class PhoneProblem(StrEnum):
    """Why a text is not a number; the bot words each in the operator's language."""

    EMPTY = "empty"
    CHARACTERS = "characters"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NO_COUNTRY = "no_country"
    WRONG_LENGTH = "wrong_length"


_REASONS = {
    PhoneProblem.EMPTY: "it is empty",
    PhoneProblem.CHARACTERS: "only digits, '+', spaces, dashes and brackets are allowed",
    PhoneProblem.TOO_SHORT: "it is too short for a phone number",
    PhoneProblem.TOO_LONG: "it is too long for a phone number",
    PhoneProblem.NO_COUNTRY: "no country code can be recognised",
    PhoneProblem.WRONG_LENGTH: (
        "it has the wrong number of digits for its country (country code first)"
    ),
}


class PhoneDoubt(StrEnum):
    """Why a reading of a number should be confirmed by the person who typed it."""

    FOREIGN = "foreign"
    """Typed without ``+``, it reads as a number of another country than the default."""
    DIGITS = "digits"
    """The number does not hold every digit typed (a trunk prefix aside)."""


class PhoneNumberError(ValueError):
    """The text is not a subscriber number the platform would accept."""

    def __init__(self, raw: str, problem: PhoneProblem) -> None:
        self.raw = raw
        self.problem = problem
        self.reason = _REASONS[problem]
        super().__init__(f"{raw!r} is not a phone number: {self.reason}")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A parsed subscriber number."""

    digits: str
    """Canonical form sent to the platform: country code and number, digits only."""
    region: str | None
    """ISO region code (``RU``), None when the country code covers no single region."""
    assigned: bool
    """False when the number has a plausible length but lies in no assigned range."""
    doubts: tuple[PhoneDoubt, ...] = field(default=())
    """Why this reading should be confirmed before sending (empty: it is what was meant)."""

    @property
    def e164(self) -> str:
        return f"+{self.digits}"

    @property
    def masked(self) -> str:
        """The form for logs: everything but the last four digits hidden."""
        return mask_phone(self.digits)


def known_region(value: str) -> str:
    """An ISO region code phonenumbers knows (``RU``, ``kz`` -> ``KZ``), else ValueError."""
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{value!r} is not a country code phonenumbers knows (e.g. RU, KZ)")
    return region


def parse_phone(raw: str, region: str | None = None) -> PhoneNumber:
    """Parse a number typed by an operator (`region`: their country) or sent by a machine.

    Without `region`, numbers without ``+`` are read as international (country code first),
    like the platform does; an eleven-digit number starting with ``8`` is Russian. With
    `region`, a number without ``+`` is first read as that country's (``9001234560`` in RU:
    +7 900 123-45-60; ``8 900...``, ``7 900...`` too); only a number that is no valid one
    there is read as international, and then doubted as foreign.
    """
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        raise PhoneNumberError(raw, PhoneProblem.EMPTY)
    if not _DIGITS.fullmatch(text):
        raise PhoneNumberError(raw, PhoneProblem.CHARACTERS)
    typed = text.lstrip("+")
    explicit = text.startswith("+")
    if region is None or explicit:
        if len(typed) < _MIN_DIGITS:
            raise PhoneNumberError(raw, PhoneProblem.TOO_SHORT)
        number = _international(raw, typed, russian_trunk=not explicit)
        _require_possible(raw, number)
        return _result(number, typed, region=None, explicit=explicit)
    national = _parse_or_none(typed, region)
    international = _parse_or_none(_international_text(typed), None)
    readings = [
        (national, phonenumbers.is_valid_number),
        (international, phonenumbers.is_valid_number),
        (national, _is_possible),
        (international, _is_possible),
    ]
    for reading, good in readings:
        if reading is not None and good(reading) and _long_enough(reading):
            return _result(reading, typed, region=region, explicit=False)
    raise PhoneNumberError(raw, _problem(national or international))


def _international_text(typed: str) -> str:
    return "+7" + typed[1:] if _RUSSIAN_TRUNK.fullmatch(typed) else "+" + typed


_PARSE_PROBLEMS = {
    phonenumbers.NumberParseException.TOO_LONG: PhoneProblem.TOO_LONG,
    phonenumbers.NumberParseException.TOO_SHORT_NSN: PhoneProblem.TOO_SHORT,
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: PhoneProblem.TOO_SHORT,
}


def _international(raw: str, typed: str, *, russian_trunk: bool) -> phonenumbers.PhoneNumber:
    text = _international_text(typed) if russian_trunk else "+" + typed
    try:
        return phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        problem = _PARSE_PROBLEMS.get(exc.error_type, PhoneProblem.NO_COUNTRY)
        raise PhoneNumberError(raw, problem) from exc


def _parse_or_none(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _is_possible(number: phonenumbers.PhoneNumber) -> bool:
    # IS_POSSIBLE_LOCAL_ONLY (a number without its area code) is not enough: the platform
    # needs the whole international number.
    return bool(phonenumbers.is_possible_number_with_reason(number) == _POSSIBLE)


def _long_enough(number: phonenumbers.PhoneNumber) -> bool:
    """With its country code, as the platform gets it (see _MIN_DIGITS)."""
    national = phonenumbers.national_significant_number(number)
    return len(str(number.country_code)) + len(national) >= _MIN_DIGITS


def _require_possible(raw: str, number: phonenumbers.PhoneNumber) -> None:
    if not _is_possible(number):
        raise PhoneNumberError(raw, _problem(number))


def _problem(number: phonenumbers.PhoneNumber | None) -> PhoneProblem:
    if number is None:
        return PhoneProblem.NO_COUNTRY
    reason = phonenumbers.is_possible_number_with_reason(number)
    results = phonenumbers.ValidationResult
    if reason in (results.TOO_SHORT, results.IS_POSSIBLE_LOCAL_ONLY):
        return PhoneProblem.TOO_SHORT
    if reason == results.TOO_LONG:
        return PhoneProblem.TOO_LONG
    if reason == results.INVALID_COUNTRY_CODE:
        return PhoneProblem.NO_COUNTRY
    return PhoneProblem.WRONG_LENGTH


def _result(
    number: phonenumbers.PhoneNumber, typed: str, *, region: str | None, explicit: bool
) -> PhoneNumber:
    doubts = []
    if (
        region is not None
        and not explicit
        and number.country_code != phonenumbers.country_code_for_region(region)
    ):
        doubts.append(PhoneDoubt.FOREIGN)
    if not _holds_every_digit(number, typed, region):
        doubts.append(PhoneDoubt.DIGITS)
    return PhoneNumber(
        digits=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:],
        region=phonenumbers.region_code_for_number(number),
        assigned=phonenumbers.is_valid_number(number),
        doubts=tuple(doubts),
    )


def _holds_every_digit(number: phonenumbers.PhoneNumber, typed: str, region: str | None) -> bool:
    """Whether the digits typed are the number's, give or take its country code or a trunk
    prefix (``+90 0123...`` loses the 0: Turkey's numbers do not start with it)."""
    national = phonenumbers.national_significant_number(number)
    country = str(number.country_code)
    prefixes = {"", country}
    main_region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    for code in (region, main_region):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(code) if code else None
        if metadata is None:
            continue
        if metadata.national_prefix:
            prefixes.add(metadata.national_prefix)
        if metadata.international_prefix and metadata.international_prefix.isdigit():
            prefixes.add(metadata.international_prefix + country)  # 00 49..., 810 49...
    return any(typed == prefix + national for prefix in prefixes)


def country_name(digits: str, language: str) -> str:
    """The country of a canonical number in `language` (``Турция``); "" when unknown."""
    number = _parse_or_none("+" + digits, None)
    return "" if number is None else str(geocoder.country_name_for_number(number, language))


def region_name(region: str, language: str) -> str:
    """A region's name in `language` (``RU`` -> ``Россия``); the code itself if unknown."""
    example = phonenumbers.example_number(region)
    name = geocoder.country_name_for_number(example, language) if example is not None else ""
    return str(name) or region


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
