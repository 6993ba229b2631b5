"""Where the platform posts delivery reports: ``<base>/reports/<secret>``."""

from __future__ import annotations

from dataclasses import dataclass

REPORTS_PATH = "/reports/"


def report_url(base: str, secret: str) -> str:
    return base.rstrip("/") + REPORTS_PATH + secret


@dataclass(frozen=True, slots=True)
class ReportUrls:
    """The notifyUrl a send carries, by the account it goes through."""

    public: str | None
    """For real accounts: REPORTS_PUBLIC_URL's receiver (None: the account's own setting)."""
    local: str | None
    """For the embedded sandbox: the receiver on loopback."""
