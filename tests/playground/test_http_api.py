"""The people's side over HTTP, as the web page and out-of-process tests use it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BotCommand

from playground import Playground
from tests.playground.support import LoopbackSession


async def read_events(
    lines: AsyncIterator[str], count: int, kind: str | None = None
) -> list[dict[str, Any]]:
    """The next `count` events (of one type, if given) from an SSE stream's lines."""
    events: list[dict[str, Any]] = []
    async for line in lines:
        if line.startswith("data: "):
            event = json.loads(line[len("data: ") :])
            if kind is None or event["type"] == kind:
                events.append(event)
                if len(events) == count:
                    return events
    raise AssertionError(f"the stream ended after {events}")


async def test_people_chats_and_messages_over_http(http: httpx.AsyncClient, pg: Playground) -> None:
    created = await http.post(
        "/api/users", json={"id": 7, "first_name": "Olga", "language_code": "en"}
    )
    assert created.json() == {"id": 7, "is_bot": False, "first_name": "Olga", "language_code": "en"}
    group = (await http.post("/api/chats", json={"title": "Ops", "member_ids": [1, 7]})).json()
    assert group["id"] < 0

    sent = await http.post("/api/send", json={"user_id": 7, "chat_id": group["id"], "text": "hi"})
    assert sent.status_code == 200
    assert sent.json()["message"]["from"]["name"] == "Olga"

    chat = (await http.get(f"/api/chats/{group['id']}")).json()
    assert [m["text"] for m in chat["messages"]] == ["hi"]
    assert "Olga: hi" in chat["transcript"]
    assert pg.chat(group["id"]).messages[0].sender_id == 7

    state = (await http.get("/api/state")).json()
    assert state["bot"]["username"] == "desk_playground_bot"
    assert {u["id"] for u in state["users"]} == {1, 7}


async def test_refusals_are_plain_json_errors(http: httpx.AsyncClient) -> None:
    outsider = await http.post("/api/send", json={"user_id": 1, "chat_id": -5, "text": "x"})
    assert outsider.status_code == 400
    assert "no chat -5" in outsider.json()["error"]
    stranger = await http.post("/api/send", json={"user_id": 99, "text": "x"})
    assert stranger.status_code == 404
    no_button = await http.post("/api/click", json={"text": "✅"})
    assert no_button.status_code == 400
    assert "no button starting with '✅'" in no_button.json()["error"]


@pytest.mark.usefixtures("echo_bot")
async def test_send_and_click_with_wait_return_once_processed(
    http: httpx.AsyncClient, pg: Playground
) -> None:
    sent = (await http.post("/api/send", json={"text": "ping", "wait": True})).json()
    [reply] = sent["replies"]
    assert reply["text"] == "echo: ping"
    assert [b["text"] for b in reply["buttons"][0]] == ["✅ Confirm", "✖️ Cancel"]

    clicked = await http.post(
        "/api/click",
        json={"message_id": reply["message_id"], "text": "✅", "wait": True},
    )
    assert clicked.json()["answered"] is True
    assert clicked.json()["text"] == "Confirmed"
    assert pg.chat(1).message(reply["message_id"]).text == "confirmed ✅"

    calls = (await http.get("/api/calls")).json()
    methods = [c["method"] for c in calls["calls"] if c["ok"]]
    assert {"sendMessage", "answerCallbackQuery", "editMessageText"} <= set(methods)
    assert calls["flood_refusals"] == 0


async def test_waiting_for_a_bot_that_is_not_there_times_out(http: httpx.AsyncClient) -> None:
    answer = await http.post("/api/send", json={"text": "hello?", "wait": True, "timeout": 0.05})
    assert answer.status_code == 504
    assert "updates not yet confirmed" in answer.json()["error"]


async def test_the_event_stream_shows_messages_edits_and_failures(
    http: httpx.AsyncClient, bot: Bot, pg: Playground
) -> None:
    async with http.stream("GET", "/api/events") as stream:
        assert stream.headers["content-type"] == "text/event-stream"
        lines = stream.aiter_lines()
        await http.post("/api/send", json={"text": "watch this"})
        [user_message] = await read_events(lines, 1, "message")
        assert user_message["message"]["text"] == "watch this"

        card = await bot.send_message(1, "<b>SEND</b>")
        await bot.edit_message_text("<b>DELIVERED</b>", chat_id=1, message_id=card.message_id)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1, "<oops>")
        new, edited = await read_events(lines, 2, "message")
        assert (new["message"]["text"], new["message"]["edited"]) == ("SEND", False)
        assert (edited["message"]["text"], edited["message"]["edited"]) == ("DELIVERED", True)
        assert edited["message"]["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
        [failure] = await read_events(lines, 1, "call_failed")
        assert failure["method"] == "sendMessage"
        assert failure["chat_id"] == 1


async def test_flood_control_switches_over_http(http: httpx.AsyncClient, pg: Playground) -> None:
    assert (await http.get("/api/flood")).json() == {"enabled": False, "refusals": 0}
    switched = await http.post("/api/flood", json={"enabled": True})
    assert switched.json()["enabled"] is True
    assert pg.flood_control is True


async def test_commands_the_person_sees(http: httpx.AsyncClient, bot: Bot, pg: Playground) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    menu = (await http.get("/api/commands", params={"user_id": 1})).json()
    assert menu["visible"] == [{"command": "start", "description": "Start"}]
    assert menu["all"][0]["scope"] == {"type": "default"}


async def test_several_playgrounds_in_one_process_are_independent(pg: Playground) -> None:
    async with Playground().running() as other:
        await other.user().send("elsewhere")
        assert pg.chat(1).messages == []
        assert other.base_url != pg.base_url


async def test_stopping_ends_long_polls_promptly() -> None:
    local = Playground()
    await local.start()
    session = LoopbackSession(api=TelegramAPIServer.from_base(local.base_url))
    poller = Bot(local.token, session=session)
    try:
        poll = asyncio.create_task(poller.get_updates(timeout=30))
        await local.wait_for(lambda: local.long_polls_waiting == 1)
        async with asyncio.timeout(3):
            await local.stop()
            assert await poll == []
    finally:
        await session.close()
