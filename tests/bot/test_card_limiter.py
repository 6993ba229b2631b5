"""The card notifier's per-chat spacing, on a clock the test controls."""

from __future__ import annotations

import pytest

from bot.notifier import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("bot.notifier.time.monotonic", fake)
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
