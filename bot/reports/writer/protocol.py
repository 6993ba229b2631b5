"""The pipe between the bot and the report writer's process: the frames and answer lines
(the format is described in :mod:`bot.reports.writer`), and the configuration line."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass

from bot.reports.store import Answer


@dataclass(frozen=True, slots=True)
class WriterConfig:
    database: str
    busy_timeout: float
    literal_secrets: Sequence[str]
    log_level: str = "INFO"


class Frames:
    """Frames from a pipe: blocks for the first, then takes every frame already there."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()

    def _fill(self) -> bool:
        chunk = os.read(self._fd, 1 << 20)
        self._buffer += chunk
        return bool(chunk)

    def line(self) -> bytes:
        while (end := self._buffer.find(b"\n")) < 0:
            if not self._fill():
                raise EOFError("stdin closed before the configuration")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line

    def available(self) -> list[tuple[int, bytes]]:
        """The next frames; empty once stdin is closed (an unfinished frame is dropped: its
        sender is gone)."""
        frames = self._complete()
        while not frames and self._fill():
            frames = self._complete()
        return frames

    def _complete(self) -> list[tuple[int, bytes]]:
        frames = []
        while (end := self._buffer.find(b"\n")) >= 0:
            request_id, size = (int(part) for part in self._buffer[:end].split())
            if len(self._buffer) < end + 1 + size:
                break
            frames.append((request_id, bytes(self._buffer[end + 1 : end + 1 + size])))
            del self._buffer[: end + 1 + size]
        return frames


def answer_line(request_id: int, answer: Answer) -> bytes:
    line = b"%d %d %d %d" % (request_id, answer.status, answer.stored, answer.changed)
    if answer.reason is not None:
        line += b" " + json.dumps(answer.reason).encode()
    return line + b"\n"


def parse_answer(line: bytes) -> tuple[int, Answer]:
    request_id, status, stored, changed, *reason = line.split(b" ", 4)
    return int(request_id), Answer(
        status=int(status),
        reason=str(json.loads(reason[0])) if reason else None,
        stored=int(stored),
        changed=changed == b"1",
    )
