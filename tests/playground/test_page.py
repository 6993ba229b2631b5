"""The web chat page: served without a build step, rendering messages safely."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import BotCommand
from playwright.async_api import Browser, Locator, Page, expect

from playground import Playground, PlaygroundConfig
from tests.browser import Watched, chromium, needs_chromium, open_page, snap
from tests.playground.support import FakeWallClock, LoopbackSession, keyboard

STATIC = Path(__file__).resolve().parents[2] / "playground" / "static"
NODE = shutil.which("node")


async def test_the_page_and_its_assets_are_served(http: httpx.AsyncClient) -> None:
    page = await http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for asset in ("/static/app.js", "/static/render.js", "/static/style.css"):
        response = await http.get(asset)
        assert response.status_code == 200, asset
    # Everything is local: no CDN, no external script.
    assert "://" not in page.text


def test_the_scripts_never_inject_html() -> None:
    for script in ("app.js", "render.js"):
        source = (STATIC / script).read_text()
        for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML(", "document.write(", "eval("):
            assert sink not in source, f"{script} uses {sink}"


# A minimal DOM for node: enough for render.js, which only creates elements and text nodes.
RENDER_CHECK = """
const render = require(process.argv[1]);
class Node {
  constructor(tag) { this.tag = tag; this.children = []; this.attrs = {}; this.className = ""; }
  appendChild(child) { this.children.push(child); return child; }
  setAttribute(name, value) { this.attrs[name] = value; }
}
const doc = {
  createElement: (tag) => new Node(tag),
  createTextNode: (text) => ({ text }),
  createDocumentFragment: () => new Node("#fragment"),
};
const cases = JSON.parse(process.argv[2]);
const out = cases.map(([text, entities]) => render.renderText(doc, text, entities));
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed: the renderer check needs it")
def test_the_renderer_builds_only_allowed_elements_and_text_nodes() -> None:
    assert NODE is not None
    cases = [
        ["<script>alert(1)</script> bold", [{"type": "bold", "offset": 26, "length": 4}]],
        [
            "link 🚀 code",
            [
                {"type": "text_link", "offset": 0, "length": 4, "url": "javascript:alert(1)"},
                {"type": "code", "offset": 8, "length": 4},
            ],
        ],
        [
            "ab",
            [
                {"type": "bold", "offset": 0, "length": 2},
                {"type": "italic", "offset": 1, "length": 1},
            ],
        ],
    ]
    result = subprocess.run(  # noqa: S603 - a fixed script and our own file
        [NODE, "-e", RENDER_CHECK, str(STATIC / "render.js"), json.dumps(cases)],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    script, link, nested = json.loads(result.stdout)
    # The "<script>" is a text node, never an element.
    assert script["children"][0] == {"text": "<script>alert(1)</script> "}
    assert script["children"][1]["tag"] == "b"
    # An unsafe URL keeps the text and loses the link; 🚀 counts 2 UTF-16 units.
    assert link["children"][0]["tag"] == "a"
    assert "href" not in link["children"][0]["attrs"]
    assert link["children"][2] == {
        "tag": "code",
        "children": [{"text": "code"}],
        "attrs": {},
        "className": "e-code",
    }
    assert nested["children"][0]["children"][1]["tag"] == "i"


# -- in a real browser (Debian's Chromium, driven by Playwright) --------------------------

ATTACK = "<script>alert(1)</script><img src=x onerror=alert(2)>"
"""A person's message that would run script if the page ever parsed text as HTML."""

EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
"""Debian's fonts-noto-color-emoji (``make browser`` installs it with chromium)."""


def bubble(page: Page, text: str, *, mine: bool) -> Locator:
    """The chat bubble (the person's own if `mine`, else another's) reading exactly `text`."""
    side = "#messages .msg.mine" if mine else "#messages .msg:not(.mine)"
    exact = re.compile(f"^{re.escape(text)}$")
    return page.locator(side).filter(has=page.locator(".text", has_text=exact))


async def live_chat(browser: Browser, pg: Playground) -> Watched:
    """The playground's chat in a new tab, its event stream connected."""
    watched = await open_page(browser, pg.base_url + "/")
    await expect(watched.page.locator("#status")).to_have_class(re.compile(r"\blive\b"))
    return watched


async def conversation(bot: Bot, pg: Playground) -> int:
    """The Operator sends ATTACK; the bot answers in bold with a "✅ Send" button."""
    await pg.user().send(ATTACK)
    sent = await bot.send_message(
        1, "<b>DELIVERED</b> to +79991234567", reply_markup=keyboard(("✅ Send", "send"))
    )
    return sent.message_id


@contextlib.asynccontextmanager
async def bot_of(pg: Playground) -> AsyncIterator[Bot]:
    session = LoopbackSession(api=TelegramAPIServer.from_base(pg.base_url))
    bot = Bot(pg.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        yield bot
    finally:
        await session.close()


@needs_chromium
async def test_the_page_in_a_browser_shows_the_chat_safely(
    bot: Bot, pg: Playground, tmp_path: Path
) -> None:
    await conversation(bot, pg)
    async with chromium() as browser:
        watched = await live_chat(browser, pg)
        page = watched.page
        mine = bubble(page, ATTACK, mine=True)
        theirs = bubble(page, "DELIVERED to +79991234567", mine=False)
        # The person's text is text: the markup shows as typed, nothing became an element.
        await expect(mine.locator(".text")).to_have_text(ATTACK)
        await expect(mine.locator(".text *")).to_have_count(0)
        await expect(page.locator("#messages script, #messages img")).to_have_count(0)
        # The bot's <b> is bold on screen, the rest of its text is not.
        await expect(theirs.locator(".sender")).to_have_text(pg.bot_user["first_name"])
        word = theirs.locator(".text b")
        await expect(word).to_have_text("DELIVERED")
        weight = "e => Number(getComputedStyle(e).fontWeight)"
        assert await word.evaluate(weight) >= 600 > await theirs.locator(".text").evaluate(weight)
        await expect(theirs.get_by_role("button", name="✅ Send")).to_be_enabled()
        shot = await snap(page, tmp_path, "chat")
        watched.assert_clean()
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@needs_chromium
async def test_the_composer_sends_text_and_the_page_presses_buttons(
    bot: Bot, pg: Playground, tmp_path: Path
) -> None:
    message_id = await conversation(bot, pg)
    typed = "Привет, бот! 👋"
    async with chromium() as browser:
        watched = await live_chat(browser, pg)
        page = watched.page
        await (
            bubble(page, "DELIVERED to +79991234567", mine=False)
            .get_by_role("button", name="✅ Send")
            .click()
        )
        await pg.wait_for(lambda: pg.callbacks, what="the page's press of ✅ Send")

        box = page.get_by_role("textbox", name="message")
        await box.fill(typed)
        await box.press("Enter")
        # Back on screen through the event stream; the text box is empty again.
        await expect(bubble(page, typed, mine=True)).to_be_visible()
        await expect(box).to_have_value("")

        # Shift+Enter starts a new line; the ➤ button sends.
        await box.press_sequentially("first line")
        await box.press("Shift+Enter")
        await box.press_sequentially("second line")
        await page.get_by_role("button", name="➤").click()
        await expect(page.locator("#messages .msg.mine")).to_have_count(3)
        last = page.locator("#messages .msg.mine .text").last
        assert await last.evaluate("e => e.textContent") == "first line\nsecond line"
        await snap(page, tmp_path, "composer")
        watched.assert_clean()
    [press] = pg.callbacks
    assert (press.user_id, press.chat_id, press.message_id, press.data) == (
        1,
        1,
        message_id,
        "send",
    )
    mine = [(m.text, m.sender_id, m.from_bot) for m in pg.chat(1).messages[-2:]]
    assert mine == [(typed, 1, False), ("first line\nsecond line", 1, False)]


@needs_chromium
async def test_the_command_menu_opens_sends_and_closes(
    bot: Bot, pg: Playground, tmp_path: Path
) -> None:
    await bot.set_my_commands(
        [
            BotCommand(command="start", description="Start the desk"),
            BotCommand(command="help", description="What I can do"),
        ]
    )
    async with chromium() as browser:
        watched = await live_chat(browser, pg)
        page = watched.page
        menu = page.locator("#menu")
        slash = page.get_by_role("button", name="/", exact=True)
        # Nothing open: no empty bar between the chat and the composer.
        for bar in ("#menu", "#reply-keyboard", "#typing"):
            await expect(page.locator(bar)).to_be_hidden()
        chat = await page.locator("#messages").bounding_box()
        composer = await page.locator("#composer").bounding_box()
        assert chat is not None
        assert composer is not None
        assert abs(chat["y"] + chat["height"] - composer["y"]) < 1

        await slash.click()
        await expect(menu.get_by_role("menuitem")).to_have_text(
            [re.compile(r"^/start\s*Start the desk$"), re.compile(r"^/help\s*What I can do$")]
        )
        await expect(slash).to_have_attribute("aria-expanded", "true")
        await snap(page, tmp_path, "menu")
        # The same button closes it, and so does Escape.
        await slash.click()
        await expect(menu).to_be_hidden()
        await expect(slash).to_have_attribute("aria-expanded", "false")
        await slash.click()
        await expect(menu).to_be_visible()
        await page.keyboard.press("Escape")
        await expect(menu).to_be_hidden()
        await slash.click()
        await page.locator("#messages").click()  # anywhere else
        await expect(menu).to_be_hidden()
        # A command chosen is sent, and the menu gets out of the way.
        await slash.click()
        await menu.get_by_role("menuitem", name=re.compile(r"^\/help")).click()
        await expect(menu).to_be_hidden()
        await expect(bubble(page, "/help", mine=True)).to_be_visible()
        watched.assert_clean()
    assert [m.text for m in pg.chat(1).messages] == ["/help"]


@needs_chromium
async def test_the_first_page_says_where_you_are_and_starts(pg: Playground, tmp_path: Path) -> None:
    async with chromium() as browser:
        watched = await live_chat(browser, pg)
        page = watched.page
        welcome = page.locator("#welcome")
        await expect(welcome).to_contain_text(pg.bot_user["first_name"])
        await expect(welcome).to_contain_text("@desk_playground_bot")
        await expect(welcome).to_contain_text("you are Operator (id 1)")
        await expect(welcome).to_contain_text("Press Start, or type / for the bot's commands.")
        await snap(page, tmp_path, "first-page")
        await welcome.get_by_role("button", name="START").click()
        await expect(bubble(page, "/start", mine=True)).to_be_visible()
        await expect(welcome).to_have_count(0)
        watched.assert_clean()
    assert [m.text for m in pg.chat(1).messages] == ["/start"]


@needs_chromium
async def test_refused_calls_show_in_the_chat_flood_limits_as_a_note(
    bot: Bot, pg: Playground, tmp_path: Path
) -> None:
    pg.flood_control = True
    async with chromium() as browser:
        watched = await live_chat(browser, pg)
        page = watched.page
        with pytest.raises(TelegramBadRequest):
            await bot.send_message(1, "<oops>")
        for n in range(2):
            await bot.send_message(1, f"burst {n}")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(1, "one too many")
        notes = page.locator("#messages .system")
        await expect(notes).to_have_text(
            [
                re.compile(r"^⚠ sendMessage: Bad Request: can't parse entities"),
                "⏳ sendMessage: Too Many Requests: retry after 1 (flood limit)",
            ]
        )
        # A mistake stands out; a flood limit, which the bot waits out, is a muted note.
        colour = "e => getComputedStyle(e).color"
        assert await notes.first.evaluate(colour) != await notes.last.evaluate(colour)
        await expect(notes.last).to_have_class("system flood")
        await snap(page, tmp_path, "refusals")
        watched.assert_clean()


TEN_AM = datetime(2026, 3, 2, 10, 0, tzinfo=UTC).timestamp()


@needs_chromium
async def test_an_edited_message_shows_when_it_was_last_edited(tmp_path: Path) -> None:
    wall = FakeWallClock(TEN_AM)
    async with Playground(PlaygroundConfig(), wall_clock=wall).running() as pg, bot_of(pg) as bot:
        card = await bot.send_message(1, "SEND")
        for minutes, status in ((5, "DELIVERED"), (2, "READ")):
            wall.advance(minutes * 60)
            await bot.edit_message_text(status, chat_id=1, message_id=card.message_id)
        fresh = await bot.send_message(1, "a new one")
        async with chromium() as browser:
            watched = await live_chat(browser, pg)
            page = watched.page
            await expect(bubble(page, "READ", mine=False).locator(".meta")).to_have_text(
                "edited 10:07"
            )
            await expect(bubble(page, "a new one", mine=False).locator(".meta")).to_have_text(
                "10:07"
            )
            # An edit while the page is open shows its own time, live.
            wall.advance(3 * 60)
            await bot.edit_message_text("READ again", chat_id=1, message_id=card.message_id)
            await expect(bubble(page, "READ again", mine=False).locator(".meta")).to_have_text(
                "edited 10:10"
            )
            watched.assert_clean()
    assert fresh.date.timestamp() == TEN_AM + 7 * 60


COLOURED_PIXELS = """(element) => {
  // The element's text drawn in its own font: colour emoji give coloured pixels, a
  // missing glyph (an empty box) or a black-and-white one only greys.
  const canvas = document.createElement("canvas");
  canvas.width = 300;
  canvas.height = 60;
  const context = canvas.getContext("2d");
  context.font = getComputedStyle(element).font;
  context.fillStyle = "#000";
  context.textBaseline = "top";
  context.fillText(element.textContent, 0, 10);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let coloured = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
    if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
  }
  return coloured;
}"""


@needs_chromium
@pytest.mark.skipif(
    not EMOJI_FONT.exists(),
    reason="no colour emoji font (fonts-noto-color-emoji): `make browser` installs it",
)
async def test_the_bots_emoji_are_drawn_in_colour(bot: Bot, pg: Playground) -> None:
    async with chromium() as browser:
        watched = await live_chat(browser, pg)
        for emoji in ("✅", "🆔", "🔄"):
            await bot.send_message(1, emoji)
            text = bubble(watched.page, emoji, mine=False).locator(".text")
            assert await text.evaluate(COLOURED_PIXELS) > 20, emoji
        watched.assert_clean()
