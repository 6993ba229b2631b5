"""Telegram's HTML subset: what the playground accepts, and refuses as Telegram does."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from playground import EntityParseError, Playground, parse_html


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain", "plain", []),
        ("<b>bold</b> <strong>strong</strong>", "bold strong", [("bold", 0, 4), ("bold", 5, 6)]),
        (
            "<i>a</i><em>b</em><u>c</u><ins>d</ins>",
            "abcd",
            [("italic", 0, 1), ("italic", 1, 1), ("underline", 2, 1), ("underline", 3, 1)],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
        ),
        (
            '<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>',
            "xy",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ("<b>bold <i>both</i></b>", "bold both", [("bold", 0, 9), ("italic", 5, 4)]),
        ("&lt;tag&gt; &amp; &quot;q&quot; &#65;&#x42;", '<tag> & "q" AB', []),
        ("<code>x &lt; y</code>", "x < y", [("code", 0, 5)]),
        (
            "<blockquote>q</blockquote><blockquote expandable>e</blockquote>",
            "qe",
            [("blockquote", 0, 1), ("expandable_blockquote", 1, 1)],
        ),
        # Offsets are UTF-16 code units: the emoji counts 2.
        ("🚀 <b>go</b>", "🚀 go", [("bold", 3, 2)]),
        ("<b></b>x", "x", []),
    ],
)
def test_valid_markup_becomes_text_and_entities(
    source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_links_pre_with_language_and_custom_emoji_carry_their_arguments() -> None:
    parsed = parse_html(
        '<a href="https://example.com/a?b=1&amp;c=2">link</a> '
        '<pre><code class="language-python">x = 1</code></pre> '
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    link, pre, emoji = parsed.entities
    assert link == {
        "type": "text_link",
        "offset": 0,
        "length": 4,
        "url": "https://example.com/a?b=1&c=2",
    }
    assert pre == {"type": "pre", "offset": 5, "length": 5, "language": "python"}
    assert emoji["custom_emoji_id"] == "5368324170671202286"


def test_a_link_telegram_cannot_use_is_dropped_and_its_text_kept() -> None:
    parsed = parse_html('<a href="not a url">text</a>')
    assert (parsed.text, parsed.entities) == ("text", ())


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        # Byte offsets count UTF-8 bytes, as Telegram's do.
        ("привет <x>", 'Unsupported start tag "x" at byte offset 13'),
    ],
)
def test_malformed_markup_is_refused_with_telegrams_message(source: str, error: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value) == error


@pytest.mark.parametrize(
    ("source", "as_telegram_shows_it"),
    [("AT&T", "AT&T"), ("a &nbsp; b", "a &nbsp; b"), ("&lt without ;", "< without ;")],
)
def test_a_bare_ampersand_is_refused_in_strict_mode_only(
    source: str, as_telegram_shows_it: str
) -> None:
    with pytest.raises(EntityParseError, match='Unescaped "&" at byte offset'):
        parse_html(source)
    assert parse_html(source, strict=False).text == as_telegram_shows_it


async def test_the_bot_gets_a_400_for_unescaped_user_input(bot: Bot, pg: Playground) -> None:
    user_input = "price < 5 & more"
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(1, f"<b>Echo:</b> {user_input}")
    assert caught.value.message.startswith(
        "Bad Request: can't parse entities: Unsupported start tag"
    )
    assert pg.chat(1).messages == []
    [call] = pg.calls_to("sendMessage")
    assert (call.ok, call.error_code) == (False, 400)


async def test_the_chat_shows_plain_text_with_entities(bot: Bot, pg: Playground) -> None:
    sent = await bot.send_message(1, "<b>Status:</b> DELIVERED &lt;ok&gt;")
    assert sent.text == "Status: DELIVERED <ok>"
    assert sent.entities is not None
    assert sent.entities[0].type == "bold"
    shown = pg.chat(1).last_bot_message
    assert shown is not None
    assert shown.text == "Status: DELIVERED <ok>"
    assert shown.entities_of("bold") == ["Status:"]
    assert shown.source == "<b>Status:</b> DELIVERED &lt;ok&gt;"
