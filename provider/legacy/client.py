"""The legacy HTTPS API client (GET, JSON or XML): one `httpx.AsyncClient` per account."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar, get_args

import httpx
from pydantic import SecretStr

from provider.account_http import DEFAULT_TIMEOUT, AccountHttp, RetryPolicy
from provider.errors import (
    ProviderAPIError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
)
from provider.legacy import wire
from provider.legacy.errors import LegacyPhoneError
from provider.legacy.request import LegacySendRequest
from provider.legacy.results import LegacySendResult, LegacyState
from provider.legacy.rules import (
    GET_PATH,
    GET_URL_ADVISED_LIMIT,
    JSON_PATH,
    XML_SEND_PATH,
    XML_STATE_PATH,
)
from provider.legacy.scrub import Scrubber, install_httpx_log_filter
from provider.logs import log_event
from provider.phone import mask_phone

log = logging.getLogger(__name__)

Transport = Literal["get", "json", "xml"]
_T = TypeVar("_T")
SendOutcome = LegacySendResult | LegacyPhoneError

STATE_BATCH_LIMIT = 100
"""Ids per JSON/XML state request. The page sets no limit; this keeps bodies small."""

_JSON_TYPE = "application/json; charset=utf-8"
_XML_TYPE = "text/xml; charset=utf-8"
# Failures before a single byte of the request left: resending can never send twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class LegacyClient(AccountHttp):
    """Sends messages and asks their states over one of the legacy transports.

    Retries only when no answer came (connection failures, timeouts). JSON and XML sends
    carry a client_id_message per phone, generated when the caller gave none and the same
    on every retry, so the platform sends each at most once. GET has no such field: a GET
    send is retried only when it provably never left (connection refused, connect
    timeout); after a lost answer it raises, because a resend could send twice.
    """

    def __init__(
        self,
        base_url: str,
        login: str,
        password: SecretStr,
        *,
        transport: Transport,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if transport not in get_args(Transport):
            raise ValueError(f"transport must be one of {get_args(Transport)}, not {transport!r}")
        self.transport: Transport = transport
        self._base = base_url.rstrip("/")
        self._login = login
        self._password = password
        self._scrub = Scrubber(password)
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        install_httpx_log_filter()
        super().__init__(timeout=timeout, transport=http_transport)

    # -- send ----------------------------------------------------------------------------

    async def send(self, request: LegacySendRequest) -> LegacySendResult:
        """Send to the request's single phone; a refusal of that phone raises LegacyPhoneError."""
        if len(request.phones) != 1:
            raise ValueError("send() takes a request with one phone; use send_many()")
        outcome = (await self.send_many(request))[0]
        if isinstance(outcome, LegacyPhoneError):
            raise outcome
        return outcome

    async def send_many(self, request: LegacySendRequest) -> list[SendOutcome]:
        """One outcome per phone, in the request's order: its ids, or its refusal.

        A refusal of the whole request (credentials, a broken rule, an identical request
        within a minute) raises a `ProviderAPIError`; no answer raises a
        `ProviderConnectionError`. Either carries `partner_id` = the client_id_message when
        the request has one phone.
        """
        if self.transport != "get":
            request = request.with_client_ids()
        client_ids = [p.client_id_message for p in request.phones]
        context = self._context("send", request)
        try:
            outcomes, response, attempt = await self._exchange(
                lambda: self._send_request(request),
                lambda response: self._read_send(response, request),
                resend_safe=self.transport != "get",
                context=context,
            )
        except ProviderError as exc:
            exc.partner_id = client_ids[0] if len(client_ids) == 1 else None
            raise
        accepted = [o.id_message for o in outcomes if isinstance(o, LegacySendResult)]
        log_event(
            log,
            "legacy_request",
            level=logging.INFO if len(accepted) == len(outcomes) else logging.WARNING,
            **context,
            attempt=attempt,
            http_status=response.status_code,
            id_message=",".join(accepted) or None,
            refused=(len(outcomes) - len(accepted)) or None,
        )
        return outcomes

    def _send_request(self, request: LegacySendRequest) -> httpx.Request:
        login, password = self._login, self._password.get_secret_value()
        if self.transport == "get":
            params = wire.get_send_params(login, password, request)
            built = self._http.build_request("GET", self._base + GET_PATH, params=params)
            if len(str(built.url)) > GET_URL_ADVISED_LIMIT:
                log_event(
                    log,
                    "legacy_long_url",
                    level=logging.WARNING,
                    length=len(str(built.url)),
                    advised=GET_URL_ADVISED_LIMIT,
                )
            return built
        if self.transport == "json":
            body = wire.json_send_body(login, password, request)
            return self._post(JSON_PATH, body, _JSON_TYPE)
        return self._post(XML_SEND_PATH, wire.xml_send_body(login, password, request), _XML_TYPE)

    def _read_send(self, response: httpx.Response, request: LegacySendRequest) -> list[SendOutcome]:
        status = response.status_code
        if self.transport == "get":
            return wire.read_get_send(response.text, status, request)
        if self.transport == "json":
            return wire.read_json_send(response.content, status, request)
        return wire.read_xml_send(response.content, status, request)

    # -- state ---------------------------------------------------------------------------

    async def state(self, id_message: str) -> LegacyState:
        return (await self.states([id_message]))[0]

    async def states(self, id_messages: Sequence[str]) -> list[LegacyState]:
        """The state of each id, in the order asked.

        JSON and XML ask up to `STATE_BATCH_LIMIT` ids per request; GET one per request.
        An id the platform answers with an error text is a final `LegacyState` whose
        `error` holds it; an id the answer leaves out is one with `missing` set. Mind the
        platform's rule: the same request (the same ids) at most once a minute, else
        `IdenticalRequestError`.
        """
        ids = list(id_messages)
        states: list[LegacyState] = []
        size = 1 if self.transport == "get" else STATE_BATCH_LIMIT
        for start in range(0, len(ids), size):
            states.extend(await self._states_batch(ids[start : start + size]))
        return states

    async def _states_batch(self, ids: list[str]) -> list[LegacyState]:
        context: dict[str, Any] = {
            "op": "state",
            "transport": self.transport,
            "ids": len(ids),
            "id_message": ids[0] if len(ids) == 1 else None,
        }
        states, response, attempt = await self._exchange(
            lambda: self._state_request(ids),
            lambda response: self._read_states(response, ids),
            resend_safe=True,
            context=context,
        )
        log_event(
            log,
            "legacy_request",
            **context,
            attempt=attempt,
            http_status=response.status_code,
            final=sum(s.is_final for s in states),
            errors=sum(s.error is not None for s in states) or None,
        )
        return states

    def _state_request(self, ids: list[str]) -> httpx.Request:
        login, password = self._login, self._password.get_secret_value()
        if self.transport == "get":
            params = wire.get_state_params(login, password, ids[0])
            return self._http.build_request("GET", self._base + GET_PATH, params=params)
        if self.transport == "json":
            return self._post(JSON_PATH, wire.json_state_body(login, password, ids), _JSON_TYPE)
        body = wire.xml_state_body(login, password, ids)
        return self._post(XML_STATE_PATH, body, _XML_TYPE)

    def _read_states(self, response: httpx.Response, ids: list[str]) -> list[LegacyState]:
        status = response.status_code
        if self.transport == "get":
            return [wire.read_get_state(response.text, status, ids[0])]
        if self.transport == "json":
            return wire.read_json_states(response.content, status, ids)
        return wire.read_xml_states(response.content, status, ids)

    # -- the exchange, with retries ------------------------------------------------------

    def _post(self, path: str, body: bytes, content_type: str) -> httpx.Request:
        return self._http.build_request(
            "POST", self._base + path, content=body, headers={"Content-Type": content_type}
        )

    async def _exchange(
        self,
        build: Callable[[], httpx.Request],
        read: Callable[[httpx.Response], _T],
        *,
        resend_safe: bool,
        context: dict[str, Any],
    ) -> tuple[_T, httpx.Response, int]:
        """The answer read, the answer and the attempt that got it.

        Retried only when no answer came; the platform's own refusal is logged and raised.
        """
        attempt = 1
        while True:
            try:
                response = await self._http.send(build())
            except httpx.TransportError as exc:
                cause = self._scrub.exception(exc)
                error = self._connection_error(cause)
                retry = attempt < self._retry.attempts and (
                    resend_safe or isinstance(exc, _NOT_SENT)
                )
                log_event(
                    log,
                    "legacy_request",
                    level=logging.WARNING,
                    **context,
                    attempt=attempt,
                    error=type(error).__name__,
                    reason=type(exc).__name__,
                    retry="yes" if retry else "no",
                )
                if not retry:
                    raise error from cause
                await self._sleep(self._retry.delay(attempt))
                attempt += 1
                continue
            try:
                return read(response), response, attempt
            except ProviderAPIError as exc:
                # The platform's text could echo what it was sent; it never leaves with it.
                exc.description = self._scrub(exc.description)
                self._scrub.exception(exc)
                log_event(
                    log,
                    "legacy_request",
                    level=logging.WARNING,
                    **context,
                    attempt=attempt,
                    http_status=response.status_code,
                    error=type(exc).__name__,
                    text=exc.description[:200],
                )
                raise

    def _connection_error(self, exc: BaseException) -> ProviderConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return ProviderTimeoutError(self._scrub(f"no answer from the platform in time ({exc})"))
        return ProviderConnectionError(self._scrub(f"cannot reach the platform ({exc})"))

    def _context(self, op: str, request: LegacySendRequest) -> dict[str, Any]:
        phones = [p.phone for p in request.phones]
        client_ids = [p.client_id_message for p in request.phones if p.client_id_message]
        return {
            "op": op,
            "transport": self.transport,
            # Masked here: several numbers in one field would defeat log_event's masking.
            "phones": ",".join(mask_phone(p) for p in phones),
            "client_id": ",".join(client_ids) or None,
            "channels": ">".join(c.value for c in request.channels()),
        }


def refused_phones(outcomes: Sequence[SendOutcome]) -> list[LegacyPhoneError]:
    """The refusals among `send_many`'s outcomes."""
    return [o for o in outcomes if isinstance(o, LegacyPhoneError)]
