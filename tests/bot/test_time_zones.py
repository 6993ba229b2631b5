"""Times in each operator's own time zone (/tz), on every card and answer: an on-call team
spans time zones (issue #20). DISPLAY_TIMEZONE is the zone of whoever chose none."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playground import Playground
from provider.reports import DeliveryStatus
from provider.sandbox import RunningSandbox
from tests.bot.conftest import Desk, make_settings, running_desk, sms_report


async def test_tz_shows_chooses_and_explains_a_time_zone(desk: Desk) -> None:
    admin = desk.admin

    default = (await admin.send_and_wait("/tz"))[-1]
    chosen = (await admin.send_and_wait("/tz europe/moscow"))[-1]
    shown = (await admin.send_and_wait("/tz"))[-1]
    typo = (await admin.send_and_wait("/tz Europe/Moskow"))[-1]
    path = (await admin.send_and_wait("/tz ../../etc/passwd"))[-1]
    still = (await admin.send_and_wait("/tz"))[-1]

    assert "the UTC time zone, the bot's default" in default.text
    assert "/tz Europe/Moscow" in default.text
    assert "Done: times are shown in the Europe/Moscow time zone" in chosen.text
    assert "MSK" in chosen.text
    assert "the Europe/Moscow time zone, your choice" in shown.text
    assert 'I don\'t know the time zone "Europe/Moskow"' in typo.text
    assert "Did you mean /tz Europe/Moscow?" in typo.text
    assert "/tz Asia/Yekaterinburg" in typo.text  # examples
    assert "I don't know the time zone" in path.text
    assert "Europe/Moscow time zone, your choice" in still.text


async def test_cards_history_and_later_edits_show_the_owners_zone(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/tz Asia/Yekaterinburg")
    card, send = await desk.sent_card(admin, "79001234563")  # SEND only, then silence

    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))
    await desk.playground.wait_for(
        lambda: "DELIVERED" in admin.chat.message(card.message_id).text,
        what="the card to be edited by the notifier",
    )
    edited = admin.chat.message(card.message_id).text
    status = (await admin.send_and_wait(f"/status {send.mt_num}"))[0]
    history = (await admin.send_and_wait("/history"))[-1]

    clock = re.compile(r"\d\d:\d\d:\d\d (\S+)")
    assert clock.findall(edited) == ["+05"]  # Yekaterinburg has no letters of its own
    assert "+05" in status.text
    zone = ZoneInfo("Asia/Yekaterinburg")
    created = datetime.fromisoformat(str(send.created_at)).astimezone(zone)
    assert created.strftime("%d.%m %H:%M") in history.text


def test_time_zones_need_no_system_database() -> None:
    """The image (python:3.11-slim, Debian trixie) has no /usr/share/zoneinfo: the zones
    come from the tzdata package."""
    check = "from bot.ui.timefmt import find_zone; print(find_zone('asia/yekaterinburg'))"
    result = subprocess.run(  # noqa: S603 - a fixed script, this interpreter
        [sys.executable, "-c", check],
        env={**os.environ, "PYTHONTZPATH": ""},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "Asia/Yekaterinburg"


async def test_each_operator_reads_one_send_in_their_own_zone(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    settings.telegram.display_timezone = "Europe/Moscow"
    async with running_desk(settings, playground, sandbox) as desk:
        await desk.grant(2002, "viewer")
        far_east = desk.user(2002, "Vladivostok")
        await far_east.send_and_wait("/tz Asia/Vladivostok")
        _, send = await desk.sent_card(desk.admin, "79001234560")

        in_moscow = (await desk.admin.send_and_wait(f"/status {send.mt_num}"))[0]
        in_vladivostok = (await far_east.send_and_wait(f"/status {send.mt_num}"))[0]

    clock = re.compile(r"\d\d:\d\d:\d\d (\S+)")
    assert set(clock.findall(in_moscow.text)) == {"MSK"}  # DISPLAY_TIMEZONE, chosen by none
    assert set(clock.findall(in_vladivostok.text)) == {"+10"}
