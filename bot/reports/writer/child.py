"""The report writer's process: reads request bodies from stdin, stores them with the group
commit of :class:`~bot.reports.store.ReportStore`, answers on stdout
(``python -m bot.reports.writer``).

Synchronous on purpose: it does one thing at a time, and a thread or an event loop would
only add hand-overs. Whatever arrived while a transaction ran is the next transaction.

Nothing a request holds may end this process (every other request in flight would get
503): :meth:`ReportStore.store` confines each failure to its request, and should it raise
all the same, each body of the round is stored alone (:func:`answers_for`).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import BinaryIO

from bot.reports.store import FAILED, Answer, ReportStore
from bot.reports.writer.protocol import Frames, WriterConfig, answer_line
from provider.logs import log_event
from storage.checkpoints import WalCheckpointer
from storage.db import connect_sync
from storage.secrets_scrub import Scrubber

log = logging.getLogger(__name__)


def serve(stdin: int, stdout: BinaryIO) -> None:
    frames = Frames(stdin)
    config = WriterConfig(**json.loads(frames.line()))
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    connection = connect_sync(config.database, busy_timeout=config.busy_timeout)
    checkpointer = WalCheckpointer(connection, config.database, busy_timeout=config.busy_timeout)
    store = ReportStore(connection, Scrubber(config.literal_secrets))
    try:
        while batch := frames.available():
            with checkpointer.writing():
                answers = answers_for(store, [body for _, body in batch])
            checkpointer.poke()
            stdout.write(
                b"".join(
                    answer_line(request_id, answer)
                    for (request_id, _), answer in zip(batch, answers, strict=True)
                )
            )
            stdout.flush()
    finally:
        store.flush_log()
        checkpointer.close()
        connection.close()


def answers_for(store: ReportStore, bodies: list[bytes]) -> list[Answer]:
    """The round's answers; a failure the store did not confine fails only its body."""
    try:
        return store.store(bodies)
    except Exception as exc:
        log_event(log, "report_round_failed", level=logging.ERROR, error=type(exc).__name__)
    answers = []
    for body in bodies:
        try:
            [answer] = store.store([body])
        except Exception as exc:
            log_event(log, "report_failed", level=logging.ERROR, error=type(exc).__name__)
            answer = FAILED
        answers.append(answer)
    return answers


def main() -> None:
    serve(sys.stdin.fileno(), sys.stdout.buffer)
