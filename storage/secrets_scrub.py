"""Keeping credentials out of stored payloads: by what they are, never by what text looks like.

Two ways, both structural:

* a mapping value under a key named ``password`` (the platform's credential field, in the
  REST body and the legacy ones alike) is stored as ``"***"``, whatever its type;
* the configured secrets themselves (platform passwords, the bot token, the report
  secret), registered with the scrubber, are replaced by exact value - in every spelling
  a URL or a JSON text gives them - wherever they occur in a string.

Nothing else: no pattern looks for ``password=`` or a token's shape in text. What an
operator wrote (``Your password=1234 confirm https://ex.example/c?token=abc123``) is a
message, and stays exactly as written. Replacing exact values is a linear scan of the
text per secret: no input, however built, makes it slow.

Two kinds of payload, two calls: `to_json` for what the bot and the platform produce
(errors, reports, audit details), and `operator_json` for the operator's own content
(forms, the request as sent), which gets the structural rule alone - a form holding the
configured password in its text would otherwise be sent with ``***`` in its place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import quote, quote_plus

REDACTED: Final = "***"

CREDENTIAL_KEYS: Final = frozenset({"password"})
"""Keys whose value is a credential wherever they occur (the platform's field name)."""

_SENSITIVE_KEY_PARTS: Final = (
    "password",
    "passwd",
    "token",
    "secret",
    "authorization",
    "api_key",
    "apikey",
)

# Registered literal secrets shorter than this are ignored: replacing every "abc" in every
# stored text would destroy data without protecting anything worth protecting.
MIN_LITERAL_SECRET_LENGTH: Final = 4


def is_sensitive_key(key: str) -> bool:
    """Whether an environment variable's name says it holds a secret (the report writer's
    child process does not inherit those). Names, not payloads: never used on content."""
    lowered = key.lower()
    return any(part in lowered for part in _SENSITIVE_KEY_PARTS)


def is_credential_key(key: object) -> bool:
    return isinstance(key, str) and key.lower() in CREDENTIAL_KEYS


def secret_spellings(secret: str) -> set[str]:
    """A secret as it may be written: raw, URL-encoded, JSON-escaped."""
    return {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }


class Scrubber:
    """Replaces credentials in JSON-like values; pure, so it is safe to share."""

    def __init__(self, literal_secrets: Iterable[str] = ()) -> None:
        self._literals: list[str] = []
        for secret in literal_secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Register one more secret (one known only once the database is open)."""
        if len(secret) < MIN_LITERAL_SECRET_LENGTH:
            return
        found = set(self._literals) | secret_spellings(secret)
        # Longest first so a spelling that contains another one is replaced whole.
        self._literals = sorted(found, key=len, reverse=True)

    def scrub_text(self, text: str) -> str:
        for literal in self._literals:
            if literal in text:
                text = text.replace(literal, REDACTED)
        return text

    def leaves_json_text_alone(self, text: str) -> bool:
        """True when ``text``, a JSON document, may be stored as it is: scrubbing what it
        decodes to would change nothing.

        Without a backslash every key and string value it decodes to is a substring of it,
        and the scrubber only changes a payload through a ``"password"`` key or a
        registered secret found in one of those; so their absence from the whole text is
        enough (punctuation between the strings only makes this more cautious).
        """
        if "\\" in text or '"password"' in text.lower():
            return False
        return not any(literal in text for literal in self._literals)

    def to_json(self, payload: Any) -> str:
        """The scrubbed payload as stored: JSON, keys sorted, non-ASCII kept."""
        return _dumps(self.scrub(payload))

    def operator_json(self, payload: Any) -> str:
        """An operator's content as stored: exactly as written, credential fields masked."""
        return _dumps(mask_credentials(payload))

    def scrub(self, value: Any) -> Any:
        """Return a scrubbed copy of a JSON-like value (the input is never mutated)."""
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, Mapping):
            return {
                self.scrub(key): REDACTED if is_credential_key(key) else self.scrub(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.scrub(item) for item in value]
        return value


def mask_credentials(value: Any) -> Any:
    """A copy with every ``password`` field's value masked, nothing else changed."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_credential_key(key) else mask_credentials(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_credentials(item) for item in value]
    return value


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)
