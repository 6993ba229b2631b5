"""What the REST and the legacy clients share: one `httpx.AsyncClient` per platform account,
with explicit timeouts, closed with the client (``async with`` or ``aclose``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Self

import httpx


class AccountHttp:
    def __init__(
        self,
        *,
        timeout: httpx.Timeout,
        transport: httpx.AsyncBaseTransport | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        # No redirects: the platform answers where it was asked, and a redirect would carry
        # the account's credentials elsewhere.
        self._http = httpx.AsyncClient(
            timeout=timeout, transport=transport, headers=headers, follow_redirects=False
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
