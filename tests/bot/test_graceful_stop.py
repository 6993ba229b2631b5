"""SIGTERM while a send is under way: the bot lets it finish (within 8 s in all), posts its
card, and only then exits; what cannot finish is left unknown, its card saying so. The bot
runs as `python -m bot`, a real process, sending through a fault proxy to the sandbox."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playground import Playground
from playground.users import PlaygroundUser
from provider.sandbox import RunningSandbox
from tests.bot.test_crash import ADMIN, _wait_healthy
from tests.bot.test_main import bot_env
from tests.fault_proxy import Fault, FaultKind, FaultProxy, Seen
from tests.helpers import free_port

STOP_WITHIN = 8.0
"""The bound the issue sets for a stop, sends included."""
START_AND_CLOSE = 3.0
"""What the process may add around it (closing the database, the receiver, the writer)."""


@asynccontextmanager
async def bot_sending_through(
    tmp_path: Path, playground: Playground, proxy: FaultProxy
) -> AsyncIterator[asyncio.subprocess.Process]:
    port = free_port()
    env = bot_env(
        tmp_path,
        BOT_TOKEN="123456:playground",
        TELEGRAM_API_URL=playground.base_url,
        ADMIN_IDS=str(ADMIN),
        DEFAULT_LANGUAGE="en",
        PROVIDER_API="rest",
        PROVIDER_URL=proxy.url + "/rest/send",
        PROVIDER_LOGIN="sandbox",
        PROVIDER_PASSWORD="sandbox",
        PROVIDER_SENDERS="DeskTest",
        REPORTS_LISTEN=f"127.0.0.1:{port}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await _wait_healthy(f"http://127.0.0.1:{port}/health", process)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def press_send_under_a_held_answer(
    admin: PlaygroundUser, playground: Playground, proxy: FaultProxy, hold: float
) -> int:
    """/sms, then ✅ while the proxy holds the platform's answer `hold` seconds; returns
    once the platform has the request."""
    await admin.send("/sms 79001234560 Stop test")
    await playground.wait_for(
        lambda: any("✅" in b for m in admin.chat.bot_messages for b in m.button_texts),
        what="the form card",
    )
    form = admin.chat.bot_messages[-1]
    proxy.add(Fault.delay(hold, forward=True), method="POST", path="/rest/send")
    await admin.click("✅", form)
    await proxy.wait_for(
        lambda seen: Seen("POST", "/rest/send", FaultKind.DELAY, forwarded=True) in seen,
        timeout=10,
    )
    return form.message_id


async def stop(process: asyncio.subprocess.Process) -> float:
    """SIGTERM; the seconds until the process was gone."""
    start = time.monotonic()
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(STOP_WITHIN + START_AND_CLOSE + 5):
        await process.wait()
    return time.monotonic() - start


def stored_state(tmp_path: Path) -> str:
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        (state,) = db.execute("SELECT state FROM sends").fetchone()
    return str(state)


async def test_a_send_under_way_finishes_and_posts_its_card_before_the_bot_exits(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    admin = playground.user(ADMIN, "Admin", language_code="en")
    async with (
        FaultProxy(sandbox.base_url).running() as proxy,
        bot_sending_through(tmp_path, playground, proxy) as process,
    ):
        card = await press_send_under_a_held_answer(admin, playground, proxy, hold=2.0)
        took = await stop(process)

    assert process.returncode == 0
    assert took < STOP_WITHIN + START_AND_CLOSE
    (record,) = sandbox.sends.values()
    assert f"mtNum {record.mt_num}" in admin.chat.message(card).text
    assert stored_state(tmp_path) == "accepted"


async def test_a_send_that_cannot_finish_is_left_unknown_and_its_card_says_so(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    admin = playground.user(ADMIN, "Admin", language_code="en")
    async with (
        FaultProxy(sandbox.base_url).running() as proxy,
        bot_sending_through(tmp_path, playground, proxy) as process,
    ):
        # Held longer than the stop may last (and than PROVIDER_TIMEOUT's 20 s default).
        card = await press_send_under_a_held_answer(admin, playground, proxy, hold=60.0)
        took = await stop(process)

    assert process.returncode == 0
    assert took < STOP_WITHIN + START_AND_CLOSE
    shown = admin.chat.message(card).text
    assert "Outcome unknown: the platform may have it." in shown
    assert "the bot stopped before the platform answered" in shown
    assert stored_state(tmp_path) == "unknown"
    assert len(sandbox.sends) == 1  # it had it: the card is right not to call it refused
