"""Drive Debian's Chromium through the Chrome DevTools Protocol, for tests of web pages.

``async with chromium(tmp_path) as browser: page = await browser.new_page()`` starts a
headless Chromium on a free DevTools port, talks to it over one websocket (aiohttp) and
always kills it, with every process it started, on the way out. Waiting is on conditions
with deadlines, never on the network going idle: pages holding an event stream open (the
playground's chat) never go idle.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import signal
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's package ``chromium`` (``make browser`` installs it)."""

FLAGS = (
    "--headless",
    "--remote-debugging-port=0",
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
    "--window-size=1024,768",
)

Json = dict[str, Any]

_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class CdpError(AssertionError):
    """A DevTools command failed, the page threw, or a condition was not met in time."""


class Browser:
    """One DevTools connection to the browser; pages are flattened sessions on it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, stderr: deque[str]) -> None:
        self._ws = ws
        self._stderr = stderr
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Json]] = {}
        self._pages: dict[str, Page] = {}
        self._closed: BaseException | None = None

    async def send(
        self, method: str, params: Json | None = None, session: str | None = None
    ) -> Json:
        if self._closed is not None:
            raise CdpError(f"{method}: {self._closed}")
        message: Json = {"id": next(self._ids), "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._pending[message["id"]] = future
        try:
            await self._ws.send_str(json.dumps(message))
            return await future
        finally:
            self._pending.pop(message["id"], None)

    async def new_page(self) -> Page:
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        page = Page(self, attached["sessionId"])
        self._pages[page.session] = page
        await page.send("Page.enable")
        await page.send("Page.setLifecycleEventsEnabled", {"enabled": True})
        await page.send("Runtime.enable")
        return page

    def stderr_tail(self, lines: int = 15) -> str:
        return "\n".join(list(self._stderr)[-lines:])

    async def read(self) -> None:
        """Dispatch answers and events until the socket closes; then fail what waits."""
        try:
            async for frame in self._ws:
                if frame.type is not aiohttp.WSMsgType.TEXT:
                    continue
                message: Json = json.loads(frame.data)
                if "id" in message:
                    self._answer(message)
                elif (page := self._pages.get(message.get("sessionId", ""))) is not None:
                    await page.on_event(message["method"], message.get("params", {}))
        finally:
            self._closed = CdpError(
                f"Chromium closed the DevTools connection; its stderr ends:\n{self.stderr_tail()}"
            )
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(self._closed)

    def _answer(self, message: Json) -> None:
        future = self._pending.get(message["id"])
        if future is None or future.done():
            return
        if "error" in message:
            future.set_exception(CdpError(f"DevTools error: {message['error']}"))
        else:
            future.set_result(message.get("result", {}))

    async def post(self, method: str, params: Json, session: str) -> None:
        """A command whose answer nobody waits for (sent from the reader itself)."""
        message = {"id": next(self._ids), "method": method, "params": params, "sessionId": session}
        await self._ws.send_str(json.dumps(message))


class Page:
    """A tab: navigate, evaluate, wait for a DOM condition, type, screenshot.

    JavaScript errors and dialogs (``alert``) are recorded in `errors` and `dialogs`;
    dialogs are dismissed so they never block the page.
    """

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self._loads: set[str] = set()
        self._load_seen = asyncio.Event()

    async def send(self, method: str, params: Json | None = None) -> Json:
        return await self.browser.send(method, params, self.session)

    async def on_event(self, method: str, params: Json) -> None:
        if method == "Page.lifecycleEvent" and params.get("name") == "load":
            self._loads.add(params["loaderId"])
            self._load_seen.set()
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description", details["text"]))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(a.get("value", a)) for a in params.get("args", [])))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(f"{params.get('type')}: {params.get('message')}")
            await self.browser.post("Page.handleJavaScriptDialog", {"accept": False}, self.session)

    async def goto(self, url: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Navigate and wait for this navigation's load event (the scripts ran; event
        streams and other open requests do not hold it)."""
        async with asyncio.timeout(timeout):
            result = await self.send("Page.navigate", {"url": url})
            if result.get("errorText"):
                raise CdpError(f"navigating to {url}: {result['errorText']}")
            loader = result["loaderId"]
            while loader not in self._loads:
                self._load_seen.clear()
                await self._load_seen.wait()

    async def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        """The expression's value (JSON-serialisable); a thrown error becomes CdpError."""
        result = await self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            thrown = details.get("exception", {}).get("description") or details.get("text")
            raise CdpError(f"JavaScript failed: {thrown}")
        return result["result"].get("value")

    async def wait_until(
        self,
        predicate: str,
        *,
        what: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline built in is the point
        shows: str = "document.body ? document.body.innerText : ''",
    ) -> None:
        """Wait until the JS expression `predicate` is truthy, re-checked on every DOM change
        (a MutationObserver, no polling). On timeout: CdpError with `what` and what the page
        `shows` (an expression, the page's text by default)."""
        script = f"""
        new Promise((resolve, reject) => {{
          const holds = () => Boolean({predicate});
          if (holds()) return resolve(true);
          const observer = new MutationObserver(() => {{
            if (holds()) {{ observer.disconnect(); clearTimeout(timer); resolve(true); }}
          }});
          const timer = setTimeout(() => {{
            observer.disconnect();
            reject(new Error("timed out; the page shows:\\n" + ({shows})));
          }}, {int(timeout * 1000)});
          observer.observe(document, {{
            subtree: true, childList: true, characterData: true, attributes: true
          }});
        }})
        """
        try:
            async with asyncio.timeout(timeout + 2):  # the page's own timer fires first
                await self.evaluate(script, await_promise=True)
        except (CdpError, TimeoutError) as exc:
            raise CdpError(f"waiting {timeout:g} s for {what}: {exc}") from None

    async def type_text(self, text: str) -> None:
        """Type into the focused element, as an input method would."""
        await self.send("Input.insertText", {"text": text})

    async def press_enter(self) -> None:
        key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **key})
        await self.send("Input.dispatchKeyEvent", {"type": "keyUp", **key})

    async def screenshot(self, path: Path) -> bytes:
        """A PNG of the viewport, written to `path` and returned."""
        result = await self.send("Page.captureScreenshot", {"format": "png"})
        png = base64.b64decode(result["data"])
        await asyncio.to_thread(path.write_bytes, png)
        return png


