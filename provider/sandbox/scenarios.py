"""Scripted outcomes: what happens to a send, decided by the last digit of its destAddr.

Everything here is pure: given an accepted request, `plan` returns every report the send
will produce with its simulated time. The delivery task only waits and posts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from types import MappingProxyType

from provider.channels import CHANNEL_RULES, CascadeState, MessageType
from provider.messages import (
    ButtonContent,
    FlashingCallData,
    TextContent,
    ViberData,
    WhatsAppData,
)
from provider.messages import Message as MessageModel
from provider.reports import ERROR_CODES_BY_TYPE, DeliveryReport, DeliveryStatus
from provider.request import CascadeStep, RegisteredDelivery, SendRequest

MOSCOW = timezone(timedelta(hours=3), "MSK")
"""The platform dates its reports in Moscow time (UTC+3 all year)."""

SEND_AT = 1.0
FINAL_AT = 3.0
READ_AT = 6.0
"""Simulated seconds after a step starts: SEND, then DELIVERED/UNDELIVERED, then READ."""

ABSENT_SUBSCRIBER = 2


class Outcome(Enum):
    READ = "read"
    """0, 6-9: DELIVERED then READ (READ only where the channel reports it)."""
    UNDELIVERED = "undelivered"
    """1: UNDELIVERED, absent-subscriber where the type has it."""
    DELIVERED_UNREAD = "delivered-unread"
    """2: DELIVERED, never read."""
    NO_FINAL = "no-final"
    """3: stays SEND (an operator that sends no SMS statuses)."""
    SMS_ONLY = "sms-only"
    """4: every non-SMS step UNDELIVERED, SMS steps DELIVERED."""
    SCRAMBLED = "scrambled"
    """5: as READ, but posted latest status first, the whole run twice."""


OUTCOME_BY_DIGIT: Mapping[str, Outcome] = MappingProxyType(
    {
        "0": Outcome.READ,
        "1": Outcome.UNDELIVERED,
        "2": Outcome.DELIVERED_UNREAD,
        "3": Outcome.NO_FINAL,
        "4": Outcome.SMS_ONLY,
        "5": Outcome.SCRAMBLED,
        "6": Outcome.READ,
        "7": Outcome.READ,
        "8": Outcome.READ,
        "9": Outcome.READ,
    }
)


def outcome_for(dest_addr: str) -> Outcome:
    """The scripted outcome of a (canonical, digits-only) destination number."""
    return OUTCOME_BY_DIGIT[dest_addr[-1]]


def request_outcome(request: SendRequest) -> Outcome:
    """The outcome of a send: by destAddr; a Push to an externalUserId alone goes by the
    id's last character when it is a digit, else is read (outcome 0)."""
    if request.dest_addr is not None:
        return outcome_for(request.dest_addr)
    user = next((s.external_user_id for s in request.steps() if s.external_user_id), "")
    return OUTCOME_BY_DIGIT.get(user[-1:], Outcome.READ)


def lifetime(step: CascadeStep, default_ttl: float) -> float:
    """The step's lifetime in simulated seconds: its ttl, else the account's default
    brought into the channel's range (the account's default fits every channel it sends:
    a FlashingCall waits at most 5 minutes, seed 004, line 62)."""
    ttl = step.ttl_seconds
    if ttl is not None:
        return float(ttl)
    rules = CHANNEL_RULES[step.type]
    return min(max(default_ttl, float(rules.ttl_min)), float(rules.ttl_max))


@dataclass(frozen=True, slots=True)
class StepStatus:
    at: float
    """Simulated seconds after the step started."""
    status: DeliveryStatus
    error_code: int = 0


def undelivered_code(message_type: MessageType) -> int:
    """absent-subscriber where the type reports it, else the type's first documented code."""
    codes = ERROR_CODES_BY_TYPE[message_type]
    return ABSENT_SUBSCRIBER if ABSENT_SUBSCRIBER in codes else min(codes)


def step_course(outcome: Outcome, message_type: MessageType) -> list[StepStatus]:
    """What really happens to one step, in the order it happens."""
    course = [StepStatus(SEND_AT, DeliveryStatus.SEND)]
    undelivered = StepStatus(FINAL_AT, DeliveryStatus.UNDELIVERED, undelivered_code(message_type))
    delivered = StepStatus(FINAL_AT, DeliveryStatus.DELIVERED)
    match outcome:
        case Outcome.READ | Outcome.SCRAMBLED:
            course.append(delivered)
            if CHANNEL_RULES[message_type].reports_read:
                course.append(StepStatus(READ_AT, DeliveryStatus.READ))
        case Outcome.UNDELIVERED:
            course.append(undelivered)
        case Outcome.DELIVERED_UNREAD:
            course.append(delivered)
        case Outcome.NO_FINAL:
            pass
        case Outcome.SMS_ONLY:
            course.append(delivered if message_type is MessageType.SMS else undelivered)
    return course


