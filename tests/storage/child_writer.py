"""A second process writing to the same database file, driven by the storage tests.

Run as ``python -m tests.storage.child_writer <mode> <db path> <tag> [count]``:

* ``burst``: prints ``ready <t>``, makes ``count`` sends each with an event, prints
  ``done <count> <t>`` (``t`` = time.monotonic(), comparable across processes on Linux);
* ``crash``: records events forever, printing each event id only after its write returned;
  the parent kills it with SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import (
    AccountRepository,
    ApiFamily,
    Database,
    NewSend,
    NewStatusEvent,
    SendRepository,
    StatusRepository,
)

BASE = datetime(2025, 3, 1, tzinfo=UTC)


def _new_send(account_id: int, partner_id: str) -> NewSend:
    return NewSend(
        partner_id=partner_id,
        account_id=account_id,
        channel="SMS",
        steps=("SMS",),
        destination="79990000000",
        request={"login": "child", "id": partner_id},
        operator_id=7,
        chat_id=7,
    )


async def burst(path: Path, tag: str, count: int) -> None:
    async with await Database.open(path) as db:
        account = await AccountRepository(db).ensure("child", ApiFamily.REST)
        sends = SendRepository(db)
        statuses = StatusRepository(db)
        print("ready", time.monotonic(), flush=True)
        for index in range(count):
            send = await sends.create_submitting(_new_send(account.id, f"{tag}-{index}"))
            await statuses.record_status_event(
                NewStatusEvent("SMS", "SEND", send_id=send.id, raw={"n": index})
            )
        print("done", count, time.monotonic(), flush=True)


async def crash(path: Path, tag: str) -> None:
    async with await Database.open(path) as db:
        account = await AccountRepository(db).ensure("child", ApiFamily.REST)
        send = await SendRepository(db).create_submitting(_new_send(account.id, tag))
        statuses = StatusRepository(db)
        index = 0
        while True:
            result = await statuses.record_status_event(
                NewStatusEvent(
                    "SMS",
                    "SEND",
                    send_id=send.id,
                    done_at=BASE + timedelta(seconds=index),
                    raw={"n": index, "padding": "x" * 2000},
                )
            )
            print(result.event_id, flush=True)
            index += 1


def main(argv: list[str]) -> None:
    mode, path, tag = argv[0], Path(argv[1]), argv[2]
    if mode == "burst":
        asyncio.run(burst(path, tag, int(argv[3])))
    elif mode == "crash":
        asyncio.run(crash(path, tag))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
