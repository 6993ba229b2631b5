"""A send's request as it may be shown or kept: in a chat, a log line or the database."""

from __future__ import annotations

from typing import Any

from bot.reports.urls import REPORTS_PATH
from provider.request import MASK, SendRequest


def shown_request(request: SendRequest) -> dict[str, Any]:
    """The request with the password and the receiver's secret masked."""
    data = request.redacted()
    url = data.get("notifyUrl")
    if isinstance(url, str) and REPORTS_PATH in url:
        data["notifyUrl"] = url[: url.index(REPORTS_PATH) + len(REPORTS_PATH)] + MASK
    return data
