"""One log line per event, ``event=name key=value ...``; phone numbers masked, URLs cut.

Shared by the client and the sandbox so that every line of the platform side reads alike.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from provider.phone import mask_phone

PHONE_FIELDS = frozenset({"dest"})
"""Fields that hold a subscriber number: masked here so that no caller can forget it."""


def log_event(
    logger: logging.Logger, event: str, /, level: int = logging.INFO, **fields: object
) -> None:
    if not logger.isEnabledFor(level):
        return
    parts = [f"event={event}"]
    for key, value in fields.items():
        if value is None:
            continue
        text = mask_phone(str(value)) if key in PHONE_FIELDS else str(value)
        parts.append(f"{key}={_quote(text)}")
    logger.log(level, " ".join(parts))


def url_origin(url: str) -> str:
    """``scheme://host:port`` only: a notifyUrl path may carry the receiver's secret token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _quote(text: str) -> str:
    if text and not any(c.isspace() or c in '"=' for c in text):
        return text
    return json.dumps(text, ensure_ascii=False)
