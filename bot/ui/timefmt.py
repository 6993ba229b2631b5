"""Times and durations as operators read them: times in one configured zone, with its
name shown; lifetimes in the operator's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo


@dataclass(frozen=True, slots=True)
class TimeFormat:
    zone: tzinfo = UTC

    def clock(self, moment: datetime) -> str:
        """``18:41:29 MSK``: a status change today."""
        return moment.astimezone(self.zone).strftime("%H:%M:%S %Z")

    def day(self, moment: datetime) -> str:
        """``23.11 18:41``: a line in /history or /trace."""
        return moment.astimezone(self.zone).strftime("%d.%m %H:%M")


_UNITS = (
    (86400, "duration-days"),
    (3600, "duration-hours"),
    (60, "duration-minutes"),
    (1, "duration-seconds"),
)


def duration(seconds: int, t: Callable[..., str]) -> str:
    """A lifetime in the largest unit that divides it, in the reader's words (`t`, a
    Translator): ``5 min`` / ``5 мин``, ``1 d`` / ``1 сут``."""
    for size, key in _UNITS:
        if seconds >= size and seconds % size == 0:
            return t(key, count=seconds // size)
    return t("duration-seconds", count=seconds)
