"""Telegram's HTML parse mode: plain text plus entities, or the error Telegram answers.

It follows tdlib's ``parse_html`` (the parser behind the Bot API): the same tags, the same
attribute syntax, the same error texts with UTF-8 byte offsets, and entity offsets in UTF-16
code units as the Bot API returns them. One difference is deliberate and switchable
(``strict``): Telegram keeps a bare "&" (or an unknown entity such as ``&nbsp;``) as text,
the playground refuses it, because it is the tell-tale of user input put into a message
without escaping - the next input may hold a "<" and break the message in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

Entity = dict[str, Any]

MAX_TEXT_LENGTH = 4096
"""Characters of a message after entity parsing."""

_SPACES = frozenset(" \t\r\n\v")
_TRIMMED = " \t\r\n\v\f"
"""Whitespace Telegram removes around a message's text."""
_NAME_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_PLAIN_RUN = re.compile(r"[^&<]+")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]+))(;?)")
_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s.,;:!?])")
_HOST = re.compile(r"(?:[\w-]+\.)+[^\W\d_]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3}")


class EntityParseError(ValueError):
    """Not valid Telegram HTML; the text goes after "Bad Request: can't parse entities: "."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    text: str
    entities: tuple[Entity, ...] = ()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML; raises EntityParseError with Telegram's message."""
    return _Parser(source, strict).run()


def strip_text(parsed: ParsedText) -> ParsedText:
    """Drop leading and trailing whitespace as Telegram does, keeping entities in place."""
    text = parsed.text
    body = text.strip(_TRIMMED)
    if body == text:
        return parsed
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    limit = utf16_len(body)
    entities: list[Entity] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(body, tuple(entities))


def bot_command_entities(text: str) -> tuple[Entity, ...]:
    """The ``bot_command`` entities Telegram adds to a user's "/start"-like words."""
    return tuple(
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _BOT_COMMAND.finditer(text)
    )


def normalize_url(raw: str) -> str | None:
    """The URL Telegram would keep for a link, or None when it drops the link."""
    url = raw
    if not url or any(c.isspace() for c in url):
        return None
    scheme_match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if scheme_match is not None:
        scheme = scheme_match[1].lower()
        if scheme in ("tg", "ton"):
            return url
        if scheme not in ("http", "https") or not url[len(scheme) + 1 :].startswith("//"):
            return None
    else:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if not _HOST.fullmatch(host):
        return None
    return url if parts.path else url.replace(parts.netloc, parts.netloc + "/", 1)


@dataclass(slots=True)
class _OpenTag:
    tag: str
    argument: str
    offset: int
    """UTF-16 offset in the output where the tag's content starts."""
    out_index: int
    """Index in the output pieces where the content starts (for <a> without href)."""


