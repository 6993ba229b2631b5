"""The web chat page: served without a build step, rendering messages safely."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from aiogram import Bot

from playground import Playground
from tests.playground.support import keyboard

STATIC = Path(__file__).resolve().parents[2] / "playground" / "static"
NODE = shutil.which("node")
CHROMIUM = Path("/usr/bin/chromium")


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


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no Debian chromium at /usr/bin/chromium (apt-get install chromium) for a browser check",
)
async def test_the_page_in_a_browser_shows_the_chat(bot: Bot, pg: Playground) -> None:
    await pg.user().send("<script>alert(1)</script>")
    await bot.send_message(1, "<b>DELIVERED</b>", reply_markup=keyboard(("✅ Send", "send")))
    process = await asyncio.create_subprocess_exec(
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=5000",
        "--dump-dom",
        pg.base_url + "/",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    async with asyncio.timeout(30):
        dom, _ = await process.communicate()
    page = dom.decode()
    assert '<b class="e-bold">DELIVERED</b>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "✅ Send</button>" in page