def posting_order(outcome: Outcome, course: list[StepStatus]) -> list[tuple[float, StepStatus]]:
    """(simulated posting time, status) pairs: the course itself, or scrambled for outcome 5."""
    if outcome is not Outcome.SCRAMBLED:
        return [(s.at, s) for s in course]
    # Everything is held back until the last status, then posted newest first, twice over:
    # a receiver must order by status rank, not by arrival, and must ignore repeats.
    last = course[-1].at
    scrambled = [(last, s) for s in reversed(course)]
    return scrambled + scrambled


def reached(course: list[StepStatus], state: CascadeState) -> bool:
    wanted = {DeliveryStatus.READ}
    if state is CascadeState.DELIVERED:
        wanted.add(DeliveryStatus.DELIVERED)
    return any(s.status in wanted for s in course)


def reported(registered_delivery: RegisteredDelivery | None, status: DeliveryStatus) -> bool:
    """Whether the partner asked for reports of this status (absent = all)."""
    if registered_delivery is RegisteredDelivery.NONE:
        return False
    if registered_delivery is RegisteredDelivery.UNDELIVERED_ONLY:
        return status is DeliveryStatus.UNDELIVERED
    return True


@dataclass(frozen=True, slots=True)
class ScheduledReport:
    at: float
    """Simulated seconds after the send was accepted."""
    step: int
    """Index into the request's steps."""
    report: DeliveryReport


def plan(
    request: SendRequest,
    *,
    mt_num: str,
    accepted_at: datetime,
    default_ttl: float,
    default_sender: str,
) -> list[ScheduledReport]:
    """Every report of the send, ordered by posting time.

    A cascade moves on to the next step when the current one did not reach the next link's
    state (DELIVERED or READ) within its ttl (seed 000, line 11): when the ttl runs out,
    or at once on a final UNDELIVERED, which settles that the state will never come. The
    page calls a cascade a resend "в случае получения неуспешного статуса" (line 5: upon
    an unsuccessful status) and says nothing of waiting out the ttl after one. A step that
    reaches the state ends the chain.
    """
    outcome = request_outcome(request)
    steps = request.steps()
    schedule: list[ScheduledReport] = []
    start = 0.0
    for index, step in enumerate(steps):
        course = step_course(outcome, step.type)
        for post_at, status in posting_order(outcome, course):
            if reported(request.registered_delivery, status.status):
                report = _report(request, step, status, mt_num, accepted_at, start, default_sender)
                schedule.append(ScheduledReport(start + post_at, index, report))
        if index + 1 == len(steps):
            break
        state = steps[index + 1].resend_if_not
        if state is None or reached(course, state):
            break
        failed_at = next((s.at for s in course if s.status is DeliveryStatus.UNDELIVERED), None)
        start += failed_at if failed_at is not None else lifetime(step, default_ttl)
    # Steps overlap only if a ttl were shorter than READ_AT (no channel allows that); a
    # stable sort keeps each step's own order either way.
    schedule.sort(key=lambda item: item.at)
    return schedule


def _report(
    request: SendRequest,
    step: CascadeStep,
    status: StepStatus,
    mt_num: str,
    accepted_at: datetime,
    step_start: float,
    default_sender: str,
) -> DeliveryReport:
    # Dates are on the simulated clock: a 3-second delivery reads as 3 seconds in the
    # report whatever the time scale, and a cascade step starts a ttl after the one before.
    submitted = accepted_at + timedelta(seconds=step_start)
    done = None
    if status.status in (DeliveryStatus.DELIVERED, DeliveryStatus.READ):
        done = submitted + timedelta(seconds=status.at)
    return DeliveryReport(
        mt_num=mt_num,
        status=status.status,
        type=step.type,
        id=request.id,
        dest_addr=request.dest_addr,
        source_addr=_sender(step.message) or default_sender,
        submit_date=submitted,
        done_date=done,
        text=step_text(step.message),
        part_count="001",
        error_code=status.error_code,
        traffic_type=0,
    )


def _sender(message: MessageModel) -> str | None:
    data = message.data
    if isinstance(data, FlashingCallData):
        return None
    return data.service_number


def step_text(message: MessageModel) -> str:
    """The step's text as a report repeats it; an image-only message has none."""
    data = message.data
    if isinstance(data, ViberData | WhatsAppData):
        content = data.instant_content
        if isinstance(content, TextContent | ButtonContent):
            return content.data.text
        return ""
    return data.text
