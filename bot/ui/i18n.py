"""Texts in the operator's language, from Fluent catalogs in `locales/<lang>/*.ftl`.

Handlers never hold texts: they call a `Translator` with a message id. Every argument is
HTML-escaped here, in one place, because every message goes out with parse mode HTML;
an argument that is already safe HTML (a fragment we rendered) is wrapped in `Html`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

log = logging.getLogger(__name__)

LANGUAGES = ("ru", "en")


def default_locales_dir() -> Path:
    """`locales/` beside the packages (a checkout), else in the working directory (Docker)."""
    beside = Path(__file__).resolve().parents[2] / "locales"
    return beside if beside.is_dir() else Path.cwd() / "locales"


class Html(str):
    """A string that is already safe HTML: the translator inserts it as is."""

    __slots__ = ()


class Translator:
    """Formats messages of one language."""

    def __init__(self, language: str, bundle: FluentBundle, fallback: Translator | None) -> None:
        self.language = language
        self._bundle = bundle
        self._fallback = fallback

    def __call__(self, key: str, /, **args: Any) -> str:
        if not self._bundle.has_message(key):
            if self._fallback is not None:
                return self._fallback(key, **args)
            log.error("event=i18n_missing key=%s language=%s", key, self.language)
            return key
        message = self._bundle.get_message(key)
        if message.value is None:
            return key
        text, errors = self._bundle.format_pattern(message.value, _escaped(args))
        for error in errors:
            log.error("event=i18n_error key=%s language=%s error=%s", key, self.language, error)
        return str(text)

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)


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

    def __init__(self, directory: Path | None = None, default: str = "ru") -> None:
        if default not in LANGUAGES:
            raise ValueError(f"unknown language {default!r}")
        directory = directory or default_locales_dir()
        self.default = default
        english = Translator("en", _bundle("en", directory), None)
        self._translators = {"en": english}
        for language in LANGUAGES:
            if language != "en":
                self._translators[language] = Translator(
                    language, _bundle(language, directory), english
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
