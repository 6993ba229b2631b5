"""Fault switches: make the next requests fail or hang, as the real platform sometimes does."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from provider.errors import ERROR_CODES

FAULT_CODES: Mapping[int, int] = MappingProxyType({503: 1, 429: 3, 500: 100})
"""HTTP status of a failure -> the platform's error code answered with it."""

FailStatus = Literal[503, 429, 500]


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request: wait first, then (maybe) answer an error."""

    hang_seconds: float | None = None
    fail_code: int | None = None
    """The platform's error code to answer with (its HTTP status comes with it)."""
    retry_after: int | None = None
    """Seconds for a ``Retry-After`` header on the failure; None: no header."""

    @property
    def fail_status(self) -> int | None:
        return None if self.fail_code is None else ERROR_CODES[self.fail_code].http_status

    @property
    def label(self) -> str | None:
        """For the log line: ``hang:5.0``, ``fail:503``, both, or None."""
        parts = []
        if self.hang_seconds is not None:
            parts.append(f"hang:{self.hang_seconds}")
        if self.fail_status is not None:
            parts.append(f"fail:{self.fail_status}/{self.fail_code}")
        return ",".join(parts) or None


class Faults:
    """Queued faults, each used by one POST /rest/send (in arrival order)."""

    def __init__(self) -> None:
        self._fail: deque[tuple[int, int | None]] = deque()
        self._hang: deque[float] = deque()

    def fail_next(self, count: int = 1, status: int = 503, retry_after: int | None = None) -> None:
        """Answer the next `count` requests with `status` (503 -> code 1, 429 -> 3, 500 -> 100).

        `retry_after` adds a ``Retry-After`` header (the digest does not say the platform
        sends one; off by default, for testing a client that honours it).
        """
        if status not in FAULT_CODES:
            raise ValueError(f"status must be one of {sorted(FAULT_CODES)}, not {status}")
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after cannot be negative")
        _check_count(count)
        self._fail.extend([(FAULT_CODES[status], retry_after)] * count)

    def answer_next(self, code: int, count: int = 1) -> None:
        """Refuse the next `count` requests with the platform's error `code`, whatever they
        hold: for testing how a client treats each of the documented codes."""
        if code not in ERROR_CODES:
            raise ValueError(f"code must be one of {sorted(ERROR_CODES)}, not {code}")
        _check_count(count)
        self._fail.extend([(code, None)] * count)

    def hang_next(self, count: int = 1, seconds: float = 5.0) -> None:
        """Hold the next `count` requests for `seconds` (real) before handling them as usual.

        A stopping sandbox releases hung requests at once (answering code 1), so a hang never
        holds up a test's teardown.
        """
        if seconds < 0:
            raise ValueError("seconds cannot be negative")
        _check_count(count)
        self._hang.extend([seconds] * count)

    def reset(self) -> None:
        self._fail.clear()
        self._hang.clear()

    def take(self) -> Fault:
        """The fault for the request that just arrived (nothing queued: no fault)."""
        code, retry_after = self._fail.popleft() if self._fail else (None, None)
        return Fault(
            hang_seconds=self._hang.popleft() if self._hang else None,
            fail_code=code,
            retry_after=retry_after,
        )

    def pending(self) -> dict[str, Any]:
        """Queued faults: ``{"fail": [503, ...], "hang": [5.0, ...]}`` (statuses, seconds)."""
        statuses = [ERROR_CODES[code].http_status for code, _ in self._fail]
        return {"fail": statuses, "hang": list(self._hang)}


def _check_count(count: int) -> None:
    if count < 1:
        raise ValueError("count must be at least 1")


# --- the same switches over HTTP: POST /_sandbox/faults ---------------------------------


class _FailSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: FailStatus = 503
    code: int | None = None
    """Any documented error code instead of `status` (its HTTP status comes with it)."""
    count: int = Field(default=1, ge=1)
    retry_after: int | None = Field(default=None, ge=0, alias="retryAfter")


class _HangSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(default=5.0, ge=0, le=3600)
    count: int = Field(default=1, ge=1)


class FaultsCommand(BaseModel):
    """The body of POST /_sandbox/faults.

    ``{"fail": {"status": 503, "count": 2}}`` (optionally ``"retryAfter": 2``),
    ``{"fail": {"code": 6}}`` (any documented code),
    ``{"hang": {"seconds": 5}}``, ``{"reset": true}``
    """

    model_config = ConfigDict(extra="forbid")
    reset: bool = False
    fail: _FailSpec | None = None
    hang: _HangSpec | None = None

    def apply(self, faults: Faults) -> None:
        if self.reset:
            faults.reset()
        if self.fail is not None and self.fail.code is not None:
            faults.answer_next(self.fail.code, self.fail.count)
        elif self.fail is not None:
            faults.fail_next(self.fail.count, self.fail.status, self.fail.retry_after)
        if self.hang is not None:
            faults.hang_next(self.hang.count, self.hang.seconds)
