"""Telegram's size limits, and answers cut or split to fit them.

Telegram refuses a message over 4096 characters ("message is too long"), a callback answer
over 200 and callback data over 64 bytes; a refused answer is an answer lost. Lengths
count the text as shown (tags removed, entities decoded) in UTF-16 code units, as
Telegram does, so an emoji counts two.

Every multi-line text of ours keeps its HTML whole per line (a tag opens and closes on
the same line) except ``<pre>`` blocks; splitting happens between lines, never inside a
tag that is still open.
"""

from __future__ import annotations

import html
import re
from typing import Final

from aiogram.types import InlineKeyboardMarkup, Message

from bot.ui.i18n import Translator, as_plain

MESSAGE_LIMIT: Final = 4096
CALLBACK_ANSWER_LIMIT: Final = 200
CALLBACK_DATA_LIMIT: Final = 64
"""Bytes of a button's callback data."""
MAX_PARTS: Final = 5
"""An answer is sent in at most this many messages; the rest is counted, not shown (a
chat flooded with dozens of messages helps nobody: the operator narrows the search)."""

ELLIPSIS: Final = "…"
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def visible_length(text: str) -> int:
    """The length Telegram counts for `text` sent as HTML."""
    return utf16_length(plain_text(text))


def plain_text(text: str) -> str:
    """`text` (HTML) as the reader sees it: what Telegram gives back as a message's text."""
    return html.unescape(_TAG.sub("", text))


def utf16_length(plain: str) -> int:
    return len(plain.encode("utf-16-le")) // 2


def cut_plain(plain: str, limit: int) -> str:
    """`plain` text (no HTML) in at most `limit` UTF-16 units, ending in … when cut."""
    if utf16_length(plain) <= limit:
        return plain
    kept = []
    room = limit - 1
    for char in plain:
        room -= utf16_length(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def fit_alert(text: str) -> str:
    """A callback answer from a text of ours (HTML): plain text, as an alert has no parse
    mode (a tag or an escaped ``&lt;`` would show as typed), at most 200 characters."""
    return cut_plain(as_plain(text), CALLBACK_ANSWER_LIMIT)


def _cut_html(text: str, limit: int) -> str:
    """A piece of HTML too long on its own, as plain text cut to `limit` (escaped again)."""
    return html.escape(cut_plain(html.unescape(_TAG.sub("", text)), limit), quote=False)


def _blocks(text: str) -> list[str]:
    """The lines of `text`, those inside a tag left open (a ``<pre>`` block) joined into one."""
    blocks: list[str] = []
    pending: list[str] = []
    depth = 0
    for line in text.split("\n"):
        pending.append(line)
        for closing, _ in _TAG.findall(line):
            depth += -1 if closing else 1
        if depth <= 0:
            blocks.append("\n".join(pending))
            pending, depth = [], 0
    if pending:
        blocks.append("\n".join(pending))
    return blocks


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` (HTML) in parts Telegram takes, cut between lines; a single block longer
    than a part is cut short, its formatting dropped."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for block in _blocks(text):
        length = visible_length(block)
        if length > limit:
            block = _cut_html(block, limit)
            length = visible_length(block)
        if current and size + 1 + length > limit:
            parts.append("\n".join(current))
            current, size = [], 0
        size += length + (1 if current else 0)
        current.append(block)
    if current:
        parts.append("\n".join(current))
    # Telegram trims each message and refuses an empty one.
    return [part.strip("\n") for part in parts if part.strip()]


def fit_message(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` (HTML) cut to one message between lines, ending in … when cut."""
    if visible_length(text) <= limit:
        return text
    parts = split_message(text, limit - 2)
    if not parts:
        return text
    return parts[0] if len(parts) == 1 else parts[0] + "\n" + ELLIPSIS


async def answer_in_parts(
    message: Message,
    text: str,
    t: Translator,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer with `text` in as many messages as it needs (at most :data:`MAX_PARTS`; the
    lines beyond are counted in the last one). The keyboard goes with the first part,
    where the answer's title is."""
    parts = split_message(text)
    if len(parts) > MAX_PARTS:
        # The last part shown makes room for the note; what then does not fit is counted
        # with the parts not shown.
        room = MESSAGE_LIMIT - visible_length(t("answer-more-lines", count=10**9)) - 1
        tail = split_message("\n".join(parts[MAX_PARTS - 1 :]), room)
        hidden = sum(part.count("\n") + 1 for part in tail[1:])
        parts = [*parts[: MAX_PARTS - 1], tail[0] + "\n" + t("answer-more-lines", count=hidden)]
    for number, part in enumerate(parts):
        await message.answer(part, reply_markup=reply_markup if number == 0 else None)
