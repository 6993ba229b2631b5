"""No pattern on the path of a report takes super-linear time: each is timed on its worst
input at 1 MiB (the largest body the receiver takes), against a bound a quadratic pattern
would miss by orders of magnitude (1 MiB squared is 10^12 steps). A check of complexity,
not a benchmark. The scrubber's own patterns (storage/secrets_scrub.py) have their test
with the scrubber."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot.reports.peers import PeerAccess
from bot.reports.store import Answer, ReportStore
from provider.logs import log_event
from provider.phone import mask_phone
from storage import Database
from storage.db import connect_sync
from storage.secrets_scrub import Scrubber
from storage.sends import normalize_destination

MiB = 1024 * 1024
BOUND = 1.0
"""Seconds for 1 MiB: a linear pass takes milliseconds, a quadratic one hours."""

# What makes a pattern backtrack: long runs of what it matches, of what it does not, and
# both interleaved (each start position tried again).
WORST_TEXTS = {
    "digits": "7" * MiB,
    "no digits": "+" * MiB,
    "alternating": "7-" * (MiB // 2),
    "separators and digits": "(9) " * (MiB // 4),
    "unicode digits": "٧" * (MiB // 2),
}


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@pytest.mark.parametrize("shape", sorted(WORST_TEXTS))
def test_a_destination_is_reduced_to_digits_in_linear_time(shape: str) -> None:
    # storage/sends.py: \D, for the outside report's number (/trace looks it up by it).
    text = WORST_TEXTS[shape]

    def normalize() -> None:
        with contextlib.suppress(ValueError):  # no digits: kept without a number
            normalize_destination(text)

    assert timed(normalize) < BOUND


@pytest.mark.parametrize("shape", sorted(WORST_TEXTS))
def test_a_number_is_masked_for_the_log_in_linear_time(shape: str) -> None:
    # provider/phone.py: \D, for dest= in the writer's log lines.
    assert timed(lambda: mask_phone(WORST_TEXTS[shape])) < BOUND


def test_forwarded_addresses_are_read_in_linear_time() -> None:
    # bot/reports/peers.py splits X-Forwarded-For (aiohttp bounds a header at 8 KiB; timed
    # at 1 MiB all the same).
    access = PeerAccess(trusted_proxies=[])
    chain = ["10.0.0.1, " * (MiB // 10), "[" * MiB, ":" * MiB]
    assert timed(lambda: [access.client("127.0.0.1", [c]) for c in chain]) < BOUND


def test_log_values_are_quoted_in_linear_time(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("tests.linear")
    assert timed(lambda: log_event(log, "x", dest="7-" * (MiB // 2), reason='"=' * MiB)) < BOUND


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[ReportStore]:
    async with await Database.open(tmp_path / "bot.sqlite3", busy_timeout=0.2):
        pass  # the schema
    with closing(connect_sync(tmp_path / "bot.sqlite3", busy_timeout=0.2)) as connection:
        yield ReportStore(connection, Scrubber([]))


HEAD = b'{"mtNum": "w-1", "status": 2, "type": "SMS", '


def report_with(field: str, value: bytes) -> bytes:
    """A report whose ``field`` holds ``value`` (JSON text) filling the body to 1 MiB."""
    return HEAD + b'"' + field.encode() + b'": ' + value + b"}"


def string_of(unit: bytes) -> bytes:
    room = MiB - len(HEAD) - 40
    return b'"' + unit * (room // len(unit)) + b'"'


def small_reports_batch() -> bytes:
    reports = [b'{"mtNum": "b-%d", "status": 2, "type": "SMS"}' % n for n in range(MiB // 52)]
    return b"[" + b", ".join(reports) + b"]"


WORST_BODIES = {
    # A destination of 1 MiB through \D, and cut for the outside report's row.
    "a destination without digits": report_with("destAddr", string_of(b"+")),
    "a destination of digits": report_with("destAddr", string_of(b"7")),
    "a destination of both": report_with("destAddr", string_of(b"(7) ")),
    "an id of 1 MiB": report_with("id", string_of(b"1")),
    # pydantic's parser just under its nesting limit, over a whole MiB.
    "nesting at the limit": report_with(
        "x", (b'["' + b"a" * 5000 + b'", ') * 190 + b"0" + b"]" * 190
    ),
    "escapes everywhere": report_with("text", string_of(b"\\u00e9\\n")),
    "a batch of small reports": small_reports_batch(),
}


@pytest.mark.parametrize("shape", sorted(WORST_BODIES))
async def test_the_store_takes_a_worst_1_mib_body_in_linear_time(
    store: ReportStore, shape: str
) -> None:
    body = WORST_BODIES[shape]
    assert MiB // 2 < len(body) <= MiB
    answers: list[Answer] = []
    seconds = timed(lambda: answers.extend(store.store([body])))
    # ~20,000 reports in one batch is real work (seconds on a slow host), still linear.
    bound = 10 * BOUND if shape == "a batch of small reports" else BOUND
    assert seconds < bound, (shape, seconds)
    assert [(a.status, a.reason) for a in answers] == [(200, None)]
