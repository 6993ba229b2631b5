"""SIGKILL under a burst of reports, then a restart: nothing acknowledged is lost, and every
card ends up showing its final status. The bot runs as `python -m bot`, a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench._proc import descendants
from playground import Playground
from playground.users import PlaygroundUser
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from provider.sandbox import RunningSandbox
from tests.helpers import free_port, process_alive

ROOT = Path(__file__).resolve().parents[2]
ADMIN = 1001
SECRET = "crash-test-secret"
SENDS = 5


@asynccontextmanager
async def bot_process(
    env: dict[str, str], health_url: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await _wait_healthy(health_url, process)
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(15):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


async def _wait_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    async with asyncio.timeout(60), httpx.AsyncClient() as http:
        while True:
            assert process.returncode is None, "the bot exited during start-up"
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)  # polling a readiness endpoint, bounded by the deadline


async def _wait_gone(pid: int) -> None:
    async with asyncio.timeout(15):
        while True:
            if not process_alive(pid):
                return
            await asyncio.sleep(0.05)  # polling the process table, bounded by the deadline


def last_bot_message_has(user: PlaygroundUser, text: str) -> bool:
    messages = user.chat.bot_messages
    return bool(messages) and text in messages[-1].text


def message_has(user: PlaygroundUser, message_id: int, text: str) -> bool:
    return text in user.chat.message(message_id).text


def report(mt_num: str, status: DeliveryStatus, n: int) -> dict[str, Any]:
    return DeliveryReport(
        mt_num=mt_num, status=status, type=MessageType.SMS, dest_addr=f"7900123450{n}"
    ).to_json()


async def test_sigkill_under_a_report_burst_loses_nothing(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    database = tmp_path / "bot.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PROVIDER", "REPORTS"))},
        "BOT_TOKEN": "123456:playground",
        "TELEGRAM_API_URL": playground.base_url,
        "ADMIN_IDS": str(ADMIN),
        "DEFAULT_LANGUAGE": "en",
        "DATABASE_PATH": str(database),
        "PROVIDER_API": "rest",
        "PROVIDER_URL": sandbox.rest_url,
        "PROVIDER_LOGIN": "sandbox",
        "PROVIDER_PASSWORD": "sandbox",
        "PROVIDER_SENDERS": "DeskTest",
        "REPORTS_LISTEN": f"127.0.0.1:{port}",
        "REPORTS_SECRET": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    admin = playground.user(ADMIN, "Admin", language_code="en")
    cards: dict[str, int] = {}
    async with bot_process(env, f"{base}/health") as bot:
        for n in range(SENDS):
            await admin.send(f"/sms 7900123450{n} hello {n}")
            await playground.wait_for(partial(last_bot_message_has, admin, f"hello {n}"))
            form = admin.chat.bot_messages[-1]
            await admin.click("✅", form)
            await playground.wait_for(partial(message_has, admin, form.message_id, "mtNum"))
            mt_num = admin.chat.message(form.message_id).text.split("mtNum ")[1].split()[0]
            cards[mt_num] = form.message_id

        burst = [
            report(mt_num, status, n)
            for n, mt_num in enumerate(cards)
            for status in (DeliveryStatus.SEND, DeliveryStatus.DELIVERED)
        ] + [report(f"9{n:05d}", DeliveryStatus.DELIVERED, n) for n in range(200)]
        acked: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        third_acked = asyncio.Event()

        async def post(http: httpx.AsyncClient, body: dict[str, Any]) -> None:
            try:
                response = await http.post(f"{base}/reports/{SECRET}", json=body)
            except httpx.TransportError:
                failed.append(body)
                return
            (acked if response.status_code == 200 else failed).append(body)
            if len(acked) >= len(burst) // 3:
                third_acked.set()

        async with httpx.AsyncClient(timeout=10) as http:
            tasks = [asyncio.create_task(post(http, body)) for body in burst]
            async with asyncio.timeout(30):
                await third_acked.wait()  # the kill comes mid-burst
            [writer] = descendants(bot.pid)  # the report writer's process
            bot.kill()
            await bot.wait()
            await asyncio.gather(*tasks)
        # Its stdin closed with the bot: it answers nobody and stops, never outliving it.
        await _wait_gone(writer)

    assert 0 < len(acked) < len(burst)
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for body in acked:
            stored = db.execute(
                "SELECT 1 FROM status_events e JOIN sends s ON s.id = e.send_id"
                " WHERE s.mt_num = ? AND e.status = ?"
                " UNION ALL SELECT 1 FROM outside_reports WHERE mt_num = ? AND status = ?",
                (body["mtNum"], "DELIVERED" if body["status"] == 2 else "SEND") * 2,
            ).fetchall()
            assert stored, f"acknowledged but lost: {body}"

    # The platform sends again what got no 200; the restarted bot finishes every card.
    async with bot_process(env, f"{base}/health"), httpx.AsyncClient(timeout=10) as http:
        for body in failed:
            response = await http.post(f"{base}/reports/{SECRET}", json=body)
            assert response.status_code == 200
        await playground.wait_for(
            lambda: all(
                "1. SMS: DELIVERED" in admin.chat.message(message_id).text
                for message_id in cards.values()
            ),
            timeout=20,
            what="every card to show DELIVERED",
        )
