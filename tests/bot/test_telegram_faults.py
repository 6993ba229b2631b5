"""Every kind of Telegram trouble on every call the bot makes, through a real fault proxy in
front of the playground: a load balancer's 500 and 502 pages, connection resets, answers
that never come (the call times out) and flood control (429), each on editMessageText,
sendMessage, answerCallbackQuery, getUpdates and setMyCommands for one or two calls in a
row. Whatever it hits, the status card still reaches its final status, what the operator
asked for is answered, and the bot goes on answering commands.

One bot per method meets the five faults in turn, each with a card of its own (a bot per
pair would cost a start and a stop each, most of such a test's time); setMyCommands is
called at start-up only, so there it is one bot per fault.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.reports.notifier import RateLimiter
from playground import Playground
from provider.reports import DeliveryStatus
from provider.sandbox import RunningSandbox
from tests.bot.conftest import TOKEN, Desk, make_settings, running_desk, sms_report
from tests.fault_proxy import Fault, FaultProxy, Seen, bot_method

CALL_TIMEOUT = 1.0
"""Seconds a call may take here: the "timeout" fault holds the answer for longer."""
WAIT = 20.0
"""Deadline for what the bot does after the faults (back-offs, 429 pauses, timeouts)."""

FAULTS: dict[str, Callable[[], Fault]] = {
    "500 page": lambda: Fault.status(500, forward=False),
    "502 page": lambda: Fault.status(502, forward=False),
    "reset": lambda: Fault.reset(forward=False),
    # Telegram did it; the answer never comes back. The bot cannot know, and tries again.
    "timeout": lambda: Fault.delay(30, forward=True),
    "429": lambda: Fault.too_many_requests(retry_after=1),
}
IN_A_ROW = {"500 page": 2, "502 page": 2, "reset": 2, "timeout": 1, "429": 1}
"""Calls of the method that meet the fault, one after the other (one for the faults that
cost real seconds each: a timeout, a 429's pause)."""
METHODS = ["editMessageText", "sendMessage", "answerCallbackQuery", "getUpdates"]
APOLOGY = "❌ Something went wrong on our side, and nothing was sent."


def faulted(method: str, count: int) -> Callable[[list[Seen]], bool]:
    path = bot_method(method)
    return lambda seen: sum(s.fault is not None and path(s.path) for s in seen) >= count


@asynccontextmanager
async def bot_behind(
    proxy: FaultProxy, tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> AsyncIterator[Desk]:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    # The playground's flood control is off: a chat's own spacing need not be a second.
    quick = RateLimiter(per_chat=0.05, global_rate=1000.0)
    async with running_desk(
        settings, playground, sandbox, api_url=proxy.url, call_timeout=CALL_TIMEOUT, limiter=quick
    ) as desk:
        yield desk


async def commands_answered(desk: Desk, case: str) -> None:
    reply = await desk.admin.send_and_wait("/help", timeout=WAIT)
    assert reply, case
    assert reply[-1].text.startswith("Delivery desk: test messages"), case


async def meet(desk: Desk, proxy: FaultProxy, method: str, fault: str, before: int) -> None:
    """A card, `fault` on the next calls of `method`, and what the operator sees after.
    `before`: the faulted calls of `method` so far."""
    admin, playground = desk.admin, desk.playground
    case = f"{fault} on {method}"
    card, send = await desk.sent_card(admin, "79001234563")  # 3: SEND only, so far
    proxy.add(FAULTS[fault](), path=bot_method(method), times=IN_A_ROW[fault])
    earlier = len(admin.chat.bot_messages)

    def since() -> list[str]:
        return [m.text for m in admin.chat.bot_messages[earlier:]]

    # What makes the bot call the method now.
    pressed = await admin.click("🔄", card) if method == "answerCallbackQuery" else None
    asked = await admin.send(f"/status #{send.id}") if method == "getUpdates" else None
    # sendMessage: the final failure's reply (the card's alert) meets the faults.
    final = DeliveryStatus.UNDELIVERED if method == "sendMessage" else DeliveryStatus.DELIVERED
    stored = await desk.post_reports(sms_report(send, final, errorCode=1))
    assert stored.status_code == 200, case

    await proxy.wait_for(faulted(method, before + IN_A_ROW[fault]), timeout=WAIT)
    await playground.wait_for(
        lambda: f"1. SMS: {final.name}" in admin.chat.message(card.message_id).text,
        timeout=WAIT,
        what=f"{case}: the card to show {final.name}",
    )
    if method == "sendMessage":
        await playground.wait_for(
            lambda: any("❌ UNDELIVERED" in text for text in since()),
            timeout=WAIT,
            what=f"{case}: the failure's reply",
        )
    if pressed is not None:
        # The button is answered, or (its answer is what failed) the operator is told.
        await playground.wait_for(
            lambda: (
                playground.callback(pressed.id).answered
                or any(text.startswith(APOLOGY) for text in since())
            ),
            timeout=WAIT,
            what=f"{case}: an answer to the button",
        )
    if asked is not None:
        await playground.wait_processed(asked.update_id or 0, timeout=WAIT)
        assert any(f"mtNum {send.mt_num}" in text for text in since()), case
    await commands_answered(desk, case)


@pytest.mark.parametrize("method", METHODS)
async def test_the_card_gets_its_final_status_and_commands_are_answered(
    tmp_path: Path,
    playground: Playground,
    sandbox: RunningSandbox,
    proxy: FaultProxy,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    async with bot_behind(proxy, tmp_path, playground, sandbox) as desk:
        met = 0
        for fault in FAULTS:
            await meet(desk, proxy, method, fault, met)
            met += IN_A_ROW[fault]
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("fault", FAULTS)
async def test_the_command_menu_is_registered_and_commands_are_answered(
    tmp_path: Path,
    playground: Playground,
    sandbox: RunningSandbox,
    proxy: FaultProxy,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    case = f"{fault} on setMyCommands"
    proxy.add(FAULTS[fault](), path=bot_method("setMyCommands"), times=IN_A_ROW[fault])
    async with bot_behind(proxy, tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        card, send = await desk.sent_card(admin, "79001234563")
        await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))

        await proxy.wait_for(faulted("setMyCommands", IN_A_ROW[fault]), timeout=WAIT)
        await playground.wait_for(
            lambda: playground.visible_commands(admin.id) != [],
            timeout=WAIT,
            what=f"{case}: the command menu",
        )
        await playground.wait_for(
            lambda: "1. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
            timeout=WAIT,
            what=f"{case}: the card to show DELIVERED",
        )
        await commands_answered(desk, case)
    assert TOKEN not in caplog.text
