"""Broken rules in the operator's words: each violation `provider.violations.describe` reads
from a pydantic error becomes its ``rule-...`` catalog message.

The provider words its rules in English for whoever uses it as a library; its context
carries what a catalog needs to say the same in another language: the wire field (``at``),
numbers, a lifetime in seconds (``min_seconds``...), the kind of a phone's problem. Nothing
of the provider's English reaches a card but a rule no catalog knows, which a test keeps
from happening.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from pydantic import ValidationError

from bot.ui.i18n import Translator
from bot.ui.timefmt import duration
from provider.violations import Violation, describe

log = logging.getLogger(__name__)

LIFETIMES = ("min", "max", "given")
"""Context fields that are lifetimes: ``<name>_seconds`` holds each in seconds."""


def explain_violations(exc: ValidationError, t: Translator) -> list[str]:
    """Each broken rule in the operator's language, one line each (HTML)."""
    lines = []
    for violation in describe(exc):
        key = "rule-" + violation.rule.replace("_", "-")
        if t.has(key):
            lines.append(t(key, **_arguments(violation, t)))
        else:
            log.error("event=rule_without_words rule=%s", violation.rule)
            lines.append(html.escape(str(violation), quote=False))
    return lines


def _arguments(violation: Violation, t: Translator) -> dict[str, Any]:
    context = violation.context
    arguments: dict[str, Any] = {k: str(v) for k, v in context.items()}
    # The field (its last name, e.g. link) lets a catalog say which one in words.
    arguments.setdefault("field", violation.field)
    arguments.setdefault("at", place(violation.field))
    for name in LIFETIMES:
        seconds = context.get(name + "_seconds")
        if isinstance(seconds, int):
            arguments[name] = duration(seconds, t)
    return arguments


def place(field: str) -> str:
    """The field's last name, the key a catalog chooses its words by; a Viber button's
    link (``instantContent.data.action``) is told from a Push action (``action``)."""
    parts = field.split(".")
    last = parts[-1]
    if "instantContent" in parts and last == "action":
        return "button-action"
    return last
