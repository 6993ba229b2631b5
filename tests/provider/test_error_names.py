"""Every errorCode each message type reports has its name and a plain explanation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provider.channels import MessageType
from provider.reports import ERROR_CODES_BY_TYPE, ERROR_NAMES, error_name

LOCALES = Path(__file__).parents[2] / "locales"
_REASON = re.compile(r"^reason-([a-z-]+) = (.+)$", re.MULTILINE)

T = MessageType
DOCUMENTED_CODES = {
    # The table of provider-api.md, lines 111-129 (the platform's rest_status page), one
    # column per type: which codes an UNDELIVERED report of that type may carry.
    T.SMS: {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
    T.VIBER: {1, 2, 3, 5, 6, 7, 9, 11},
    T.VK: {1, 3, 6, 10, 11},
    T.PUSH: {1, 7, 8, 9, 11, 13, 18, *range(19, 29)},
    T.WHATSAPP: {3, 6, 7, 10},
    T.TELEGRAM: {1},
    T.FLASHINGCALL: {1, 4, 6, 16},
}


def reasons(language: str) -> dict[str, str]:
    text = (LOCALES / language / "bot.ftl").read_text(encoding="utf-8")
    return dict(_REASON.findall(text))


def test_the_codes_of_each_type_are_the_documented_ones() -> None:
    assert {t: set(codes) for t, codes in ERROR_CODES_BY_TYPE.items()} == DOCUMENTED_CODES


@pytest.mark.parametrize("message_type", list(MessageType))
def test_every_code_of_a_type_has_its_own_name(message_type: MessageType) -> None:
    for code in ERROR_CODES_BY_TYPE[message_type]:
        assert error_name(message_type, code) == ERROR_NAMES[code]
        assert "(code" not in error_name(message_type, code)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_error_name_is_explained_in_plain_words(language: str) -> None:
    explained = reasons(language)

    assert set(ERROR_NAMES.values()) <= set(explained)
    assert all(len(words) > 10 for words in explained.values())


def test_explanations_are_in_their_catalogs_language() -> None:
    russian, english = reasons("ru"), reasons("en")

    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    assert all(cyrillic.search(words) for words in russian.values()), russian
    assert not any(cyrillic.search(words) for words in english.values()), english
