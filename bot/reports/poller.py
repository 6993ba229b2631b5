"""The legacy poller: the legacy API has no callbacks, so the bot asks for states itself.

Every `interval` seconds it takes the open legacy sends of each legacy account, asks their
states in batches and records what it sees as status events (the same storage entry as
the REST receiver's reports: idempotent, ordered by rank), then wakes the card notifier.

The platform refuses an identical request within a minute, so the interval is at least
that in production (settings); it is measured from the end of one round to the start of
the next, so the same batch is never asked twice within it. Nothing is lost to a failure:
the sends stay open in storage and the next round asks again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from bot.sending.legacy_fit import CHAIN_STEP
from bot.sending.platform import Platform, PlatformAccount
from provider.errors import ProviderError
from provider.legacy import (
    ERROR_STATE,
    STATE_BATCH_LIMIT,
    LegacyChannel,
    LegacyClient,
    LegacyState,
)
from provider.legacy import LegacyStatus as Status
from provider.logs import log_event
from storage import ApiFamily, NewStatusEvent, Send, SendRepository, SendState, StatusRepository

log = logging.getLogger(__name__)

_CHANNEL_NAMES = frozenset(c.value for c in LegacyChannel)


def observed(send: Send, state: LegacyState) -> list[NewStatusEvent]:
    """The status events one state answer holds for a send's steps.

    Per channel, ``send`` means "not sent yet": it is recorded only for a channel the
    cascade has reached (every earlier channel failed for good), so a later step does
    not look started while an earlier one runs. GET answers the overall state alone: a
    one-step send's state is it; a cascade's is recorded as the chain's (`CHAIN_STEP`),
    since no answer says which channel got through.

    An error text in place of a state (seed 003, lines 302-303: "Сообщение с таким ID не
    принималось") is final: it is recorded as ``error`` with the text, on the one step or
    on the chain. An answer that said nothing of the id (`LegacyState.missing`) records
    nothing: the next round asks again.
    """
    steps = [LegacyChannel(s.lower()) for s in send.steps if s.lower() in _CHANNEL_NAMES]
    # Only channels the platform gave an id; a channel with id "0" was not used.
    used = [c for c in steps if c.value in send.legacy_ids] if send.legacy_ids else steps
    if state.is_error and steps:
        where = steps[0].value.upper() if len(steps) == 1 else CHAIN_STEP
        return [_whole_event(send, where, ERROR_STATE, state)]
    if state.state is None or not used:
        return []
    per_channel = {c: state.channel_state(c) for c in used}
    if all(status is None for status in per_channel.values()):
        if len(steps) == 1:
            return [_event(send, steps[0], state.state, state)]
        return [_whole_event(send, CHAIN_STEP, state.state.value, state)]
    events = []
    # The chain is at a channel while the message is in progress and every channel
    # before it failed for good.
    reached = state.state is Status.SEND
    for channel in used:
        status = per_channel[channel]
        if status is not None and (status.is_final or reached):
            events.append(_event(send, channel, status, state))
        failed = status is not None and status.is_final and status is not Status.DELIVER
        reached = reached and failed
    if state.is_final and not any(Status(e.status).is_final for e in events):
        # The message is over but no channel says how: keep the overall state on the
        # last channel, so the send is final and no longer polled.
        events.append(_event(send, used[-1], state.state, state))
    return events


def _event(
    send: Send, channel: LegacyChannel, status: Status, state: LegacyState
) -> NewStatusEvent:
    raw = {
        "id_message": state.id_message,
        "state": state.state.value if state.state else None,
        f"state_{channel.value}": status.value,
        "time_change_state": str(state.time_change_state or ""),
    }
    return NewStatusEvent(
        step_type=channel.value.upper(), status=status.value, send_id=send.id, raw=raw
    )


def _whole_event(send: Send, step_type: str, status: str, state: LegacyState) -> NewStatusEvent:
    """The state of the message as a whole, on `step_type`; an error keeps its text."""
    raw: dict[str, str | None] = {
        "id_message": state.id_message,
        "state": state.state.value if state.state else None,
        "time_change_state": str(state.time_change_state or ""),
    }
    if state.error is not None:
        raw["error"] = state.error
    return NewStatusEvent(step_type=step_type, status=status, send_id=send.id, raw=raw)


class LegacyPoller:
    def __init__(
        self,
        platform: Platform,
        sends: SendRepository,
        statuses: StatusRepository,
        *,
        interval: float,
        on_change: Callable[[], None],
    ) -> None:
        self._platform = platform
        self._sends = sends
        self._statuses = statuses
        self._interval = interval
        self._on_change = on_change

    async def run(self) -> None:
        """Poll until cancelled; a round that fails is logged and simply comes again."""
        while True:
            try:
                await self.poll_once()
            except Exception:  # a background task that dies would stop every card
                log.exception("event=legacy_poll_failed")
            await asyncio.sleep(self._interval)

    async def poll_once(self) -> int:
        """One round over every legacy account; the number of step changes recorded."""
        open_sends = await self._sends.open_sends(api_family=ApiFamily.LEGACY)
        changed = 0
        for account in self._platform.legacy_accounts:
            pollable = [
                s
                for s in open_sends
                if s.account_id == account.account_id
                and s.state is SendState.ACCEPTED
                and s.legacy_id is not None
            ]
            if pollable:
                changed += await self._poll_account(account, pollable)
        if changed:
            self._on_change()
        return changed

    async def _poll_account(self, account: PlatformAccount, sends: Sequence[Send]) -> int:
        client = account.client
        assert isinstance(client, LegacyClient)
        # GET asks one id per request; JSON and XML a batch.
        size = 1 if client.transport == "get" else STATE_BATCH_LIMIT
        changed = errors = 0
        for start in range(0, len(sends), size):
            batch = sends[start : start + size]
            ids = [send.legacy_id or "" for send in batch]
            try:
                states = await client.states(ids)
            except ProviderError as exc:
                # The client logged the request; the sends stay open for the next round.
                log_event(
                    log,
                    "legacy_poll_error",
                    level=logging.WARNING,
                    account=account.name,
                    ids=len(ids),
                    error=type(exc).__name__,
                )
                continue
            for send, state in zip(batch, states, strict=True):
                if state.error is not None:
                    # Final: recorded below as the send's "error" with this text.
                    errors += 1
                    log_event(
                        log,
                        "legacy_state_error",
                        level=logging.WARNING,
                        account=account.name,
                        send_id=send.id,
                        id_message=state.id_message,
                        text=state.error[:200],
                    )
                for event in observed(send, state):
                    result = await self._statuses.record_status_event(event)
                    changed += result.changed
        log_event(
            log,
            "legacy_poll",
            account=account.name,
            asked=len(sends),
            changed=changed,
            errors=errors or None,
        )
        return changed
