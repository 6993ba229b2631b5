"""Keeping the password (and whole phone numbers) out of messages and logs.

The GET transport puts the password and the phones in the URL's query, so every place a
URL can surface is covered: our exceptions' texts, the httpx exceptions we chain from, and
httpx's own ``HTTP Request: GET <url>`` log line.

Both by what they are, never by what text around them looks like: the password by its
exact value, in every spelling a URL or a body gives it; the URL in httpx's log line
rebuilt with its ``password`` and ``phone`` parameters masked. A message text that says
``password=1234`` is the operator's message, and stays as written. Replacing exact values
is linear in the text, whatever the text.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, quote_plus, unquote_plus

import httpx
from pydantic import SecretStr

from provider.phone import mask_phone

MASK = "***"


def spellings(secret: str) -> list[str]:
    """The secret as it may appear: raw, URL-encoded (either way), longest first so that a
    spelling containing another is replaced whole."""
    if not secret:
        return []
    found = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    return sorted(found, key=len, reverse=True)


class Scrubber:
    """Replaces one secret, in every spelling a URL or a body may give it, by ``***``."""

    def __init__(self, secret: SecretStr) -> None:
        self._spellings = spellings(secret.get_secret_value())

    def __call__(self, text: str) -> str:
        for spelling in self._spellings:
            text = text.replace(spelling, MASK)
        return text

    def exception(self, exc: BaseException) -> BaseException:
        """The same exception with the secret gone from its arguments (hence its str)."""
        exc.args = tuple(self(a) if isinstance(a, str) else a for a in exc.args)
        return exc


def redact_url(url: httpx.URL) -> httpx.URL:
    """The URL with its ``password`` parameter masked and its ``phone`` numbers masked but
    their last four digits (the legacy GET API's parameters, by name); every other
    parameter exactly as it was."""
    if not url.query:
        return url
    pairs = []
    for pair in url.query.split(b"&"):
        raw_name, equals, raw_value = pair.partition(b"=")
        name = unquote_plus(raw_name.decode("ascii", "replace"))
        if name == "password":
            raw_value = MASK.encode()
        elif name == "phone":
            phones = unquote_plus(raw_value.decode("ascii", "replace")).split(",")
            raw_value = ",".join(mask_phone(p) for p in phones).encode()
        pairs.append(raw_name + equals + raw_value)
    return url.copy_with(query=b"&".join(pairs))


class _RedactHttpxUrls(logging.Filter):
    """Masks the URLs in httpx's request log lines before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


_FILTER = _RedactHttpxUrls()


def install_httpx_log_filter() -> None:
    """Idempotent: httpx logs every request's full URL at INFO ("HTTP Request: GET ...")."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
