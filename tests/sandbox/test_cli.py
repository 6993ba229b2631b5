"""`python -m provider.sandbox` as its own process: starts, serves, stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import httpx

from tests.helpers import ReportReceiver, free_port, phone, send_body

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 15.0


async def read_until(stream: asyncio.StreamReader, marker: str, seen: list[str]) -> str:
    """Lines from `stream` until one contains `marker` (collected in `seen` for messages)."""
    while True:
        raw = await stream.readline()
        if not raw:
            raise AssertionError(f"the process ended before {marker!r}:\n{''.join(seen)}")
        line = raw.decode()
        seen.append(line)
        if marker in line:
            return line


async def test_the_cli_serves_a_send_and_exits_cleanly_on_sigterm(
    report_receiver: ReportReceiver,
) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "provider.sandbox",
        "--port",
        str(port),
        "--time-scale",
        "0.001",
        "--login",
        "cli-login",
        "--password",
        "cli-password",
        "--report-url",
        report_receiver.url,
        cwd=REPO,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        # The process says when it listens (no polling): wait for that line, with a deadline.
        async with asyncio.timeout(DEADLINE):
            started = await read_until(process.stderr, "event=sandbox_started", seen)
        assert f"url=http://127.0.0.1:{port}" in started

        async with httpx.AsyncClient(timeout=5.0) as http:
            body = send_body(login="cli-login", password="cli-password", dest=phone(3))
            response = await http.post(f"http://127.0.0.1:{port}/rest/send", json=body)
        assert response.status_code == 200
        [report] = await report_receiver.wait_for_count(1)
        assert (report["mtNum"], report["status"]) == (response.json()["mtNum"], 0)

        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(DEADLINE):
            _, rest = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()

    log = "".join(seen) + rest.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert "event=sandbox_stopped" in log
    assert "cli-password" not in log
    assert phone(3) not in log


async def test_the_cli_refuses_bad_settings_without_printing_the_password() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "provider.sandbox",
        "--port",
        "0",
        "--time-scale",
        "-1",
        "--password",
        "do-not-print",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(DEADLINE):
        out, err = await process.communicate()

    assert process.returncode == 2
    assert b"time_scale" in err
    assert b"do-not-print" not in out + err
