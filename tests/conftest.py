"""Fixtures shared by every test package: the sandbox platform and a report receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from tests.helpers import ReportReceiver

SANDBOX_TIME_SCALE = 0.002
"""Real seconds per simulated second in tests: READ (+6 s) comes after 12 ms, and the
account's default 600 s lifetime lasts 1.2 s."""


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    """A running sandbox platform on 127.0.0.1 (credentials sandbox/sandbox)."""
    config = SandboxConfig(time_scale=SANDBOX_TIME_SCALE)
    async with Sandbox(config).running(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
async def report_receiver() -> AsyncIterator[ReportReceiver]:
    """The partner's delivery-report endpoint: give `.url` as notifyUrl."""
    receiver = ReportReceiver()
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()
