"""The ru and en catalogs say the same things, and every text the code asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast

from bot.sending.fields import EDITABLE_FIELDS
from bot.sending.voice import VOICE_CODE_ACCOUNT, VOICE_CODE_TEXT
from bot.ui.i18n import Catalogs, Html
from provider.legacy import LegacyRule
from provider.reports import ERROR_NAMES
from provider.violations import Rule

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\bt\(\s*"([a-z0-9-]+)"[,)]""")
PREFIX_KEY = re.compile(r"""\bt\(\s*"([a-z0-9-]+-)"\s*\+""")


def message_ids(language: str) -> set[str]:
    ids = set()
    for file in (ROOT / "locales" / language).glob("*.ftl"):
        resource = FluentParser().parse(file.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, ast.Junk)]
        assert not junk, f"{file}: syntax errors: {[(j.content or '')[:80] for j in junk]}"
        ids |= {str(entry.id.name) for entry in resource.body if isinstance(entry, ast.Message)}
    return ids


def used_in_code() -> tuple[set[str], set[str]]:
    literal, prefixes = set(), set()
    for folder in ("bot", "handlers"):
        for file in (ROOT / folder).rglob("*.py"):
            source = file.read_text(encoding="utf-8")
            literal |= set(LITERAL_KEY.findall(source))
            prefixes |= set(PREFIX_KEY.findall(source))
    return literal, prefixes


def test_both_languages_define_the_same_messages() -> None:
    assert message_ids("ru") == message_ids("en")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_message_the_code_names_exists(language: str) -> None:
    ids = message_ids(language)
    literal, prefixes = used_in_code()
    assert literal - ids == set()
    for prefix in prefixes:
        assert any(i.startswith(prefix) for i in ids), prefix


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_platform_error_code_and_rule_has_words(language: str) -> None:
    ids = message_ids(language)
    assert {f"provider-error-{code}" for code in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100)} <= ids
    rules = {"rule-" + rule.value.replace("_", "-") for rule in Rule}
    assert rules - ids == set()
    assert {f"reason-{name}" for name in ("absent-subscriber", "busy", "timeout")} <= ids
    assert all(isinstance(name, str) for name in ERROR_NAMES.values())


GENERIC_RULES = (
    "missing",  # destAddr, when neither a phone nor an app user is given
    "greater_than_equal",  # validity_period_viber 0
    "greater_than",  # templateId 0
    "dict_type",  # a Push extra option that takes an object
    "list_type",  # ... a list
    "string_type",  # ... a string
)
"""pydantic's own checks that the provider's models make where a form can reach them."""


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_refusal_the_provider_or_the_bot_can_raise_has_words(language: str) -> None:
    """No provider English on a Russian card (issue #19)."""
    ids = message_ids(language)
    kinds = [
        *(rule.value for rule in LegacyRule),
        *GENERIC_RULES,
        VOICE_CODE_TEXT,
        VOICE_CODE_ACCOUNT,
    ]
    assert {"rule-" + kind.replace("_", "-") for kind in kinds} - ids == set()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_field_a_button_asks_for_has_its_prompt(language: str) -> None:
    ids = message_ids(language)
    asked = {*EDITABLE_FIELDS, "code", "voice-code"}
    assert {"prompt-" + field for field in asked} - ids == set()


def test_arguments_are_escaped_unless_marked_safe() -> None:
    t = Catalogs().get("en")
    assert t("form-text", text="<b>&") == "💬 &lt;b&gt;&amp;"
    assert t("form-text", text=Html("<b>x</b>")) == "💬 <b>x</b>"


@pytest.mark.parametrize(
    ("code", "language"), [("en-GB", "en"), ("ru", "ru"), ("de", "ru"), (None, "ru")]
)
def test_language_codes_fall_back_to_the_default(code: str | None, language: str) -> None:
    assert Catalogs(default="ru").get(code).language == language
