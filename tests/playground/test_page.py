"""The web chat page: served without a build step, rendering messages safely."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import struct
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiogram import Bot

from playground import Playground
from tests.browser import CHROMIUM, Page, chromium
from tests.playground.support import keyboard

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


# -- in a real browser (Chromium over the DevTools protocol) ------------------------------

ATTACK = "<script>alert(1)</script><img src=x onerror=alert(2)>"
"""A person's message that would run script if the page ever parsed text as HTML."""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Debian chromium at {CHROMIUM} for the browser checks: `make browser` "
    "(as root: apt-get install chromium) installs it",
)


def js(value: object) -> str:
    """A Python value as a JavaScript literal."""
    return json.dumps(value, ensure_ascii=False)


def button(text: str) -> str:
    """JS: the inline button reading exactly `text`, or undefined."""
    buttons = "[...document.querySelectorAll('#messages .keyboard button')]"
    return f"{buttons}.find(b => b.textContent === {js(text)})"


def message(text: str, *, mine: bool) -> str:
    """JS: the chat bubble (the person's own if `mine`, else another's) with this text."""
    bubbles = "#messages .msg.mine" if mine else "#messages .msg:not(.mine)"
    return (
        f"[...document.querySelectorAll({js(bubbles)})]"
        f".find(m => m.querySelector('.text').textContent === {js(text)})"
    )


@contextlib.asynccontextmanager
async def chat_page(pg: Playground, tmp_path: Path) -> AsyncIterator[Page]:
    """Chromium showing the playground's chat, live (its event stream connected), with both
    messages of `conversation` on screen. Asserts at the end that no script ran from a
    message (no dialog) and the page threw nothing."""
    async with chromium(tmp_path / "chromium") as browser:
        page = await browser.new_page()
        await page.goto(pg.base_url + "/")
        await page.wait_until(
            f"""document.getElementById("status").classList.contains("live")
            && {message(ATTACK, mine=True)} && {button("✅ Send")}""",
            what="the chat showing both messages, live",
        )
        yield page
        assert page.dialogs == [], "a message's text ran as script"
        assert page.errors == []


async def conversation(bot: Bot, pg: Playground) -> int:
    """The Operator sends ATTACK; the bot answers in bold with a "✅ Send" button."""
    await pg.user().send(ATTACK)
    sent = await bot.send_message(
        1, "<b>DELIVERED</b> to +79991234567", reply_markup=keyboard(("✅ Send", "send"))
    )
    return sent.message_id


@needs_chromium
async def test_the_page_in_a_browser_shows_the_chat(
    bot: Bot, pg: Playground, tmp_path: Path
) -> None:
    await conversation(bot, pg)
    async with asyncio.timeout(20), chat_page(pg, tmp_path) as page:
        seen = await page.evaluate(
            f"""(() => {{
              const mine = {message(ATTACK, mine=True)};
              const bot = {message("DELIVERED to +79991234567", mine=False)};
              // The element showing "DELIVERED", whatever it is: its tag and its weight.
              const word = [...bot.querySelectorAll(".text *")]
                .find(e => e.textContent === "DELIVERED") || bot.querySelector(".text");
              const press = {button("✅ Send")};
              return {{
                mine: mine.querySelector(".text").innerText,
                mineElements: mine.querySelector(".text").querySelectorAll("*").length,
                injected: document.querySelectorAll("#messages script, #messages img").length,
                sender: bot.querySelector(".sender").innerText,
                word: word.tagName,
                weight: getComputedStyle(word).fontWeight,
                plain: getComputedStyle(bot.querySelector(".text")).fontWeight,
                button: press.innerText,
                enabled: !press.disabled,
                visible: press.getClientRects().length > 0 && press.offsetWidth > 0,
              }};
            }})()"""
        )
        png = await page.screenshot(tmp_path / "chat.png")
    # The person's text is text: the markup shows as typed, nothing became an element.
    assert seen["mine"] == ATTACK
    assert seen["mineElements"] == 0
    assert seen["injected"] == 0
    # The bot's <b> is bold on screen, the rest of its text is not.
    assert seen["sender"] == pg.bot_user["first_name"]
    assert seen["word"] == "B"
    assert int(seen["weight"]) >= 600 > int(seen["plain"])
    assert seen["button"] == "✅ Send"
    assert seen["enabled"]
    assert seen["visible"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert width > 0
    assert height > 0
    assert (tmp_path / "chat.png").read_bytes() == png


@needs_chromium
async def test_the_page_in_a_browser_presses_buttons_and_sends_text(
    bot: Bot, pg: Playground, tmp_path: Path
) -> None:
    message_id = await conversation(bot, pg)
    typed = "Привет, бот! 👋"
    async with asyncio.timeout(20), chat_page(pg, tmp_path) as page:
        await page.evaluate(f"{button('✅ Send')}.click()")
        await pg.wait_for(lambda: pg.callbacks, what="the page's press of ✅ Send")

        await page.evaluate("document.getElementById('text').focus()")
        await page.type_text(typed)
        await page.press_enter()
        await pg.wait_for(
            lambda: any(m.text == typed for m in pg.chat(1).messages),
            what="the message typed in the page",
        )
        # Back on screen through the event stream; the text box is empty again.
        await page.wait_until(
            f"{message(typed, mine=True)} && document.getElementById('text').value === ''",
            what="the typed message in the chat",
        )
    [press] = pg.callbacks
    assert (press.user_id, press.chat_id, press.message_id, press.data) == (
        1,
        1,
        message_id,
        "send",
    )
    mine = pg.chat(1).messages[-1]
    assert (mine.text, mine.sender_id, mine.from_bot) == (typed, 1, False)
