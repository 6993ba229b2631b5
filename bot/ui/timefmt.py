"""Times as operators read them: in one configured zone, with its name shown."""

from __future__ import annotations

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
