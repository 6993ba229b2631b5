"""Answers longer than Telegram takes (4096 characters a message) are split or cut to fit,
never lost. The playground refuses what Telegram refuses ("message is too long")."""

from __future__ import annotations

import re
from datetime import timedelta

from storage import NewStatusEvent
from storage.timeutil import utc_now
from tests.bot.conftest import Desk

BUSY = "79001234567"


async def outside_reports(desk: Desk, count: int, *, mt_num: str | None = None) -> None:
    """`count` reports for traffic the bot did not send, to the busy number (each its own
    mtNum unless one is given)."""
    start = utc_now() - timedelta(hours=1)
    for n in range(count):
        await desk.stores.outside_reports.store(
            NewStatusEvent(
                step_type="SMS",
                status="DELIVERED" if n % 2 else "SEND",
                mt_num=mt_num or f"9{n:012d}",
                destination=BUSY,
                done_at=start + timedelta(seconds=n),
                raw={"n": n},
            )
        )


async def test_trace_of_a_busy_number_comes_in_parts(desk: Desk) -> None:
    await outside_reports(desk, 100)

    parts = await desk.admin.send_and_wait(f"/trace {BUSY}")

    assert len(parts) > 1
    assert parts[0].text.startswith("Everything for ")
    lines = [line for part in parts for line in part.text.splitlines() if "mtNum" in line]
    shown = {m for line in lines for m in re.findall(r"mtNum (\d+)", line)}
    assert shown == {f"9{n:012d}" for n in range(100)}


async def test_status_of_an_outside_mtnum_with_many_reports_comes_in_parts(desk: Desk) -> None:
    await outside_reports(desk, 300, mt_num="4242")

    parts = await desk.admin.send_and_wait("/status 4242")

    assert len(parts) > 1
    assert parts[0].text.startswith("mtNum 4242 (not sent by this bot)")
    events = [line for part in parts for line in part.text.splitlines() if " · SMS · " in line]
    assert len(events) == 300


async def test_the_json_preview_of_a_long_sms_is_shown(desk: Desk) -> None:
    admin = desk.admin
    text = "Long text " * 200  # 2000 characters: the longest SMS the platform takes
    form = (await admin.send_and_wait(f"/sms 79001234560 {text}"))[-1]

    await admin.click_and_wait("{ } JSON", form)

    card = admin.chat.message(form.message_id)
    assert '"destAddr": "79001234560"' in card.text
    assert len(card.text) <= 4096
    assert card.button_texts[0].startswith("✅")
