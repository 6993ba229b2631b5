"""Texts in the operator's language, from Fluent catalogs in `locales/<lang>/*.ftl`.

Handlers never hold texts: they call a `Translator` with a message id. Every argument is
HTML-escaped here, in one place, because every message goes out with parse mode HTML;
an argument that is already safe HTML (a fragment we rendered) is wrapped in `Html`.
A translator also knows its reader's time zone (`times`), so that whatever renders a
text with a time in it needs nothing more than the translator.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

from bot.ui.timefmt import TimeFormat

log = logging.getLogger(__name__)

LANGUAGES = ("ru", "en")

LONG_ARGUMENT = 200
"""Characters from which an argument is put into the text after Fluent formatted it:
fluent.runtime refuses a placeable over 2,500 characters (a module constant, not a
setting) and shows ``{???}`` instead, and an operator's text may be 4,500 characters. A
value that long is never a variant's key, so no choice of variant depends on it."""
_TAG = re.compile(r"<[^<>]*>")


def default_locales_dir() -> Path:
    """`locales/` beside the packages (a checkout), else in the working directory (Docker)."""
    beside = Path(__file__).resolve().parents[2] / "locales"
    return beside if beside.is_dir() else Path.cwd() / "locales"


class Html(str):
    """A string that is already safe HTML: the translator inserts it as is."""

    __slots__ = ()


class Translator:
    """Formats messages of one language, with times in one zone (`times`)."""

    def __init__(
        self,
        language: str,
        bundle: FluentBundle,
        fallback: Translator | None,
        times: TimeFormat | None = None,
    ) -> None:
        self.language = language
        self.times = times or TimeFormat()
        self._bundle = bundle
        self._fallback = fallback

    def in_zone(self, zone: tzinfo) -> Translator:
        """The same language, with times in `zone` (a reader's own, see ``/tz``)."""
        return Translator(self.language, self._bundle, self._fallback, TimeFormat(zone))

    def __call__(self, key: str, /, **args: Any) -> str:
        if not self._bundle.has_message(key):
            if self._fallback is not None:
                return self._fallback(key, **args)
            log.error("event=i18n_missing key=%s language=%s", key, self.language)
            return key
        message = self._bundle.get_message(key)
        if message.value is None:
            return key
        escaped = _escaped(args)
        long_values = _set_aside_long(escaped)
        text, errors = self._bundle.format_pattern(message.value, escaped)
        for error in errors:
            log.error("event=i18n_error key=%s language=%s error=%s", key, self.language, error)
        text = str(text)
        for token, value in long_values.items():
            text = text.replace(token, value)
        return text

    def plain(self, key: str, /, **args: Any) -> str:
        """The message as plain text, for what Telegram shows without parse mode (a
        button's alert): no tags, entities decoded."""
        return as_plain(self(key, **args))

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)


def as_plain(text: str) -> str:
    """HTML of ours as the plain text Telegram would show of it."""
    return html.unescape(_TAG.sub("", text))


def _set_aside_long(args: dict[str, Any]) -> dict[str, str]:
    """Long string arguments replaced (in `args`) by tokens, which are returned with the
    values they stand for. The tokens carry a fresh random part, so that no text of an
    operator's can hold one."""
    long_values: dict[str, str] = {}
    nonce = ""
    for name, value in args.items():
        if isinstance(value, str) and len(value) >= LONG_ARGUMENT:
            nonce = nonce or secrets.token_hex(8)
            token = f"\ue000{nonce}-{len(long_values)}\ue001"
            long_values[token] = value
            args[name] = token
    return long_values


def _escaped(args: Mapping[str, Any]) -> dict[str, Any]:
    escaped: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, Html):
            escaped[name] = str(value)
        elif isinstance(value, str):
            escaped[name] = html.escape(value, quote=False)
        elif value is None:
            escaped[name] = ""
        else:
            escaped[name] = value
    return escaped


class Catalogs:
    """Every language's translator, loaded once at start-up."""

    def __init__(
        self, directory: Path | None = None, default: str = "ru", zone: tzinfo = UTC
    ) -> None:
        """`zone`: where times are shown to whoever has not chosen a zone of their own
        (DISPLAY_TIMEZONE)."""
        if default not in LANGUAGES:
            raise ValueError(f"unknown language {default!r}")
        directory = directory or default_locales_dir()
        self.default = default
        times = TimeFormat(zone)
        english = Translator("en", _bundle("en", directory), None, times)
        self._translators = {"en": english}
        for language in LANGUAGES:
            if language != "en":
                self._translators[language] = Translator(
                    language, _bundle(language, directory), english, times
                )

    def get(self, language: str | None) -> Translator:
        """The translator for a language code such as ``ru`` or ``en-GB``; default otherwise."""
        if language:
            short = language.split("-")[0].lower()
            if short in self._translators:
                return self._translators[short]
        return self._translators[self.default]

    @property
    def languages(self) -> Iterable[str]:
        return self._translators.keys()


def _bundle(language: str, directory: Path) -> FluentBundle:
    # Isolation marks (FSI/PDI) around placeables would end up inside phone numbers and
    # codes that operators copy; our texts are left-to-right only.
    bundle = FluentBundle([language], use_isolating=False)
    files = sorted((directory / language).glob("*.ftl"))
    if not files:
        raise FileNotFoundError(f"no Fluent catalog in {directory / language}")
    for file in files:
        bundle.add_resource(FluentResource(file.read_text(encoding="utf-8")))
    return bundle
