"""Debian's Chromium driven by Playwright, for tests of the playground's page.

``async with chromium() as browser: page = await open_page(browser, url)`` starts Debian's
``/usr/bin/chromium`` (``make browser`` installs it; Playwright's own browser downloads are
never used: they are blocked here) with a fresh profile, and closes it whatever happens.
Waiting is Playwright's: assertions (``expect``) re-check their condition until a deadline,
never a sleep, and never the network going idle (the chat holds an event stream open).

Each test keeps a screenshot per flow in its tmp dir (`snap`); with SCREENSHOTS_DIR set, the
ones meant for the README are also written there (``make screenshots`` refreshes docs/).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    FloatRect,
    Locator,
    Page,
    ViewportSize,
    async_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's package ``chromium`` (``make browser`` installs it)."""

FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    # Debian's launcher adds this only when /dev/shm is small, and its check can fail;
    # containers often have a 64 MB /dev/shm, too small for a renderer.
    "--disable-dev-shm-usage",
    # Without these, Chromium keeps trying to reach Google's hosts on a closed network.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

SCREENSHOTS_DIR = "SCREENSHOTS_DIR"
"""Environment variable: a folder the flow tests also write their screenshots to."""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Debian chromium at {CHROMIUM} for the browser checks: `make browser` "
    "(as root: apt-get install chromium fonts-noto-color-emoji) installs it",
)

VIEWPORT: ViewportSize = {"width": 560, "height": 760}
"""A phone-ish column: the page's own width limit is 720 px, screenshots stay small."""


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """A headless Chromium (Playwright gives it a fresh profile in a temporary folder and
    removes it); closed on the way out, whatever happened inside."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(FLAGS), timeout=20_000
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Watched:
    """A page and what went wrong on it: script errors, console errors, dialogs (which are
    dismissed, so an ``alert`` injected by a message never blocks the page)."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.dialogs == [], "a dialog opened (a message's text ran as script?)"
        assert self.errors == [], "the page reported errors"


async def open_page(browser: Browser, url: str) -> Watched:
    """A new tab (its own context: storage starts empty) showing `url`, in UTC and English,
    watched for errors."""
    context = await browser.new_context(
        viewport=VIEWPORT, timezone_id="UTC", locale="en-US", device_scale_factor=1
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    watched = Watched(page)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(message.text)

    async def dialog(opened: Dialog) -> None:
        watched.dialogs.append(f"{opened.type}: {opened.message}")
        await opened.dismiss()

    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("console", console)
    page.on("dialog", dialog)
    await page.goto(url)
    return watched


CHAT_BOTTOM = """() => {
  // Where the chat's messages end on screen (the composer's top at most), plus a margin;
  // an empty chat (its welcome in the middle) is shown whole.
  const chat = document.getElementById("messages");
  if (!chat.querySelector(".msg")) return window.innerHeight;
  const end = chat.lastElementChild.getBoundingClientRect().bottom + 12;
  return Math.ceil(Math.min(end, chat.getBoundingClientRect().bottom));
}"""


async def snap(
    target: Page | Locator, tmp_path: Path, name: str, *, for_docs: bool = False
) -> Path:
    """A PNG of the page's viewport (or of one element) as ``<tmp>/screenshots/<name>.png``.
    `for_docs` (a page): cropped below the chat's last message, and also written to
    $SCREENSHOTS_DIR when that is set."""
    if for_docs:
        assert isinstance(target, Page)
        height = await target.evaluate(CHAT_BOTTOM)
        clip = FloatRect(x=0, y=0, width=VIEWPORT["width"], height=height)
        png = await target.screenshot(animations="disabled", caret="hide", clip=clip)
    else:
        png = await target.screenshot(animations="disabled", caret="hide")
    folders = [tmp_path / "screenshots"]
    if for_docs and (shared := os.environ.get(SCREENSHOTS_DIR)):
        folders.append(Path(shared))
    paths = await asyncio.to_thread(_write, png, f"{name}.png", folders)
    return paths[0]


def _write(png: bytes, name: str, folders: list[Path]) -> list[Path]:
    paths = []
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        paths.append(folder / name)
        paths[-1].write_bytes(png)
    return paths
