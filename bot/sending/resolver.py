"""Settling legacy sends whose outcome is unknown, by asking the platform again.

The legacy API has no reports to carry the partner id back (REST sends settle that way);
but the same request with the same client_id_message is never sent twice, and is
answered with the message's ids (seed 003) - once the platform's minute without identical
requests is over. So every `interval` seconds the unknown legacy JSON/XML sends at least
`older_than` old are asked about again (`SendService.resolve_unknown`); their cards follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.sending.service import SendService
from provider.logs import log_event

log = logging.getLogger(__name__)


async def _resolve_forever(sending: SendService, interval: float, older_than: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            settled = await sending.resolve_unknown(older_than=timedelta(seconds=older_than))
        except Exception:  # a background task that dies would leave every unknown send so
            log.exception("event=resolve_unknown_failed")
            continue
        if settled:
            log_event(log, "unknown_sends_settled", count=settled)


@asynccontextmanager
async def resolving_unknown(
    sending: SendService, *, enabled: bool, interval: float, older_than: float
) -> AsyncIterator[None]:
    """The resolver running while inside (only `enabled`: there are legacy accounts)."""
    if not enabled:
        yield
        return
    task = asyncio.create_task(_resolve_forever(sending, interval, older_than))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
