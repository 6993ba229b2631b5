"""Keeping the password (and whole phone numbers) out of messages and logs.

The GET transport puts the password and the phones in the URL's query, so every place a
URL can surface is covered: our exceptions' texts, the httpx exceptions we chain from, and
httpx's own ``HTTP Request: GET <url>`` log line.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, quote_plus, unquote_plus

import httpx
from pydantic import SecretStr

from provider.phone import mask_phone

MASK = "***"
_PASSWORD_IN_QUERY = re.compile(r"(?i)(\bpassword=)[^&#\s\"'<>]*")
_PHONE_IN_QUERY = re.compile(r"(?i)(\bphone=)([^&#\s\"'<>]*)")


def redact_query(text: str) -> str:
    """``password=secret&phone=79001234560`` -> ``password=***&phone=*******4560``."""
    text = _PASSWORD_IN_QUERY.sub(rf"\g<1>{MASK}", text)
    return _PHONE_IN_QUERY.sub(_masked_phones, text)


def _masked_phones(match: re.Match[str]) -> str:
    phones = unquote_plus(match.group(2)).split(",")
    return match.group(1) + ",".join(mask_phone(p) for p in phones)


class Scrubber:
    """Replaces one secret, in every spelling a URL or a body may give it, by ``***``."""

    def __init__(self, secret: SecretStr) -> None:
        value = secret.get_secret_value()
        spellings = {value, quote(value, safe=""), quote_plus(value)} if value else set()
        # Longest first, so a spelling that contains another is replaced whole.
        self._spellings = sorted(spellings, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for spelling in self._spellings:
            text = text.replace(spelling, MASK)
        return redact_query(text)

    def exception(self, exc: BaseException) -> BaseException:
        """The same exception with the secret gone from its arguments (hence its str)."""
        exc.args = tuple(self(a) if isinstance(a, str) else a for a in exc.args)
        return exc


class _RedactHttpxUrls(logging.Filter):
    """Masks ``password=`` and ``phone=`` in httpx's request log lines before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        return True


def _redacted(value: object) -> object:
    if isinstance(value, httpx.URL | str):
        return redact_query(str(value))
    return value


_FILTER = _RedactHttpxUrls()


def install_httpx_log_filter() -> None:
    """Idempotent: httpx logs every request's full URL at INFO ("HTTP Request: GET ...")."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
