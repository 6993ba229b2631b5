"""Reusable test helpers: request bodies with valid defaults, a report receiver, a free port,
a bot polling in the background."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import pprint
import socket
import sqlite3
import sys
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from serving import start_site

SANDBOX_LOGIN = "sandbox"
SANDBOX_PASSWORD = "sandbox"

JsonObject = dict[str, Any]


def database_contents(path: Path) -> list[str]:
    """Every row of every table of the SQLite file, as SQL (compared before and after)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for servers that cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """The app on a free port of 127.0.0.1, while inside: its base URL."""
    runner, url = await start_site(app, "127.0.0.1", 0, shutdown_timeout=1.0)
    try:
        yield url
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 that something else listens on, while inside."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port: int = sock.getsockname()[1]
        yield port


async def run_to_exit(
    module: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """`python -m module args...` to its end (within a minute): exit status, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def read_until(stream: asyncio.StreamReader, marker: str, seen: list[str]) -> str:
    """Lines from a process's `stream` until one contains `marker` (collected in `seen`, for
    the failure's message)."""
    while True:
        raw = await stream.readline()
        if not raw:
            raise AssertionError(f"the process ended before {marker!r}:\n{''.join(seen)}")
        line = raw.decode()
        seen.append(line)
        if marker in line:
            return line


@asynccontextmanager
async def polling_in_background(
    dispatcher: Dispatcher, bot: Bot, **options: Any
) -> AsyncIterator[None]:
    """``dispatcher.start_polling(bot, **options)`` as a task, entered once polling has
    started and stopped on exit.

    The dispatcher's startup runs once polling holds its lock, and ``stop_polling()`` works
    only from then on: a test that was over sooner made it raise, and the rest of its
    shut-down never ran. Should polling never start, the task is cancelled instead.
    """
    started = asyncio.Event()
    dispatcher.startup.register(started.set)
    polling = asyncio.create_task(dispatcher.start_polling(bot, **options))
    try:
        async with asyncio.timeout(10):
            await started.wait()
        yield
    finally:
        if not started.is_set():
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        else:
            if not polling.done():
                await dispatcher.stop_polling()
            await polling


def process_alive(pid: int) -> bool:
    """Running: neither gone nor exited and waiting to be collected (a zombie)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def phone(last_digit: int | str = 0) -> str:
    """A Russian mobile number ending in `last_digit`: the sandbox's outcome selector."""
    return f"7900123456{last_digit}"


# --- message objects (wire shape) --------------------------------------------------------


def sms(text: str = "Test message", **data: Any) -> JsonObject:
    return {"type": "SMS", "data": {"text": text, **data}}


def viber(text: str = "Test message", service_number: str = "Viber Co", **data: Any) -> JsonObject:
    content = {"type": "TEXT", "data": {"text": text}}
    return {
        "type": "VIBER",
        "data": {"instantContent": content, "serviceNumber": service_number, **data},
    }


def vk(text: str = "Test message", service_number: str = "VK Co", **data: Any) -> JsonObject:
    return {"type": "VK", "data": {"text": text, "serviceNumber": service_number, **data}}


def flashcall(code: str = "1234", ttl: int = 1) -> JsonObject:
    return {"type": "FLASHINGCALL", "data": {"text": code, "ttl": ttl}}


def link(state: str, message: JsonObject, next_link: JsonObject | None = None) -> JsonObject:
    """A `cascadeChainLink` / `nextLink` object."""
    result: JsonObject = {"state": state, "message": message}
    if next_link is not None:
        result["nextLink"] = next_link
    return result


def send_body(
    message: JsonObject | None = None, *, dest: str | None = None, **fields: Any
) -> JsonObject:
    """A valid REST v6 send body (sandbox credentials, an SMS to a number ending in 0).

    `fields` use the wire names and override anything: ``send_body(notifyUrl=url, id="7")``.
    """
    body: JsonObject = {
        "login": SANDBOX_LOGIN,
        "password": SANDBOX_PASSWORD,
        "destAddr": dest or phone(0),
        "message": message or sms(),
    }
    body.update(fields)
    return body


def statuses(reports: list[JsonObject]) -> list[tuple[str, int]]:
    """(type, status) of each report, in arrival order."""
    return [(r["type"], r["status"]) for r in reports]


# --- the partner's side: a receiver of delivery reports ----------------------------------


@dataclass(frozen=True, slots=True)
class ReceivedPost:
    path: str
    status: int
    """What the receiver answered."""
    body: JsonObject | None
    """None when the body was not a JSON object."""


class ReportReceiver:
    """A small HTTP server recording every report POSTed to it (any path under `url`).

    `reports` holds the JSON bodies it accepted (answered 2xx), in arrival order; `posts`
    holds every POST with the status answered, refusals included.
    """

    def __init__(self) -> None:
        self.reports: list[JsonObject] = []
        self.posts: list[ReceivedPost] = []
        self._answers: deque[int] = deque()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the receiver is not running")
        return self._url

    def respond_with(self, status: int, count: int = 1) -> None:
        """Answer the next `count` POSTs with `status` (e.g. 503) instead of 200."""
        self._answers.extend([status] * count)

    async def wait_for(
        self,
        predicate: Callable[[list[JsonObject]], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is the point of this helper
    ) -> list[JsonObject]:
        """Wait until `predicate(reports)` holds; returns a copy of the reports then.

        Woken by each arrival (no polling); on timeout, AssertionError shows what came.
        """
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait_for(lambda: predicate(self.reports))
            except TimeoutError:
                raise AssertionError(
                    f"the reports did not match within {timeout} s; received "
                    f"{len(self.reports)}:\n{pprint.pformat(self.reports)}"
                ) from None
            return list(self.reports)

    async def wait_for_count(
        self,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - as wait_for
    ) -> list[JsonObject]:
        return await self.wait_for(lambda reports: len(reports) >= count, timeout)

    async def start(self, host: str = "127.0.0.1") -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner, base_url = await start_site(app, host, 0, shutdown_timeout=1.0)
        self._url = f"{base_url}/reports/test-token"

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
        except ValueError:
            data = None
        body = data if isinstance(data, dict) else None
        default = 200 if body is not None else 400
        status = self._answers.popleft() if self._answers else default
        async with self._changed:
            self.posts.append(ReceivedPost(request.path, status, body))
            if body is not None and status < 300:
                self.reports.append(body)
            self._changed.notify_all()
        return web.json_response({"ok": status < 300}, status=status)


def imported_top_level_packages(path: Path) -> set[str]:
    """The packages a module imports by absolute name: ``a`` of ``import a.b``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names
