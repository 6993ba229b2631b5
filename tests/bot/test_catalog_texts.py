"""Every catalog message, rendered in ru and en with the arguments that break texts (empty,
longer than a message, HTML specials), is Telegram HTML that the playground's strict
parser takes, shows no markup or placeholder as text, and speaks one language (issue #20).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.ui.i18n import Catalogs
from playground.html_parser import parse_html

ROOT = Path(__file__).resolve().parents[2]
LONG = "9" * 4500
"""Longer than a Telegram message: an operator's text of 4,500 characters."""
SPECIALS = "<&>\"'"
EDGES = ("", LONG, SPECIALS)
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
COUNTS = (0, 1, 2, 5, 21)

LATIN_IN_RU = frozenset(
    """
    SMS Viber VK Push Telegram WhatsApp FlashingCall VoiceCode English
    mtNum id JSON GET XML API SANDBOX GSM UCS READ DELIVERED UNDELIVERED SEND
    externalUserId user ID RICH LIVE_ACTIVITY SECURE SENDING_PLATFORMS templateData
    ACCOUNTS_FILE voice_code PROVIDER_VOICE_CODE true ADMIN_IDS id_message extraParam
    client_id_message serviceNumber ttl legacy get json xml Apple Google Huawei UTC IP
    https local IANA Europe Moscow Asia ru en
    """.casefold().split()
)
"""Names of products, protocols and fields, which Russian texts write as they are."""
CYRILLIC_IN_EN = frozenset({"Русский"})
"""The language picker names each language in itself."""
CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.DOTALL)
"""Examples to copy (commands, JSON) are written as typed, in any language."""
COMMAND = re.compile(r"(?<![\w:/])/[a-z]+")
"""Commands are typed as they are, in any language."""
LITERAL_TAG = re.compile(r"</?[a-z][a-z-]*(\s[^<>]*)?>")


@dataclass
class Variables(Visitor):
    """The variables a message uses: shown as they are, or choosing a variant."""

    shown: set[str] = field(default_factory=set)
    always: set[str] = field(default_factory=set)
    """Shown by every variant of the message."""
    choices: dict[str, list[str]] = field(default_factory=dict)
    _depth: int = 0

    def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
        if isinstance(node.selector, ast.VariableReference):
            keys = self.choices.setdefault(node.selector.id.name, [])
            keys += [
                v.key.name if isinstance(v.key, ast.Identifier) else str(v.key.value)
                for v in node.variants
            ]
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.shown.add(node.id.name)
        if not self._depth:
            self.always.add(node.id.name)


def messages(language: str) -> Iterator[tuple[str, Variables]]:
    for file in sorted((ROOT / "locales" / language).glob("*.ftl")):
        for entry in FluentParser().parse(file.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message):
                variables = Variables()
                variables.visit(entry)
                yield entry.id.name, variables


def argument_sets(variables: Variables) -> Iterator[dict[str, Any]]:
    """Each edge value in every shown variable, then every variant of every choice."""
    plain = variables.shown - variables.choices.keys()

    def chosen(name: str, key: str) -> Any:
        return COUNTS[1] if key in PLURAL_CATEGORIES else key

    defaults = {name: chosen(name, keys[0]) for name, keys in variables.choices.items()}
    for edge in EDGES:
        yield {**defaults, **dict.fromkeys(plain, edge)}
    for name, keys in variables.choices.items():
        values: list[Any] = (
            list(COUNTS) if set(keys) <= PLURAL_CATEGORIES else [*keys, "anything-else"]
        )
        for value in values:
            yield {**defaults, **dict.fromkeys(plain, SPECIALS), name: value}


def foreign_words(language: str, html: str, args: dict[str, Any]) -> set[str]:
    """Words of the other language in the message's own words (not in its arguments)."""
    prose = COMMAND.sub("", parse_html(CODE.sub("", html)).text)
    for value in args.values():
        if isinstance(value, str) and value:
            prose = prose.replace(value, " ")
    if language == "ru":
        words = set(re.findall(r"[A-Za-z][A-Za-z_]*", prose))
        return {word for word in words if word.casefold() not in LATIN_IN_RU}
    return set(re.findall(r"[А-Яа-яЁё]+", prose)) - CYRILLIC_IN_EN


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_message_renders_as_telegram_html_in_one_language(
    language: str, caplog: pytest.LogCaptureFixture
) -> None:
    t = Catalogs().get(language)
    problems: list[str] = []
    for key, variables in messages(language):
        for args in argument_sets(variables):
            caplog.clear()
            with caplog.at_level(logging.ERROR, logger="bot.ui.i18n"):
                html = t(key, **args)
            shown = {
                k: (v[:12] + "…" if isinstance(v, str) and len(v) > 12 else v)
                for k, v in args.items()
            }
            where = f"{key} {shown}"
            if caplog.records or "{???}" in html:
                problems.append(f"{where}: not formatted: {caplog.text.strip() or html[:80]}")
                continue
            try:
                text = parse_html(html).text
            except ValueError as exc:
                problems.append(f"{where}: not Telegram HTML ({exc}): {html[:80]!r}")
                continue
            if LITERAL_TAG.search(text):
                problems.append(f"{where}: markup shown as text: {text[:80]!r}")
            if any(args[name] == LONG for name in variables.always) and LONG not in text:
                problems.append(f"{where}: the long value is not shown whole")
            if words := foreign_words(language, html, args):
                problems.append(f"{where}: not {language}: {sorted(words)}")
    assert not problems, "\n".join(problems)
