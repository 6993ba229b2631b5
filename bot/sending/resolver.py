"""Settling legacy sends whose outcome is unknown, by asking the platform again.

The legacy API has no reports to carry the partner id back (REST sends settle that way);
but the same request with the same client_id_message is never sent twice, and is
answered with the message's ids (seed 003) - once the platform's minute without identical
requests is over. So every `interval` seconds the unknown legacy JSON/XML sends at least
`older_than` old are asked about again (`SendService.resolve_unknown`); their cards follow.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.sending.service import SendService
from provider.logs import log_event

log = logging.getLogger(__name__)


async def resolve_forever(sending: SendService, interval: float, older_than: float) -> None:
    """The resolver's loop, run as a supervised worker (`bot.workers`) while there are legacy
    accounts; a failed round is logged and the next one comes."""
    while True:
        await asyncio.sleep(interval)
        try:
            settled = await sending.resolve_unknown(older_than=timedelta(seconds=older_than))
        except Exception:  # one failed round: the next may well work
            log.exception("event=resolve_unknown_failed")
            continue
        if settled:
            log_event(log, "unknown_sends_settled", count=settled)
