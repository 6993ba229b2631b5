"""Property tests: phone numbers in every accepted form, and extraParam encoding."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from provider.extra_params import ExtraParamError, decode_extra_params, encode_extra_params
from provider.phone import PhoneNumberError, mask_phone, parse_phone

# Russian mobile numbers: +7 9XX XXX XX XX.
russian_mobiles = st.from_regex(r"9[0-9]{9}", fullmatch=True)


def written_forms(national: str) -> list[str]:
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    return [
        f"7{national}",
        f"+7{national}",
        f"8{national}",
        f"8-{a}-{b}-{c}-{d}",
        f"+7 ({a}) {b}-{c}-{d}",
        f" 8 ({a}) {b} {c} {d} ",
        f"+7\u00a0{a}\u00a0{b}\u00a0{c}{d}",
    ]


@given(russian_mobiles)
def test_every_accepted_form_gives_the_same_canonical_digits(national: str) -> None:
    for form in written_forms(national):
        assert parse_phone(form).digits == f"7{national}", form


@given(russian_mobiles)
def test_canonical_digits_parse_to_themselves(national: str) -> None:
    digits = parse_phone(f"8{national}").digits
    assert parse_phone(digits).digits == digits


@given(st.text(min_size=1).filter(lambda s: any(ch.isalpha() for ch in s)))
def test_text_with_letters_is_refused(text: str) -> None:
    with pytest.raises(PhoneNumberError):
        parse_phone(text)


@given(st.from_regex(r"\+?[0-9]{1,6}", fullmatch=True))
def test_too_short_numbers_are_refused(text: str) -> None:
    with pytest.raises(PhoneNumberError):
        parse_phone(text)


@given(russian_mobiles)
def test_masking_keeps_only_the_last_four_digits(national: str) -> None:
    masked = mask_phone(f"+7 {national}")
    assert masked.endswith(national[-4:])
    assert masked[:-4] == "*" * 7


names = st.text(min_size=1).filter(lambda s: "," not in s and "=" not in s)
params = st.dictionaries(names, st.text())


@given(params)
def test_extra_params_round_trip(values: dict[str, str]) -> None:
    assert decode_extra_params(encode_extra_params(values)) == values


@given(params)
def test_an_encoded_value_never_holds_a_lone_comma(values: dict[str, str]) -> None:
    encoded = encode_extra_params(values)
    # Every comma is either doubled or one of the len(values) - 1 separators.
    separators = encoded.replace(",,", "").count(",")
    assert separators == max(len(values) - 1, 0)


@given(st.text(), st.sampled_from([",", "="]), st.text(), st.text())
def test_names_with_comma_or_equals_are_refused(head: str, bad: str, tail: str, value: str) -> None:
    with pytest.raises(ExtraParamError):
        encode_extra_params({head + bad + tail: value})


def test_the_documented_example_decodes() -> None:
    encoded = (
        "место=абзаково,название=гостевой дом-2,координаты=53.8085896,, 58.6362112,"
        "c=23.02.09,по=05.03.09"
    )
    assert decode_extra_params(encoded) == {
        "место": "абзаково",
        "название": "гостевой дом-2",
        "координаты": "53.8085896, 58.6362112",
        "c": "23.02.09",
        "по": "05.03.09",
    }


@given(st.text())
def test_decoding_anything_either_round_trips_or_raises_the_typed_error(encoded: str) -> None:
    try:
        decoded = decode_extra_params(encoded)
    except ExtraParamError:
        return
    assume(decoded)
    assert encode_extra_params(decoded) == encoded


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [("a=1,b", "'b' is not of the form name=value"), ("a=1,a=2", "'a' is given twice")],
)
def test_decoding_errors_say_what_is_wrong(encoded: str, reason: str) -> None:
    with pytest.raises(ExtraParamError, match=reason):
        decode_extra_params(encoded)
