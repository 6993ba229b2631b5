"""The card notifier's per-chat spacing: on a clock the test controls, and the moment a
Bot API answer is read, against the playground."""

from __future__ import annotations

import time

import pytest
from aiogram.exceptions import TelegramNetworkError

from bot.reports.notifier import RateLimiter
from bot.telegram.session import make_bot, timed_answer
from playground import Playground


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("bot.reports.notifier.time.monotonic", fake)
    return fake


def test_the_next_call_is_spaced_from_the_answer(clock: Clock) -> None:
    limiter = RateLimiter(per_chat=1.0, global_rate=1000.0)
    limiter.spend(7)
    assert limiter.ready_at(7) == pytest.approx(101.0)
    clock.now = 100.2  # Telegram handled it somewhere in these 200 ms
    limiter.finished(7)
    assert limiter.ready_at(7) == pytest.approx(101.2)
    assert limiter.ready_at(8) < 101.0  # other chats are not held back


def test_retry_after_outlasts_the_spacing(clock: Clock) -> None:
    limiter = RateLimiter(per_chat=1.0, global_rate=1000.0)
    limiter.spend(7)
    clock.now = 100.01
    limiter.finished(7)
    limiter.pause(7, 5)
    assert limiter.ready_at(7) == pytest.approx(105.01)


def test_the_spacing_counts_from_when_the_answer_was_read(clock: Clock) -> None:
    limiter = RateLimiter(per_chat=1.0, global_rate=1000.0)
    limiter.spend(7)
    clock.now = 100.2  # aiogram parsed the answer, a log line was written...
    limiter.finished(7, answered_at=100.15)  # ...but Telegram had answered by then
    assert limiter.ready_at(7) == pytest.approx(101.15)


async def test_a_call_records_when_its_answer_was_read(playground: Playground) -> None:
    bot = make_bot("123456:playground", playground.base_url, wait_out_flood_limits=False)
    try:
        await bot.get_me()  # outside timed_answer: nothing to record, nothing breaks
        before = time.monotonic()
        with timed_answer() as answer:
            me = await bot.get_me()
        after = time.monotonic()
        assert me.is_bot
        assert answer.at is not None
        assert before < answer.at < after
    finally:
        await bot.session.close()


async def test_a_call_that_got_no_answer_records_nothing(unused_tcp_port: int) -> None:
    bot = make_bot(
        "123456:playground", f"http://127.0.0.1:{unused_tcp_port}", wait_out_flood_limits=False
    )
    try:
        with timed_answer() as answer, pytest.raises(TelegramNetworkError):
            await bot.get_me()
        assert answer.at is None  # the limiter then counts from the failure
    finally:
        await bot.session.close()