async def _devtools_url(stderr: asyncio.StreamReader, seen: deque[str]) -> str:
    while line := await stderr.readline():
        text = line.decode(errors="replace").rstrip()
        seen.append(text)
        if found := _LISTENING.search(text):
            return found.group(1)
    raise CdpError("Chromium exited before listening for DevTools:\n" + "\n".join(seen))


async def _drain(stderr: asyncio.StreamReader, seen: deque[str]) -> None:
    """Keep reading stderr (a full pipe would stall Chromium); the tail explains failures."""
    while line := await stderr.readline():
        seen.append(line.decode(errors="replace").rstrip())


@contextlib.asynccontextmanager
async def chromium(
    profile: Path,
    *,
    executable: Path = CHROMIUM,
    start_timeout: float = 10.0,
) -> AsyncIterator[Browser]:
    """A headless Chromium with its profile in `profile` (a fresh directory, e.g. under
    tmp_path). On exit the browser is asked to close, then its process group is killed and
    the process waited for, whatever happened inside."""
    process = await asyncio.create_subprocess_exec(
        str(executable),
        *FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group: renderers and zygotes die with it
    )
    assert process.stderr is not None
    stderr: deque[str] = deque(maxlen=200)
    drain: asyncio.Task[None] | None = None
    try:
        try:
            async with asyncio.timeout(start_timeout):
                url = await _devtools_url(process.stderr, stderr)
        except TimeoutError:
            raise CdpError(
                f"Chromium did not listen for DevTools within {start_timeout:g} s:\n"
                + "\n".join(stderr)
            ) from None
        drain = asyncio.create_task(_drain(process.stderr, stderr))
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(url, max_msg_size=64 * 2**20) as ws,
        ):
            browser = Browser(ws, stderr)
            reader = asyncio.create_task(browser.read())
            try:
                yield browser
                with contextlib.suppress(CdpError, TimeoutError, ConnectionError):
                    async with asyncio.timeout(2):
                        await browser.send("Browser.close")
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(3):
                await process.wait()
    finally:
        # The whole group, even after a clean exit: no renderer or zygote outlives the test.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        if drain is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2):
                    await drain
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain
