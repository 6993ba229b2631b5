"""Times and durations as an operator reads them: times in their own zone (``/tz``, else
DISPLAY_TIMEZONE) with its name shown, lifetimes in their language."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, available_timezones


@dataclass(frozen=True, slots=True)
class TimeFormat:
    zone: tzinfo = UTC

    @property
    def zone_name(self) -> str:
        """``Europe/Moscow``: the name an operator typed (or the configured one)."""
        return str(self.zone)

    def clock(self, moment: datetime) -> str:
        """``18:41:29 MSK``: a status change today."""
        return moment.astimezone(self.zone).strftime("%H:%M:%S %Z")

    def day(self, moment: datetime) -> str:
        """``23.11 18:41``: a line in /history or /trace."""
        return moment.astimezone(self.zone).strftime("%d.%m %H:%M")


@functools.cache
def _zone_names() -> dict[str, str]:
    """The tz database's zone names by their case-folded spelling (read once: it walks
    the database's files)."""
    return {name.casefold(): name for name in available_timezones()}


def find_zone(typed: str) -> ZoneInfo | None:
    """The tz database's zone an operator named (``europe/moscow`` is Europe/Moscow), or
    None. Only names the database lists: a path such as ``../etc`` is no zone."""
    name = _zone_names().get(typed.strip().casefold())
    return ZoneInfo(name) if name is not None else None


def similar_zones(typed: str, count: int = 3) -> list[str]:
    """Zone names close to a mistyped one (``Europe/Moskow``: Europe/Moscow), or whose
    city is the one typed (``Moscow``: Europe/Moscow)."""
    names = _zone_names()
    folded = typed.strip().casefold()
    by_city: dict[str, str] = {}
    for key, name in names.items():
        by_city.setdefault(key.rpartition("/")[2], name)
    found = [names[key] for key in difflib.get_close_matches(folded, names, n=count, cutoff=0.9)]
    for city in difflib.get_close_matches(folded.rpartition("/")[2], by_city, n=count, cutoff=0.8):
        if by_city[city] not in found:
            found.append(by_city[city])
    return found[:count]


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