@dataclass(slots=True)
class _Parser:
    src: str
    strict: bool
    out: list[str] = field(default_factory=list)
    u16: int = 0
    entities: list[Entity] = field(default_factory=list)
    stack: list[_OpenTag] = field(default_factory=list)

    def at(self, i: int) -> str:
        return self.src[i] if i < len(self.src) else ""

    def is_space(self, i: int) -> bool:
        # tdlib reads a NUL-terminated string and counts the NUL as a space.
        return i >= len(self.src) or self.src[i] in _SPACES

    def skip_spaces(self, i: int) -> int:
        while i < len(self.src) and self.src[i] in _SPACES:
            i += 1
        return i

    def byte_offset(self, i: int) -> int:
        return len(self.src[:i].encode("utf-8", "surrogatepass"))

    def error(self, message: str, i: int | None = None) -> EntityParseError:
        if i is not None:
            message = f"{message} at byte offset {self.byte_offset(i)}"
        return EntityParseError(message)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.u16 += utf16_len(text)

    def run(self) -> ParsedText:
        i = 0
        while i < len(self.src):
            c = self.src[i]
            if c == "&":
                i = self.entity(i)
            elif c == "<":
                i = self.end_tag(i) if self.at(i + 1) == "/" else self.start_tag(i)
            else:
                run = _PLAIN_RUN.match(self.src, i)
                assert run is not None
                self.emit(run[0])
                i = run.end()
        if self.stack:
            raise self.error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        for entity in self.entities:
            entity.pop("_language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), tuple(self.entities))

    def decode_entity(self, i: int) -> tuple[str, int] | None:
        """(character, next index) for an HTML entity at i, as tdlib decodes it."""
        m = _ENTITY.match(self.src, i)
        if m is None:
            return None
        if m[3] is not None:
            char = _NAMED.get(m[3])
            if char is None:
                return None
        else:
            code = int(m[1]) if m[1] is not None else int(m[2], 16)
            if code == 0 or code > 0x10FFFF:
                return None
            if 0xD800 <= code <= 0xDFFF:
                raise self.error(
                    "Text contains invalid Unicode characters after decoding HTML entities, "
                    "check for unmatched surrogate code units"
                )
            char = chr(code)
        if self.strict and not m[4]:
            return None
        return char, m.end()

    def entity(self, i: int) -> int:
        decoded = self.decode_entity(i)
        if decoded is None:
            if self.strict:
                raise self.error(
                    f'Unescaped "&" at byte offset {self.byte_offset(i)}: write "&amp;" '
                    '(Telegram shows a bare "&" as text; the playground refuses it to catch '
                    "unescaped input)"
                )
            self.emit("&")
            return i + 1
        char, end = decoded
        self.emit(char)
        return end

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while not self.is_space(i) and self.src[i] != ">":
            i += 1
        if i >= len(self.src):
            raise self.error("Unclosed start tag", begin)
        tag = self.src[begin + 1 : i].lower()
        if tag not in _TAG_TYPES:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        argument = ""
        while self.at(i) != ">":
            i = self.skip_spaces(i)
            if i >= len(self.src):
                raise self.error("Unclosed start tag", begin)
            if self.src[i] == ">":
                break
            name_begin = i
            while not self.is_space(i) and self.src[i] not in "=>":
                i += 1
            name = self.src[name_begin:i].lower()
            if not name:
                raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
            i = self.skip_spaces(i)
            if self.at(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "expandable"
                    continue
                raise self.error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}"',
                    begin,
                )
            i = self.skip_spaces(i + 1)
            if i >= len(self.src):
                raise self.error(f'Unclosed start tag "{tag}"', begin)
            value, i = self.attribute_value(i)
            if i >= len(self.src):
                raise self.error("Unclosed start tag", begin)
            argument = _argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(_OpenTag(tag, argument, self.u16, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.src[i]
        if quote not in "'\"":
            begin = i
            while self.at(i) in _NAME_TOKEN:
                i += 1
            if not self.is_space(i) and self.src[i] != ">":
                raise self.error("Unexpected end of name token", begin)
            return self.src[begin:i], i
        i += 1
        value: list[str] = []
        while i < len(self.src) and self.src[i] != quote:
            # Attribute values decode entities leniently even in strict mode: URLs with a
            # bare "&" in a query are common and Telegram takes them.
            decoded = self.decode_entity(i) if self.src[i] == "&" else None
            if decoded is None:
                value.append(self.src[i])
                i += 1
            else:
                value.append(decoded[0])
                i = decoded[1]
        return "".join(value), i + 1

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        i = begin + 2
        while not self.is_space(i) and self.src[i] != ">":
            i += 1
        name = self.src[begin + 2 : i].lower()
        i = self.skip_spaces(i)
        if self.at(i) != ">":
            raise self.error("Unclosed end tag", begin)
        open_tag = self.stack[-1]
        if name and name != open_tag.tag:
            raise self.error(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{open_tag.tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close(open_tag)
        return i + 1

    def close(self, tag: _OpenTag) -> None:
        length = self.u16 - tag.offset
        if length == 0:
            return
        kind = _TAG_TYPES[tag.tag]
        entity: Entity = {"type": kind, "offset": tag.offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == tag.offset and last["length"] == length
        if kind == "text_link":
            url = normalize_url(tag.argument or "".join(self.out[tag.out_index :]))
            if url is None:
                return  # Telegram drops a link it cannot use and keeps the text.
            entity["url"] = url
        elif kind == "custom_emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise self.error("Invalid custom emoji identifier specified")
            entity["custom_emoji_id"] = tag.argument
        elif kind == "blockquote" and tag.argument == "expandable":
            entity["type"] = "expandable_blockquote"
        elif kind == "code" and tag.argument:
            if same_span and last is not None and last["type"] == "pre":
                last["language"] = tag.argument  # <code class="language-x"><pre>...
                return
            entity["_language"] = tag.argument  # for an enclosing <pre>; dropped otherwise
        elif kind == "pre" and same_span and last is not None and last["type"] == "code":
            # <pre><code class="language-x">: one pre entity carrying the language; a plain
            # inner <code> adds nothing to a pre block either.
            self.entities.pop()
            if "_language" in last:
                entity["language"] = last["_language"]
        self.entities.append(entity)


def _argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "expandable"
    return current  # Telegram ignores attributes it does not know.
