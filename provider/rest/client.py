"""The REST v6 client: one `httpx.AsyncClient` per platform account."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pydantic import SecretStr, ValidationError

from provider.account_http import DEFAULT_TIMEOUT, AccountHttp, RetryPolicy
from provider.errors import (
    ERROR_CODES,
    ProviderAPIError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    api_error,
)
from provider.logs import log_event
from provider.request import SendRequest, SendResult

log = logging.getLogger(__name__)


def new_partner_id() -> str:
    """A fresh partner `id`: the platform sends only once per id, so retries reuse it."""
    return uuid.uuid4().hex


class RestClient(AccountHttp):
    """Sends REST v6 requests for one account.

    `send` stamps the account's credentials and a partner `id` (unless the request has one)
    on the request; every retry carries the same id, so the platform sends at most once.
    """

    def __init__(
        self,
        url: str,
        login: str,
        password: SecretStr,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._url = url
        self._login = login
        self._password = password
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        super().__init__(
            timeout=timeout, transport=transport, headers={"Accept": "application/json"}
        )

    async def send(self, request: SendRequest) -> SendResult:
        partner_id = request.id or new_partner_id()
        stamped = request.model_copy(
            update={"id": partner_id, "login": self._login, "password": self._password}
        )
        body = stamped.to_wire()
        context: dict[str, Any] = {
            "id": partner_id,
            "dest": request.dest_addr,
            "type": ">".join(step.type.value for step in request.steps()),
        }
        attempt = 1
        while True:
            try:
                result = await self._attempt(body)
            except ProviderError as exc:
                exc.partner_id = partner_id
                retry = self._retryable(exc) and attempt < self._retry.attempts
                _log_failure(context, attempt, exc, will_retry=retry)
                if not retry:
                    raise
                retry_after = exc.retry_after if isinstance(exc, ProviderAPIError) else None
                await self._sleep(self._retry.delay(attempt, retry_after))
                attempt += 1
                continue
            log_event(log, "rest_sent", **context, attempt=attempt, mt_num=result.mt_num)
            return result if result.id else result.model_copy(update={"id": partner_id})

    @staticmethod
    def _retryable(exc: ProviderError) -> bool:
        if isinstance(exc, ProviderAPIError):
            return exc.retryable
        return isinstance(exc, ProviderConnectionError)

    async def _attempt(self, body: dict[str, Any]) -> SendResult:
        try:
            response = await self._http.post(self._url, json=body)
        except httpx.TimeoutException as exc:
            raise ProviderTimeoutError(f"no answer from the platform in time ({exc})") from exc
        except httpx.TransportError as exc:
            raise ProviderConnectionError(f"cannot reach the platform ({exc})") from exc
        if response.status_code == httpx.codes.OK:
            try:
                return SendResult.model_validate_json(response.content)
            except ValidationError as exc:
                raise _unreadable(response) from exc
        raise _error_from(response)


def _error_from(response: httpx.Response) -> ProviderAPIError:
    try:
        payload = response.json()
        error = payload["error"]
        code = int(error["code"])
        description = str(error.get("description") or "")
    except (ValueError, KeyError, TypeError):
        return _unreadable(response)
    extended = payload.get("extendedDescription")
    known = ERROR_CODES.get(code)
    return api_error(
        code=code,
        http_status=response.status_code,
        description=description or (known.description if known else ""),
        extended_description=str(extended) if extended else None,
        retry_after=_retry_after(response),
    )


def _unreadable(response: httpx.Response) -> ProviderAPIError:
    """An answer that is not the platform's JSON (a proxy's page, a cut body)."""
    return api_error(
        code=None,
        http_status=response.status_code,
        description="unreadable answer from the platform",
        extended_description=response.text[:200] or None,
        retry_after=_retry_after(response),
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _log_failure(
    context: dict[str, Any], attempt: int, exc: ProviderError, *, will_retry: bool
) -> None:
    log_event(
        log,
        "rest_failed",
        level=logging.WARNING,
        **context,
        attempt=attempt,
        error=type(exc).__name__,
        code=exc.code if isinstance(exc, ProviderAPIError) else None,
        retry="yes" if will_retry else "no",
    )
