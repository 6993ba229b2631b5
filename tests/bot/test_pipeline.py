"""The report receiver and the live cards, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.reports.notifier import RateLimiter
from bot.reports.pipeline import keep_outside_reports
from playground import Playground, PlaygroundConfig
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from provider.sandbox import RunningSandbox
from storage import Database, NewStatusEvent, OutsideReportRepository, StatusRepository
from tests.bot.conftest import Desk, make_settings, running_desk


async def receiver_url(desk: Desk) -> str:
    secret = await desk.stores.preferences.get("reports_secret")
    return f"{desk.pipeline.local_url}/reports/{secret}"


def report(mt_num: str, status: DeliveryStatus, **fields: Any) -> dict[str, Any]:
    return DeliveryReport(
        mt_num=mt_num, status=status, type=MessageType.VIBER, dest_addr="79001234569", **fields
    ).to_json()


async def test_a_wrong_secret_is_404_and_stores_nothing(desk: Desk) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{desk.pipeline.local_url}/reports/guess", json=report("1", DeliveryStatus.SEND)
        )
    assert response.status_code == 404
    assert await desk.stores.outside_reports.by_mtnum("1") == []


async def test_malformed_bodies_are_400_with_a_reason(desk: Desk) -> None:
    url = await receiver_url(desk)
    async with httpx.AsyncClient() as http:
        not_json = await http.post(url, content=b"{nope")
        no_mtnum = await http.post(url, json={"status": 2, "type": "SMS"})
        bad_in_batch = await http.post(url, json=[report("5", DeliveryStatus.SEND), {"x": 1}])

    assert (not_json.status_code, not_json.json()) == (
        400,
        {"error": "body is not JSON (key must be a string at line 1 column 2)"},
    )
    assert no_mtnum.status_code == 400
    assert "mtNum" in no_mtnum.json()["error"]
    assert bad_in_batch.status_code == 400
    assert "report 1" in bad_in_batch.json()["error"]
    assert await desk.stores.outside_reports.by_mtnum("5") == []


async def test_a_batch_is_stored_whole(desk: Desk) -> None:
    batch = [report(str(n), DeliveryStatus.DELIVERED) for n in range(3)]
    async with httpx.AsyncClient() as http:
        response = await http.post(await receiver_url(desk), json=batch)
    assert response.json() == {"stored": 3}
    for n in range(3):
        assert len(await desk.stores.outside_reports.by_mtnum(str(n))) == 1


async def test_duplicated_and_scrambled_reports_end_in_the_final_status(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/send"))[-1]
    del card
    await admin.click_and_wait("Viber")
    await admin.send_and_wait("79001234565")  # 5: scrambled and duplicated
    await admin.click_and_wait("DeskTest")
    form = (await admin.send_and_wait("Hello"))[-1]
    await admin.click_and_wait("✅", form)

    await desk.playground.wait_for(
        lambda: "1. Viber: READ" in admin.chat.message(form.message_id).text,
        what="the card to settle on READ",
    )
    (send,) = await desk.stores.sends.recent_all()
    assert send.mt_num is not None
    await desk.sandbox.wait_finished(send.mt_num)
    await desk.playground.wait_for(
        lambda: sum(a.ok for a in desk.sandbox.reports_posted) == 6, what="all six posts"
    )
    assert send.status == "READ"
    assert len(await desk.stores.statuses.events(send.id)) == 3


async def test_a_locked_database_answers_503_so_the_platform_retries(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    settings.storage.database_busy_timeout = 0.2
    async with running_desk(settings, playground, sandbox) as desk:
        url = await receiver_url(desk)
        blocker = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")
            async with httpx.AsyncClient() as http:
                locked = await http.post(url, json=report("9", DeliveryStatus.SEND))
            blocker.execute("ROLLBACK")
            async with httpx.AsyncClient() as http:
                retried = await http.post(url, json=report("9", DeliveryStatus.SEND))
        finally:
            blocker.close()
        stored = await desk.stores.outside_reports.by_mtnum("9")
    assert locked.status_code == 503
    assert retried.status_code == 200
    assert len(stored) == 1


async def test_telegram_429_is_honoured_and_nothing_is_dropped(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    config = PlaygroundConfig(flood_control=True, flood_chat_per_second=1)
    async with Playground(config).running() as playground:
        settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
        # Ignore our own spacing: only Telegram's 429 holds the edits back.
        eager = RateLimiter(per_chat=0.0, global_rate=1000.0)
        async with running_desk(settings, playground, sandbox, limiter=eager) as desk:
            admin = desk.admin
            form = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
            await admin.click_and_wait("✅", form)
            await playground.wait_for(
                lambda: "1. SMS: DELIVERED" in admin.chat.message(form.message_id).text,
                timeout=10,
                what="the final status despite 429s",
            )
            refusals = playground.flood_refusals
    assert refusals >= 1


async def test_a_bot_stopped_as_soon_as_it_started_shuts_down_whole(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    # The restart test below sometimes has nothing left to wait for; its desk then stopped
    # before polling had started, and the shut-down stopped half-way (sessions, the writer's
    # process and the database left open for the next test to trip over).
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    async with running_desk(settings, playground, sandbox) as desk:
        pass
    # The last step of the shut-down: the report receiver no longer listens.
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"{desk.pipeline.local_url}/health")


async def test_pending_card_updates_are_finished_after_a_restart(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    async with running_desk(settings, playground, sandbox) as desk:
        admin = desk.admin
        form = (await admin.send_and_wait("/sms 79001234563 hi"))[-1]  # 3: stays SEND
        await admin.click_and_wait("✅", form)
        (send,) = await desk.stores.sends.recent_all()
        await desk.playground.wait_for(
            lambda: "SMS: SEND" in admin.chat.message(form.message_id).text
        )
        db = desk.stores.db
        # While the bot is down, a report is stored (e.g. received just before a crash).
    async with running_desk(settings, playground, sandbox) as desk:
        await StatusRepository(desk.stores.db).record_status_event(
            NewStatusEvent(step_type="SMS", status="DELIVERED", send_id=send.id)
        )
        del db
    async with running_desk(settings, playground, sandbox) as desk:
        await playground.wait_for(
            lambda: "1. SMS: DELIVERED" in admin.chat.message(form.message_id).text,
            what="the card to catch up after the restart",
        )


async def gone(reports: OutsideReportRepository, mt_num: str) -> None:
    """Until the outside report is no longer stored (within 10 s)."""
    async with asyncio.timeout(10):
        while True:
            if not await reports.by_mtnum(mt_num):
                return
            await asyncio.sleep(0.01)  # polling the database, bounded by the deadline


async def test_outside_reports_past_their_retention_are_removed_from_the_start(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    path = tmp_path / "bot.sqlite3"
    eight_days_ago = datetime.now(UTC) - timedelta(days=8)
    async with await Database.open(path, clock=lambda: eight_days_ago) as old:
        await OutsideReportRepository(old).store(NewStatusEvent("SMS", "SEND", mt_num="old"))
    async with await Database.open(path) as recent:
        await OutsideReportRepository(recent).store(NewStatusEvent("SMS", "SEND", mt_num="new"))
    settings = make_settings(path, playground.base_url)  # OUTSIDE_REPORTS_RETENTION_DAYS=7
    async with running_desk(settings, playground, sandbox) as desk:
        reports = desk.stores.outside_reports
        await gone(reports, "old")
        assert len(await reports.by_mtnum("new")) == 1


async def test_retention_runs_again_every_period(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    clock = [now]
    async with await Database.open(tmp_path / "bot.sqlite3", clock=lambda: clock[0]) as db:
        reports = OutsideReportRepository(db)

        async def store_aged(mt_num: str) -> None:
            clock[0] = now - timedelta(days=2)
            await reports.store(NewStatusEvent("SMS", "SEND", mt_num=mt_num))
            clock[0] = now

        await store_aged("first")
        keeping = asyncio.create_task(
            keep_outside_reports(reports, timedelta(days=1), timedelta(seconds=0.05))
        )
        try:
            await gone(reports, "first")
            await store_aged("second")  # after the first round: only a later one removes it
            await gone(reports, "second")
        finally:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping


async def test_the_receiver_is_guarded_as_its_settings_say(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    settings.reports.reports_allowed_ips = [ip_network("192.0.2.0/24")]
    settings.reports.reports_trusted_proxies = [ip_network("127.0.0.0/8")]
    settings.reports.reports_read_timeout = 0.3
    async with running_desk(settings, playground, sandbox) as desk:
        url = await receiver_url(desk)
        async with httpx.AsyncClient() as http:
            via_proxy = await http.post(
                url,
                json=report("g-1", DeliveryStatus.SEND),
                headers={"X-Forwarded-For": "192.0.2.7"},
            )
            the_proxy_itself = await http.post(url, json=report("g-2", DeliveryStatus.SEND))
        host, port = desk.pipeline.local_url.removeprefix("http://").rsplit(":", 1)
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"POST /reports/x HTTP/1.1\r\nHost: x\r\n")
        async with asyncio.timeout(3):
            cut = await reader.read()
        writer.close()
    assert (via_proxy.status_code, the_proxy_itself.status_code) == (200, 403)
    assert cut == b""  # the half-sent request was dropped after its 0.3 s
