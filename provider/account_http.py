"""What the REST and the legacy clients share: one `httpx.AsyncClient` per platform account,
with explicit timeouts, closed with the client (``async with`` or ``aclose``), and the
policy of trying a request again."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx

from provider.errors import Outcome, ProviderConnectionError, ProviderTimeoutError

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)

# Failures before a connection carried a byte of the request: the platform cannot have it.
NOT_SENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


def describe_transport_error(exc: httpx.TransportError) -> str:
    """``ReadTimeout``, ``ConnectError: [Errno 111] Connection refused``: httpx's texts are
    about the socket, never the request's body."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def transport_error(exc: httpx.TransportError, what: str) -> ProviderConnectionError:
    """The typed error for a failed exchange: NOT_SENT when no connection was made."""
    if isinstance(exc, NOT_SENT_ERRORS):
        outcome, text = Outcome.NOT_SENT, "cannot reach the platform"
    elif isinstance(exc, httpx.TimeoutException):
        outcome, text = Outcome.UNKNOWN, "no answer from the platform in time"
    else:
        outcome, text = Outcome.UNKNOWN, "the connection broke before the platform's answer"
    error_class = (
        ProviderTimeoutError if isinstance(exc, httpx.TimeoutException) else ProviderConnectionError
    )
    return error_class(f"{text} ({what})", outcome=outcome)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often to try a send whose outcome allows another try (codes 1 and 3, no answer)."""

    attempts: int = 3
    """Tries in all, the first included."""
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Exponential backoff with full jitter; the platform's Retry-After wins if longer."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
        delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not crypto
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_delay))
        return delay


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
