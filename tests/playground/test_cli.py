"""`python -m playground` as its own process: starts, answers the Bot API, stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import httpx

from tests.helpers import free_port, read_until, run_to_exit, taken_port
from tests.playground.support import TOKEN_HEADER, token_of_page

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 15.0


async def test_the_cli_serves_the_bot_api_and_the_page_then_exits_on_sigterm() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "playground",
        "--port",
        str(port),
        cwd=REPO,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        async with asyncio.timeout(DEADLINE):
            started = await read_until(process.stderr, "event=playground_started", seen)
        assert f"url=http://127.0.0.1:{port}" in started
        assert "flood_control=True" in started

        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=5.0) as http:
            me = (await http.get("/bot123:secret-token/getMe")).json()
            page = await http.get("/")
            token = {TOKEN_HEADER: token_of_page(page.text)}
            sent = await http.post("/api/send", json={"text": "/start"}, headers=token)
            updates = (await http.post("/bot123:secret-token/getUpdates", json={})).json()
        assert me["ok"] is True
        assert me["result"]["username"] == "desk_playground_bot"
        assert "<title>Telegram playground</title>" in page.text
        assert sent.status_code == 200
        assert updates["result"][0]["message"]["text"] == "/start"

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
    assert "event=playground_stopped" in log
    assert "secret-token" not in log


async def test_the_cli_says_in_one_line_that_its_port_is_taken() -> None:
    with taken_port() as port:
        code, out, err = await run_to_exit("playground", "--port", str(port), cwd=REPO)

    assert code == 2
    assert err.splitlines()[-1] == (
        f"python -m playground: cannot listen on 127.0.0.1:{port} (address already in use)"
    )
    assert "Traceback" not in out + err
