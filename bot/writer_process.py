"""The report writer in a process of its own: the receiver parses nothing and stores nothing.

CPython runs one thread at a time, so in the bot's process every report's parsing,
validation, scrubbing and recording competed with aiohttp (and with Telegram) for one
core. Here the receiver only checks the path and forwards each request's body; a child
process (``python -m bot.writer_process``) parses, validates and stores it with the group
commit of :class:`~bot.receiver.ReportWriter`, and answers when it is durable, so a 200
still means "in the database".

Protocol, over the child's stdin and stdout:

* the first line is the configuration (JSON): database path, busy timeout, literal secrets
  for the scrubber (the bot token and passwords: never in argv or the environment of a
  process listing), log level;
* then one frame per request: ``<request id> <body length>\\n`` and the body, as posted;
* each answer is one JSON line: ``{"id": n, "status": 200|400|500|503, ...}``.

The child stops when its stdin closes (the bot stopped, or died: it never outlives the bot)
after answering what it has read. The bot starts it with the first report, and again after
it died; requests in flight when it dies get 503 (the platform posts them again).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import count
from pathlib import Path
from typing import Any, Final

from bot.receiver import BadReport, ReportWriter, parse_reports, to_event
from provider.logs import log_event
from storage import Database, RecordOutcome, StatusRepository, StorageError

log = logging.getLogger(__name__)

STOP_TIMEOUT: Final = 10.0
"""Seconds the child gets to answer what it read after its stdin closed."""
RESPAWN_INTERVAL: Final = 1.0
"""A child that keeps dying is started again at most this often (requests meanwhile: 503)."""


@dataclass(frozen=True, slots=True)
class WriterConfig:
    database: str
    busy_timeout: float
    literal_secrets: Sequence[str]
    log_level: str = "INFO"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    """The HTTP status for the platform: 200 stored, 400 malformed, 503 retry later."""
    reason: str | None = None
    stored: int = 0
    changed: bool = False
    """A card must be re-rendered (the notifier is woken)."""


# --- the bot's side ----------------------------------------------------------------------


class WriterProcess:
    """Starts the child on first use, forwards bodies, matches answers to requests."""

    def __init__(self, config: WriterConfig) -> None:
        self._config = config
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Answer]] = {}
        self._ids = count(1)
        self._starting = asyncio.Lock()
        self._started_at = -RESPAWN_INTERVAL
        self._stopped = False
        self.starts = 0
        """Children started so far (for tests)."""

    async def submit(self, body: bytes) -> Answer:
        """The child's answer for one request body; 503 if it cannot be had."""
        process = await self._running()
        if process is None:
            return Answer(503, "report writer unavailable, retry")
        stdin = process.stdin
        assert stdin is not None
        request_id = next(self._ids)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            stdin.write(b"%d %d\n" % (request_id, len(body)) + body)
            await stdin.drain()
        except (ConnectionError, RuntimeError):
            self._pending.pop(request_id, None)
            return Answer(503, "report writer unavailable, retry")
        return await future

    async def _running(self) -> asyncio.subprocess.Process | None:
        async with self._starting:
            if self._stopped:
                return None
            if self._process is not None and self._process.returncode is None:
                return self._process
            if time.monotonic() - self._started_at < RESPAWN_INTERVAL:
                return None
            self._started_at = time.monotonic()
            await self._reap()
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                __name__,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            self.starts += 1
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(asdict(self._config)).encode() + b"\n")
            self._reader = asyncio.create_task(
                self._read_answers(self._process), name="report-writer-answers"
            )
            log_event(log, "report_writer_started", pid=self._process.pid)
            return self._process

    async def _read_answers(self, process: asyncio.subprocess.Process) -> None:
        stdout = process.stdout
        assert stdout is not None
        try:
            while line := await stdout.readline():
                data = json.loads(line)
                future = self._pending.pop(int(data.pop("id")), None)
                if future is not None and not future.done():
                    future.set_result(Answer(**data))
        finally:
            # The child exited (or stopped answering): whatever it had not answered was
            # not stored, as far as anyone can tell; the platform will post it again.
            pending, self._pending = self._pending, {}
            for future in pending.values():
                if not future.done():
                    future.set_result(Answer(503, "report writer stopped, retry"))
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def stop(self) -> None:
        """Close the child's stdin, let it answer what it read, and wait for it to exit."""
        async with self._starting:
            self._stopped = True
            process = self._process
            if process is None:
                return
            assert process.stdin is not None
            process.stdin.close()
            with contextlib.suppress(ConnectionError):
                await process.stdin.wait_closed()
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                log_event(log, "report_writer_killed", level=logging.WARNING, pid=process.pid)
                process.kill()
            await self._reap()

    async def _reap(self) -> None:
        process, reader = self._process, self._reader
        self._process = self._reader = None
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        if reader is not None:
            await reader


# --- the child -----------------------------------------------------------------------------


async def _stdio() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, sys.stdout.buffer
    )
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    return reader, writer


async def _answer_one(
    report_writer: ReportWriter, request_id: int, body: bytes, out: asyncio.StreamWriter
) -> None:
    answer = await _store(report_writer, body)
    out.write(json.dumps({"id": request_id, **asdict(answer)}).encode() + b"\n")


async def _store(report_writer: ReportWriter, body: bytes) -> Answer:
    try:
        reports = parse_reports(body)
    except BadReport as exc:
        log_event(log, "report_malformed", level=logging.WARNING, reason=exc.reason)
        return Answer(400, exc.reason)
    try:
        results = await report_writer.record([to_event(report, raw) for report, raw in reports])
    except (sqlite3.OperationalError, StorageError) as exc:
        # Locked past busy_timeout, disk full...: the platform will send it again.
        log_event(log, "report_not_stored", level=logging.ERROR, error=type(exc).__name__)
        return Answer(503, "storage unavailable, retry")
    except Exception as exc:
        log.exception("event=report_failed error=%s", type(exc).__name__)
        return Answer(500, "internal error")
    if log.isEnabledFor(logging.DEBUG):
        for (report, _), result in zip(reports, results, strict=True):
            log_event(
                log,
                "report_stored",
                level=logging.DEBUG,
                mt_num=report.mt_num,
                type=report.type.value,
                status=report.status.name,
                outcome=result.outcome.value,
                dest=report.dest_addr if result.outcome is RecordOutcome.OUTSIDE else None,
            )
    return Answer(200, stored=len(reports), changed=any(r.changed for r in results))


async def serve() -> None:
    reader, out = await _stdio()
    config = WriterConfig(**json.loads(await reader.readline()))
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    async with await Database.open(
        Path(config.database),
        busy_timeout=config.busy_timeout,
        literal_secrets=config.literal_secrets,
    ) as db:
        report_writer = ReportWriter(StatusRepository(db), on_change=lambda: None)
        report_writer.start()
        answering: set[asyncio.Task[None]] = set()
        try:
            while header := await reader.readline():
                request_id, size = (int(part) for part in header.split())
                body = await reader.readexactly(size)
                task = asyncio.create_task(_answer_one(report_writer, request_id, body, out))
                answering.add(task)
                task.add_done_callback(answering.discard)
            await asyncio.gather(*answering)
            await out.drain()
        finally:
            await report_writer.stop()


def main() -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()


__all__ = ["Answer", "WriterConfig", "WriterProcess", "main"]

_unused: Any = None
