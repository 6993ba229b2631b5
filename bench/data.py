"""Realistic report traffic: sends the bot made (stored first), then the platform's reports.

Channel mix (of sends): SMS 40 %, Viber 30 %, Viber > SMS cascade 20 %, FlashingCall 10 %.
Each send gets the reports the platform posts for it (SEND, then DELIVERED / READ /
UNDELIVERED with an error code per step), with distinct ``doneDate``s. On top of that:
a share re-posted (duplicates, later in the stream), a share posted out of order (a
later status overtakes an earlier one) and a share of outside traffic (mtNums the bot never
sent, as the account's report URL receives all the account's traffic).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.reports.store import to_event
from provider.reports import DeliveryReport
from storage import AccountRepository, ApiFamily, Database, NewSend, SendRepository
from storage.events import done_key, natural_key
from storage.status_ranks import normalize_step_type

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
DATE = "%Y-%m-%dT%H:%M:%S%z"

# (channel label, steps, outcomes per step: lists of (status code, error code))
_SMS_OK = [(0, 0), (2, 0)]
_SMS_FAIL = [(0, 0), (5, 2)]
_VIBER_READ = [(0, 0), (2, 0), (9, 0)]
_VIBER_FAIL = [(0, 0), (5, 2)]
_FLASH_OK = [(0, 0), (2, 0)]


@dataclass(frozen=True, slots=True)
class BenchSend:
    partner_id: str
    mt_num: str
    steps: tuple[str, ...]
    destination: str
    chat_id: int


@dataclass(frozen=True, slots=True)
class Traffic:
    sends: list[BenchSend]
    bodies: list[dict[str, Any]]
    """Report bodies in posting order."""
    kinds: list[str]
    """Per body: "own", "duplicate" or "outside"."""
    out_of_order: int
    """Own reports posted before a lower-ranked report of the same step."""


def make_sends(count: int, chats: Sequence[int], rng: random.Random) -> list[BenchSend]:
    sends = []
    for n in range(count):
        roll = rng.random()
        steps: tuple[str, ...]
        if roll < 0.4:
            steps = ("SMS",)
        elif roll < 0.7:
            steps = ("VIBER",)
        elif roll < 0.9:
            steps = ("VIBER", "SMS")
        else:
            steps = ("FLASHINGCALL",)
        sends.append(
            BenchSend(
                partner_id=f"bench-{n}",
                mt_num=str(900_000_000 + n),
                steps=steps,
                destination=f"7900{n:07d}",
                chat_id=chats[n % len(chats)],
            )
        )
    return sends


def _outcomes(send: BenchSend, rng: random.Random) -> list[tuple[str, int, int]]:
    """(step type, status code, error code) in the order the platform produces them."""
    if send.steps == ("SMS",):
        plan = [("SMS", _SMS_OK if rng.random() < 0.8 else _SMS_FAIL)]
    elif send.steps == ("VIBER",):
        plan = [("VIBER", _VIBER_READ if rng.random() < 0.7 else _VIBER_FAIL)]
    elif send.steps == ("VIBER", "SMS"):
        plan = [("VIBER", _VIBER_FAIL), ("SMS", _SMS_OK)]
    else:
        plan = [("FLASHINGCALL", _FLASH_OK)]
    return [(step, status, error) for step, outcomes in plan for status, error in outcomes]


def report_body(
    mt_num: str,
    partner_id: str | None,
    step: str,
    status: int,
    error: int,
    destination: str,
    done: datetime,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mtNum": mt_num,
        "status": status,
        "type": step,
        "destAddr": destination,
        "sourceAddr": "DeskTest",
        "submitDate": (done - timedelta(seconds=3)).strftime(DATE),
        "doneDate": done.strftime(DATE),
        "partCount": "1",
        "errorCode": str(error),
        "mccMnc": "25001",
        "trafficType": 0,
    }
    if partner_id is not None:
        body["id"] = partner_id
    return body


def make_traffic(
    sends: list[BenchSend],
    rng: random.Random,
    *,
    duplicates: float = 0.1,
    outside: float = 0.1,
    out_of_order: float = 0.1,
) -> Traffic:
    """Every send's reports, shuffled locally, plus duplicates and outside traffic.

    ``duplicates``/``outside`` are shares of the final stream; ``out_of_order`` the share
    of sends whose last two reports swap places.
    """
    timed: list[tuple[float, str, dict[str, Any]]] = []
    swapped = 0
    for index, send in enumerate(sends):
        start = index * 0.5  # the sends went out over time
        reports = _outcomes(send, rng)
        times = [start + 2.0 * k + rng.random() for k in range(len(reports))]
        if len(reports) >= 2 and rng.random() < out_of_order:
            times[-1], times[-2] = times[-2], times[-1]
            swapped += 1
        for (step, status, error), at in zip(reports, times, strict=True):
            done = T0 + timedelta(seconds=index) + timedelta(seconds=10 * status)
            body = report_body(
                send.mt_num, send.partner_id, step, status, error, send.destination, done
            )
            timed.append((at, "own", body))
    own = len(timed)
    share_own = 1.0 - duplicates - outside
    total = round(own / share_own)
    horizon = max(at for at, _, _ in timed)
    for _ in range(round(total * duplicates)):
        at, _, body = rng.choice(timed[:own])
        timed.append((at + rng.uniform(0.5, 30.0), "duplicate", body))
    for n in range(round(total * outside)):
        step = rng.choice(("SMS", "VIBER", "WHATSAPP"))
        status = rng.choice((0, 2, 5))
        body = report_body(
            str(500_000_000 + n),
            f"other-{n}",
            step,
            status,
            2 if status == 5 else 0,
            f"7911{n:07d}",
            T0 + timedelta(seconds=n),
        )
        timed.append((rng.uniform(0.0, horizon), "outside", body))
    timed.sort(key=lambda item: item[0])
    return Traffic(
        sends=sends,
        bodies=[body for _, _, body in timed],
        kinds=[kind for _, kind, _ in timed],
        out_of_order=swapped,
    )


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


async def store_sends(db: Database, sends: Sequence[BenchSend]) -> None:
    """Create the sends as the bot does: ``create_submitting`` then ``mark_accepted``."""
    account = await AccountRepository(db).ensure("sandbox", ApiFamily.REST)
    repository = SendRepository(db)
    for send in sends:
        created = await repository.create_submitting(
            NewSend(
                partner_id=send.partner_id,
                account_id=account.id,
                channel="CASCADE" if len(send.steps) > 1 else send.steps[0],
                steps=send.steps,
                destination=send.destination,
                request={"destAddr": send.destination, "id": send.partner_id},
                operator_id=send.chat_id,
                chat_id=send.chat_id,
            )
        )
        await repository.mark_accepted(created.id, mt_num=send.mt_num)


def expected_key(body: dict[str, Any], own: bool) -> tuple[str, str]:
    """Where an acknowledged report must be found: (table, key) as storage computes it."""
    event = to_event(DeliveryReport.model_validate(body), body)
    step = normalize_step_type(event.step_type)
    if own:
        assert event.mt_num is not None
        return (
            "status_events:" + event.mt_num,
            natural_key(step, event.status, event.error_code, done_key(event)),
        )
    return (
        "outside_reports",
        natural_key(
            event.mt_num, event.partner_id, step, event.status, event.error_code, done_key(event)
        ),
    )
