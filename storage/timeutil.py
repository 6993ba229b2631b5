"""One representation of time in the database: fixed-width ISO-8601 text in UTC.

Every timestamp column holds ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``. The fixed width and the
single offset make SQL string comparison equal chronological comparison, so range queries
(retention, /trace periods, due outbox entries) work on plain indexed TEXT columns while the
file stays readable in the sqlite3 shell.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime; injectable so tests control "now"."""


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Encode an aware datetime; naive values are refused because their zone is a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware value")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_db_optional(moment: datetime | None) -> str | None:
    return None if moment is None else to_db(moment)


def from_db(text: str) -> datetime:
    """Decode a stored timestamp back into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def from_db_optional(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
