"""What happens to a legacy message: its states over simulated time, decided up front.

The outcome is the REST sandbox's (`scenarios.step_course`, by the last digit of the
phone); only the words differ. The legacy API has no callbacks, so instead of reports
there is a timeline of state changes that a state request reads at "now".

A step's REST course becomes a legacy channel state:

==========================================  =================================================
REST course of the step                     legacy state of the channel
==========================================  =================================================
DELIVERED (READ or not)                     deliver
UNDELIVERED absent-subscriber (errorCode 2) expired (the subscriber was offline throughout)
UNDELIVERED, any other code                 not_deliver
no final status (outcome 3)                 partly_deliver, when the channel's lifetime ends
==========================================  =================================================

Cascade by priority: channels are tried in ascending priority; the next one starts when the
current one was not delivered (right at its final state, or at the end of its lifetime),
and for Viber with ``finale_viber_read=1`` also when it was delivered but not read by the
end of ``validity_period_viber``. The overall state stays ``send`` until the chain ends,
then is ``deliver`` if any channel delivered, else the last channel's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from provider.channels import MINUTE
from provider.legacy.request import LegacyMessage
from provider.legacy.results import LegacyStatus
from provider.legacy.rules import LegacyChannel
from provider.reports import DeliveryStatus
from provider.sandbox.scenarios import ABSENT_SUBSCRIBER, Outcome, step_course


@dataclass(frozen=True, slots=True)
class Change:
    at: float
    """Simulated seconds after the message was accepted."""
    channel: LegacyChannel | None
    """None: the overall state."""
    state: LegacyStatus


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The message as a state request sees it at one moment."""

    overall: LegacyStatus
    channels: Mapping[LegacyChannel, LegacyStatus]
    changed_at: float
    """Simulated seconds after acceptance of the last change seen (0: none yet)."""
    sent: frozenset[LegacyChannel]
    """Channels handed to their network so far (they are charged)."""


@dataclass(frozen=True, slots=True)
class Course:
    changes: tuple[Change, ...]
    started: Mapping[LegacyChannel, float] = field(default_factory=dict)
    """When each channel that is ever tried was sent."""

    @property
    def ends_at(self) -> float:
        return self.changes[-1].at

    def snapshot(self, at: float) -> Snapshot:
        overall = LegacyStatus.SEND
        channels = dict.fromkeys(LegacyChannel, LegacyStatus.SEND)
        changed_at = 0.0
        for change in self.changes:
            if change.at > at:
                break
            changed_at = change.at
            if change.channel is None:
                overall = change.state
            else:
                channels[change.channel] = change.state
        sent = frozenset(c for c, start in self.started.items() if start <= at)
        return Snapshot(overall, MappingProxyType(channels), changed_at, sent)


def plan_course(
    message: LegacyMessage, outcome: Outcome, *, start: float, default_lifetime: float
) -> Course:
    """Every state change of the message, from `start` (simulated seconds; time_send)."""
    channels = message.channels()
    changes: list[Change] = []
    started: dict[LegacyChannel, float] = {}
    at = start
    delivered_any = False
    for index, channel in enumerate(channels):
        has_next = index + 1 < len(channels)
        started[channel] = at
        step = _step(message, channel, outcome, has_next, default_lifetime)
        changes.append(Change(at + step.state_at, channel, step.state))
        delivered_any = delivered_any or step.state is LegacyStatus.DELIVER
        if step.ends_chain or not has_next:
            overall = LegacyStatus.DELIVER if delivered_any else step.state
            changes.append(Change(at + step.ends_at, None, overall))
            break
        at += step.ends_at
    changes.sort(key=lambda c: c.at)
    return Course(tuple(changes), MappingProxyType(started))


@dataclass(frozen=True, slots=True)
class _Step:
    state: LegacyStatus
    state_at: float
    ends_at: float
    """When this channel is done with: the chain ends, or the next channel starts."""
    ends_chain: bool


def _step(
    message: LegacyMessage,
    channel: LegacyChannel,
    outcome: Outcome,
    has_next: bool,
    default_lifetime: float,
) -> _Step:
    lifetime = (
        message.validity_minutes() * MINUTE if channel is LegacyChannel.VIBER else default_lifetime
    )
    course = step_course(outcome, channel.message_type)
    final = next((s for s in course if s.status is not DeliveryStatus.SEND), None)
    if final is None:
        return _Step(LegacyStatus.PARTLY_DELIVER, lifetime, lifetime, ends_chain=False)
    if final.status is DeliveryStatus.UNDELIVERED:
        state = (
            LegacyStatus.EXPIRED
            if final.error_code == ABSENT_SUBSCRIBER
            else LegacyStatus.NOT_DELIVER
        )
        return _Step(state, final.at, final.at, ends_chain=False)
    if channel is LegacyChannel.VIBER and message.finale_viber_read and has_next:
        read = next((s.at for s in course if s.status is DeliveryStatus.READ), None)
        if read is not None and read <= lifetime:
            return _Step(LegacyStatus.DELIVER, final.at, read, ends_chain=True)
        # Delivered but never read: only the end of the lifetime lets the next channel go.
        return _Step(LegacyStatus.DELIVER, final.at, lifetime, ends_chain=False)
    return _Step(LegacyStatus.DELIVER, final.at, final.at, ends_chain=True)
