"""Numbers read as the operator means them: the default region's first, anything else asked."""

from __future__ import annotations

import pytest

from provider.phone import (
    PhoneDoubt,
    PhoneNumberError,
    PhoneProblem,
    country_name,
    known_region,
    parse_phone,
    region_name,
)

_RU = "RU"

READINGS = [
    # (typed, digits sent, doubts)
    ("9001234560", "79001234560", ()),  # ten digits, as Russian support staff type them
    ("900 123-45-60", "79001234560", ()),
    ("89001234560", "79001234560", ()),  # the domestic trunk prefix
    ("8 (900) 123-45-60", "79001234560", ()),
    ("79001234560", "79001234560", ()),
    ("7 900 123 45 60", "79001234560", ()),
    ("+79001234560", "79001234560", ()),
    ("+7 (900) 123-45-60", "79001234560", ()),
    ("4951234567", "74951234567", ()),  # a Moscow landline, not Germany's +49 51...
    ("72101234567", "72101234567", ()),  # the seeds' own example, an unassigned range
    ("82101234567", "72101234567", ()),
    ("+380442589632", "380442589632", ()),  # foreign with +: meant so
    ("+4915112345678", "4915112345678", ()),
    ("380442589632", "380442589632", (PhoneDoubt.FOREIGN,)),  # foreign without +: asked
    ("4915112345678", "4915112345678", (PhoneDoubt.FOREIGN,)),
    ("810 49 151 12345678", "4915112345678", (PhoneDoubt.FOREIGN,)),  # Russia's 810 prefix
    ("+9001234560", "901234560", (PhoneDoubt.DIGITS,)),  # Turkey drops the 0: asked
]


@pytest.mark.parametrize(("typed", "digits", "doubts"), READINGS)
def test_a_number_is_read_as_the_operator_in_the_default_region_means_it(
    typed: str, digits: str, doubts: tuple[PhoneDoubt, ...]
) -> None:
    phone = parse_phone(typed, _RU)
    assert (phone.digits, phone.doubts) == (digits, doubts)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", PhoneProblem.EMPTY),
        ("900-123", PhoneProblem.TOO_SHORT),
        ("9001234", PhoneProblem.TOO_SHORT),
        ("90O1234560", PhoneProblem.CHARACTERS),  # a letter O for a zero
        ("abc", PhoneProblem.CHARACTERS),
        ("+7 900 123 45 60 12 34 56 78 90", PhoneProblem.TOO_LONG),
    ],
)
def test_what_is_no_number_says_what_is_wrong(typed: str, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneNumberError) as caught:
        parse_phone(typed, _RU)
    assert caught.value.problem is problem


def test_another_default_region_reads_its_own_numbers() -> None:
    assert parse_phone("0151 12345678", "DE").digits == "4915112345678"
    # A Russian number typed the Russian way in Ukraine: asked about.
    assert parse_phone("89001234560", "UA").doubts == (PhoneDoubt.FOREIGN,)


def test_without_a_region_numbers_are_international_as_the_platform_reads_them() -> None:
    assert parse_phone("79001234560").digits == "79001234560"
    assert parse_phone("89001234560").digits == "79001234560"
    assert parse_phone("380442589632").doubts == ()


def test_countries_are_named_in_the_operators_language() -> None:
    assert country_name("901234560", "ru") == "Турция"
    assert country_name("380442589632", "en") == "Ukraine"
    assert region_name("RU", "en") == "Russia"


def test_the_default_region_setting_must_be_a_known_country() -> None:
    assert known_region("ru") == "RU"
    with pytest.raises(ValueError, match="not a country code"):
        known_region("XX")
