"""`python -m provider.sandbox` as its own process: starts, serves, stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import httpx

from provider.sandbox.__main__ import config_from, parse_args
from tests.helpers import (
    ReportReceiver,
    free_port,
    phone,
    read_until,
    run_to_exit,
    send_body,
    taken_port,
)

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 15.0


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
    code, out, err = await run_to_exit(
        "provider.sandbox",
        "--port",
        "0",
        "--time-scale",
        "-1",
        "--password",
        "do-not-print",
        cwd=REPO,
    )

    assert code == 2
    assert "time_scale" in err
    assert "do-not-print" not in out + err


async def test_the_cli_says_in_one_line_that_its_port_is_taken() -> None:
    with taken_port() as port:
        code, out, err = await run_to_exit("provider.sandbox", "--port", str(port), cwd=REPO)

    assert code == 2
    assert err.splitlines()[-1] == (
        f"python -m provider.sandbox: cannot listen on 127.0.0.1:{port} (address already in use)"
    )
    assert "Traceback" not in out + err


def test_voice_code_is_an_account_setting_of_the_cli() -> None:
    assert config_from(parse_args(["--port", "0", "--voice-code"])).voice_code is True
    assert config_from(parse_args(["--port", "0"])).voice_code is False
