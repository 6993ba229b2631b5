"""The REST v6 client: one `httpx.AsyncClient` per platform account."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pydantic import SecretStr, ValidationError

from provider.account_http import (
    DEFAULT_TIMEOUT,
    AccountHttp,
    RetryPolicy,
    describe_transport_error,
    transport_error,
)
from provider.errors import (
    ERROR_CODES,
    Outcome,
    ProviderAPIError,
    ProviderError,
    UnreadableAnswerError,
    api_error,
    resend_is_safe,
)
from provider.logs import log_event
from provider.request import SendRequest, SendResult

log = logging.getLogger(__name__)


# Statuses that are not a refusal when the body is not the platform's JSON: the request
# may have gone through (a gateway gave up waiting, a timeout in between).
_MAYBE_ACCEPTED_STATUSES = frozenset({408, 499})


def new_partner_id() -> str:
    """A fresh partner `id`: with duplicate control the platform sends one id once, so
    every retry of a send reuses it."""
    return uuid.uuid4().hex


class RestClient(AccountHttp):
    """Sends REST v6 requests for one account.

    `send` stamps the account's credentials and a partner `id` (unless the request has one)
    on the request. A failed attempt is tried again only when that cannot send twice
    (`provider.errors.resend_is_safe`): it never arrived, or the platform refused it as
    temporary (codes 1 and 3), or - for an outcome that is unknown - the account has
    duplicate control (`duplicate_control=True`), under which the platform sends one id
    once. Every try carries the same id.
    """

    def __init__(
        self,
        url: str,
        login: str,
        password: SecretStr,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        duplicate_control: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.duplicate_control = duplicate_control
        """The account has the platform's duplicate control by id (seed 001: off unless
        switched on for it); only then is a send whose outcome is unknown tried again."""
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
        maybe_sent = False
        while True:
            try:
                result = await self._attempt(body)
            except ProviderError as exc:
                exc.partner_id = partner_id
                maybe_sent = maybe_sent or exc.outcome is Outcome.UNKNOWN
                retry = attempt < self._retry.attempts and resend_is_safe(
                    exc, duplicate_control=self.duplicate_control
                )
                _log_failure(context, attempt, exc, will_retry=retry)
                if not retry:
                    if maybe_sent:
                        # The last try was refused or never arrived, but an earlier one
                        # may have been read: that is the send's outcome.
                        exc.outcome = Outcome.UNKNOWN
                    raise
                retry_after = exc.retry_after if isinstance(exc, ProviderAPIError) else None
                await self._sleep(self._retry.delay(attempt, retry_after))
                attempt += 1
                continue
            log_event(log, "rest_sent", **context, attempt=attempt, mt_num=result.mt_num)
            return result if result.id else result.model_copy(update={"id": partner_id})

    async def _attempt(self, body: dict[str, Any]) -> SendResult:
        try:
            response = await self._http.post(self._url, json=body)
        except httpx.TransportError as exc:
            raise transport_error(exc, describe_transport_error(exc)) from exc
        if response.status_code == httpx.codes.OK:
            try:
                return SendResult.model_validate_json(response.content)
            except ValidationError as exc:
                raise _unreadable(response) from exc
        raise _error_from(response)


def _error_from(response: httpx.Response) -> ProviderError:
    """The platform's refusal when the body is its error JSON; otherwise what the status
    says: a 5xx (or a gateway timeout) may have let the request through - unknown; a
    429 is a temporary refusal; another 4xx means it was not taken."""
    try:
        payload = response.json()
        error = payload["error"]
        code = int(error["code"])
        description = str(error.get("description") or "")
    except (ValueError, KeyError, TypeError):
        status = response.status_code
        if status >= 500 or status in _MAYBE_ACCEPTED_STATUSES:
            return _unreadable(response)
        return api_error(
            code=None,
            http_status=status,
            description="an answer that is not the platform's",
            extended_description=response.text[:200] or None,
            retry_after=_retry_after(response),
        )
    extended = payload.get("extendedDescription")
    known = ERROR_CODES.get(code)
    return api_error(
        code=code,
        http_status=response.status_code,
        description=description or (known.description if known else ""),
        extended_description=str(extended) if extended else None,
        retry_after=_retry_after(response),
    )


def _unreadable(response: httpx.Response) -> UnreadableAnswerError:
    """An answer that is not the platform's (a proxy's page, a 200 that is no send result):
    the platform may have taken the message behind it."""
    return UnreadableAnswerError(
        http_status=response.status_code, snippet=response.text[:200] or None
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
        outcome=exc.outcome.value,
        code=exc.code if isinstance(exc, ProviderAPIError) else None,
        retry="yes" if will_retry else "no",
    )
