"""Defence in depth: no credential may reach a stored payload.

Callers are expected to redact before handing data to storage, but one forgotten field is
enough to leak the platform password into a database file that gets copied around for
debugging. So every JSON payload (send requests, raw delivery reports, audit details, FSM
data) and every free-text error passes through :class:`Scrubber` on its way to disk.

What gets replaced by ``"***"``:

* the value of any mapping key whose name contains ``password``, ``passwd``, ``token``,
  ``secret``, ``authorization`` or ``api_key``/``apikey`` (case-insensitive), whatever the
  value's type; nested mappings and sequences are walked;
* inside every string: a Telegram bot token (``<6-10 digits>:<30+ url-safe chars>``), and
  the same sensitive names written as ``name=value`` (legacy GET query strings),
  ``"name": "value"`` (JSON text kept as a string) or ``<name value="...">`` (legacy XML);
* any literal secret registered with the scrubber (the configured platform password and
  bot token), wherever it appears in a string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

REDACTED: Final = "***"

_SENSITIVE_KEY_PARTS: Final = (
    "password",
    "passwd",
    "token",
    "secret",
    "authorization",
    "api_key",
    "apikey",
)
_NAMES: Final = "|".join(_SENSITIVE_KEY_PARTS)

_BOT_TOKEN = re.compile(r"\d{6,10}:[A-Za-z0-9_-]{30,}")
# Quick tests that let most texts skip the patterns (~50 us on a delivery report; these
# take ~3 us). A bot token always holds this tail; the literal prefix makes it fast.
_BOT_TOKEN_TAIL = re.compile(r":[A-Za-z0-9_-]{30}")
# Every name pattern below needs one of the names, matched as (?i) matches it.
_ANY_NAME = re.compile(rf"(?i){_NAMES}")
# `password=s3cr3t&...` in query strings and form bodies.
_QUERY_PAIR = re.compile(rf"(?i)(\b[\w.-]*(?:{_NAMES})[\w.-]*=)([^&\s\"'<>]+)")
# `"password": "s3cr3t"` inside JSON that was kept as text.
_JSON_PAIR = re.compile(rf'(?i)("[^"]*(?:{_NAMES})[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"')
# `<password value="s3cr3t"/>` in the legacy XML API.
_XML_VALUE = re.compile(rf'(?i)(<\s*[\w:-]*(?:{_NAMES})[\w:-]*\s+value\s*=\s*)"[^"]*"')

# Registered literal secrets shorter than this are ignored: replacing every "abc" in every
# stored text would destroy data without protecting anything worth protecting.
MIN_LITERAL_SECRET_LENGTH: Final = 4


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _SENSITIVE_KEY_PARTS)


def _may_hold_a_name(text: str) -> bool:
    """Whether a sensitive name occurs in ``text`` as the (?i) patterns would find it."""
    if text.isascii():
        # Exact for ASCII; beyond it (?i) is not str.lower() ("ſ" matches "s").
        lowered = text.lower()
        return any(map(lowered.__contains__, _SENSITIVE_KEY_PARTS))
    return _ANY_NAME.search(text) is not None


class Scrubber:
    """Replaces credentials in JSON-like values; pure, so it is safe to share."""

    def __init__(self, literal_secrets: Iterable[str] = ()) -> None:
        usable = {s for s in literal_secrets if len(s) >= MIN_LITERAL_SECRET_LENGTH}
        # Longest first so a secret that contains another one is replaced whole.
        self._literals = sorted(usable, key=len, reverse=True)

    def scrub_text(self, text: str) -> str:
        for literal in self._literals:
            text = text.replace(literal, REDACTED)
        if _BOT_TOKEN_TAIL.search(text) is not None:
            text = _BOT_TOKEN.sub(REDACTED, text)
        if not _may_hold_a_name(text):
            return text
        text = _QUERY_PAIR.sub(rf"\g<1>{REDACTED}", text)
        text = _JSON_PAIR.sub(rf'\g<1>"{REDACTED}"', text)
        return _XML_VALUE.sub(rf'\g<1>"{REDACTED}"', text)

    def leaves_json_text_alone(self, text: str) -> bool:
        """True when ``text``, a JSON document, may be stored as it is: scrubbing what it
        decodes to would change nothing.

        Without a backslash every key and string value it decodes to is a substring of it,
        and the scrubber only changes a payload through a sensitive name, a registered
        secret or a bot token found in one of those; so their absence from the whole text
        is enough (punctuation between the strings only makes this more cautious).
        """
        if "\\" in text or _may_hold_a_name(text) or _BOT_TOKEN_TAIL.search(text) is not None:
            return False
        return not any(literal in text for literal in self._literals)

    def to_json(self, payload: Any) -> str:
        """The scrubbed payload as stored: JSON, keys sorted, non-ASCII kept."""
        return json.dumps(self.scrub(payload), ensure_ascii=False, sort_keys=True)

    def scrub(self, value: Any) -> Any:
        """Return a scrubbed copy of a JSON-like value (the input is never mutated)."""
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, Mapping):
            return {
                key: REDACTED if is_sensitive_key(str(key)) else self.scrub(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.scrub(item) for item in value]
        return value
