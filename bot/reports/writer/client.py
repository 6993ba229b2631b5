"""The bot's side of the report writer: starts the child process, forwards each request's
body, matches the answers to the requests, and starts it again if it died (a supervised
worker, :mod:`bot.workers`, keeps one running)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict
from itertools import count
from typing import Final

from bot.reports.store import Answer
from bot.reports.writer.protocol import WriterConfig, parse_answer
from bot.workers import Backoff, Worker
from provider.logs import log_event
from storage.secrets_scrub import is_sensitive_key

log = logging.getLogger(__name__)

STOP_TIMEOUT: Final = 10.0
"""Seconds the child gets to answer what it read after its stdin closed."""
RESPAWN_INTERVAL: Final = 1.0
"""A child that died is started again after this long at the soonest, later while it keeps
dying (requests meanwhile: 503)."""
RESPAWN_BACKOFF: Final = Backoff(first=RESPAWN_INTERVAL, longest=30.0)
ANSWER_TIMEOUT: Final = 15.0
"""Seconds a request waits for the child's answer before the platform is told 503: longer
than the database's default busy timeout (10 s), after which the child answers 503 itself.
A late answer still counts (a 200 then means the platform's retry is a duplicate)."""
MALLOC_TUNABLES: Final = "glibc.malloc.trim_threshold=33554432:glibc.malloc.mmap_threshold=4194304"
"""glibc's allocator settings for the child (``GLIBC_TUNABLES``; other C libraries ignore
it). By default glibc gives memory freed at the top of the heap back to the system once
128 KiB are free there, and maps blocks over 128 KiB of their own. Each transaction's
SQLite statements allocate and free ~0.5 MiB (the page caches of their temporary
b-trees), and each read of the pipe 1 MiB, so every transaction mapped fresh pages and
took ~90 page faults: ~10 % of the child's time. Up to 32 MiB stay with it instead."""


# --- the bot's side ----------------------------------------------------------------------


class WriterGone(Exception):
    """The child could not be started, or it ended: the keeper starts the next one."""


class WriterProcess:
    """Starts the child (:meth:`start`, or on first use), forwards bodies, matches the
    answers to the requests, and starts it again if it died."""

    def __init__(
        self,
        config: WriterConfig,
        *,
        backoff: Backoff = RESPAWN_BACKOFF,
        answer_timeout: float = ANSWER_TIMEOUT,
    ) -> None:
        self._config = config
        self._answer_timeout = answer_timeout
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Answer]] = {}
        self._sent_at: dict[int, float] = {}
        """When each pending request was handed over (insertion order: the oldest first)."""
        self._ids = count(1)
        self._starting = asyncio.Lock()
        self._started_at = -RESPAWN_INTERVAL
        self._stopped = False
        self.keeper = Worker("report-writer", self._keep_running, backoff=backoff)
        """Keeps a child running: started by :meth:`start`, listed by /health."""
        self._outgoing: list[bytes] = []
        self.starts = 0
        """Children started so far (for tests)."""

    @property
    def state(self) -> str:
        """For /health: "ok" while a child takes requests and answers them in time; "slow"
        while a request has waited longer than the answer timeout; else "starting" or
        "unavailable"."""
        process, reader = self._process, self._reader
        if process is not None and process.returncode is None and reader and not reader.done():
            oldest = next(iter(self._sent_at.values()), None)
            if oldest is not None and time.monotonic() - oldest > self._answer_timeout:
                return "slow"
            return "ok"
        return "starting" if self._starting.locked() else "unavailable"

    def start(self) -> None:
        """Start the child in the background, so the first report does not wait for it, and
        again whenever it died."""
        self.keeper.start()

    async def _keep_running(self) -> None:
        """One child's life, for :attr:`keeper`: start it (or take the one a request just
        started) and wait for it to end. Its end is a failure: the keeper starts the next
        one after its back-off."""
        process = await self._running()
        reader = self._reader
        if process is None or reader is None:
            raise WriterGone("the report writer's process could not be started")
        await asyncio.wait({reader})  # not cancelled with the keeper: it answers requests
        raise WriterGone(f"the report writer's process {process.pid} ended")

    async def submit(self, body: bytes) -> Answer:
        """The child's answer for one request body; 503 if it cannot be had."""
        process = self._process
        if process is None or process.returncode is not None or self._stopped:
            process = await self._running()
        if process is None:
            return Answer(503, "report writer unavailable, retry")
        stdin = process.stdin
        assert stdin is not None
        if self._reader is None or self._reader.done():
            # Its answers are no longer read (it is exiting): nothing would resolve the
            # future. Nothing awaits between here and the registration below.
            return Answer(503, "report writer unavailable, retry")
        request_id = next(self._ids)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        self._pending[request_id] = future
        self._sent_at[request_id] = time.monotonic()
        if not self._outgoing:
            loop.call_soon(self._flush, stdin)
        self._outgoing += (b"%d %d\n" % (request_id, len(body)), body)
        # No drain: what waits to be written is bounded by the requests in flight (the
        # receiver caps its connections). If the child is gone, its reader answers them 503.
        try:
            async with asyncio.timeout(self._answer_timeout):
                # Shielded: the answer still comes, and is matched, after the deadline.
                return await asyncio.shield(future)
        except TimeoutError:
            log_event(
                log, "report_answer_late", level=logging.WARNING, after_s=self._answer_timeout
            )
            return Answer(503, "report writer busy, retry")

    def _flush(self, stdin: asyncio.StreamWriter) -> None:
        """The frames of every request that came in one turn of the loop, in one write."""
        frames, self._outgoing = self._outgoing, []
        if not stdin.is_closing():
            stdin.writelines(frames)

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
            try:
                self._process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot.reports.writer",
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    env=child_environment(os.environ),
                    # Out of the terminal's process group: Ctrl-C reaches the bot, which
                    # stops the child by closing its stdin once the last request is answered.
                    start_new_session=True,
                )
            except OSError as exc:  # out of processes or memory: 503 until it works again
                log_event(log, "report_writer_not_started", level=logging.ERROR, error=repr(exc))
                return None
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
        unfinished = b""
        try:
            # A chunk at a time: the child answers a whole transaction's requests at once.
            while chunk := await stdout.read(1 << 16):
                *lines, unfinished = (unfinished + chunk).split(b"\n")
                for line in lines:
                    request_id, answer = parse_answer(line)
                    self._sent_at.pop(request_id, None)
                    future = self._pending.pop(request_id, None)
                    if future is not None and not future.done():
                        future.set_result(answer)
        except Exception as exc:  # a garbled answer: this child cannot be trusted further
            log_event(log, "report_writer_garbled", level=logging.ERROR, error=repr(exc))
            _kill(process)
        finally:
            if not self._stopped:
                # The keeper starts the next one without waiting for a report (and /health
                # says so meanwhile).
                log_event(log, "report_writer_died", level=logging.ERROR, pid=process.pid)
            # The child exited (or stopped answering): whatever it had not answered was
            # not stored, as far as anyone can tell; the platform will post it again.
            pending, self._pending = self._pending, {}
            self._sent_at.clear()
            for future in pending.values():
                if not future.done():
                    future.set_result(Answer(503, "report writer stopped, retry"))

    async def stop(self) -> None:
        """Close the child's stdin, let it answer what it read, and wait for it to exit."""
        await self.keeper.stop()
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
                _kill(process)
            await self._reap()

    async def _reap(self) -> None:
        """Forget a child that has exited (or was killed), once its exit is collected."""
        process, reader = self._process, self._reader
        self._process = self._reader = None
        if process is not None:
            await process.wait()
        if reader is not None:
            await reader


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The bot's environment without the variables whose names look sensitive, with
    :data:`MALLOC_TUNABLES` before any tunables set for the bot (glibc applies them in
    order: the operator's own choice wins)."""
    env = {k: v for k, v in environ.items() if not is_sensitive_key(k)}
    env["GLIBC_TUNABLES"] = ":".join(filter(None, (MALLOC_TUNABLES, env.get("GLIBC_TUNABLES"))))
    return env


def _kill(process: asyncio.subprocess.Process) -> None:
    """SIGKILL, leaving the exit status to asyncio's child watcher: ``Process.kill()`` polls
    first and may collect it from under the watcher, which then reports exit code 255."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
