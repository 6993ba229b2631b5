"""The outcome planner on its own: timings a receiver cannot easily see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from provider.request import SendRequest
from provider.sandbox import OUTCOME_BY_DIGIT
from provider.sandbox.scenarios import MOSCOW, ScheduledReport, plan
from tests.helpers import link, phone, send_body, sms, viber, vk

ACCEPTED = datetime(2024, 5, 5, 10, 19, 55, tzinfo=MOSCOW)


def schedule_of(body: dict[str, Any]) -> list[ScheduledReport]:
    request = SendRequest.model_validate(body)
    return plan(
        request,
        mt_num="1",
        accepted_at=ACCEPTED,
        default_ttl=600,
        default_sender="SANDBOX",
    )


def test_every_digit_has_an_outcome() -> None:
    assert sorted(OUTCOME_BY_DIGIT) == list("0123456789")


def test_a_cascade_moves_on_right_after_undelivered() -> None:
    # A final UNDELIVERED settles that DELIVERED will not come within the ttl (seed 000,
    # line 11), and the page resends upon an unsuccessful status (line 5): the chain does
    # not wait out Viber's hour.
    body = send_body(
        viber(ttl=1, ttlUnit="HOURS"), dest=phone(1), cascadeChainLink=link("DELIVERED", sms())
    )

    schedule = schedule_of(body)

    # Viber: SEND +1, UNDELIVERED +3; SMS starts at +3: SEND +4, UNDELIVERED +6.
    assert [(s.at, s.step, int(s.report.status)) for s in schedule] == [
        (1.0, 0, 0),
        (3.0, 0, 5),
        (4.0, 1, 0),
        (6.0, 1, 5),
    ]


def test_a_step_without_ttl_waits_the_account_default() -> None:
    body = send_body(vk(), dest=phone(3), cascadeChainLink=link("DELIVERED", sms()))

    assert [s.at for s in schedule_of(body)] == [1.0, 601.0]


def test_a_flashing_call_without_ttl_waits_at_most_five_minutes() -> None:
    # The account default (600 s) is longer than a FlashingCall may wait, 1 to 5 minutes
    # (seed 004, lines 52 and 62): the SMS follows after 5 minutes.
    flashing_call = {"type": "FLASHINGCALL", "data": {"text": "Ваш код 2268"}}
    body = send_body(flashing_call, dest=phone(3), cascadeChainLink=link("DELIVERED", sms()))

    assert [s.at for s in schedule_of(body)] == [1.0, 301.0]


@pytest.mark.parametrize(("ttl", "unit", "seconds"), [(2, "MINUTES", 120), (1, None, 60)])
def test_a_step_with_ttl_waits_that_long(ttl: int, unit: str | None, seconds: int) -> None:
    data: dict[str, Any] = {"ttl": ttl} | ({"ttlUnit": unit} if unit else {})
    body = send_body(sms(**data), dest=phone(3), cascadeChainLink=link("DELIVERED", vk()))

    assert [s.at for s in schedule_of(body)] == [1.0, seconds + 1.0]


def test_scrambled_reports_keep_their_true_dates() -> None:
    schedule = schedule_of(send_body(viber(), dest=phone(5)))

    read, delivered, send = (s.report for s in schedule[:3])
    assert [int(r.status) for r in (read, delivered, send)] == [9, 2, 0]
    assert read.done_date is not None
    assert delivered.done_date is not None
    assert (read.done_date - ACCEPTED).total_seconds() == 6
    assert (delivered.done_date - ACCEPTED).total_seconds() == 3
    assert send.done_date is None
