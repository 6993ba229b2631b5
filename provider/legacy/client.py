"""The legacy HTTPS API client (GET, JSON or XML): one `httpx.AsyncClient` per account."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar, get_args

import httpx
from pydantic import SecretStr

from provider.account_http import (
    DEFAULT_TIMEOUT,
    AccountHttp,
    RetryPolicy,
    describe_transport_error,
    transport_error,
)
from provider.errors import (
    Outcome,
    ProviderAPIError,
    ProviderError,
    UnreadableAnswerError,
)
from provider.legacy import wire
from provider.legacy.errors import LegacyPhoneError, TooSoonError
from provider.legacy.request import LegacySendRequest
from provider.legacy.results import LegacySendResult, LegacyState
from provider.legacy.rules import (
    GET_PATH,
    GET_URL_ADVISED_LIMIT,
    IDENTICAL_REQUEST_WINDOW,
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


class _IdenticalRequests:
    """When each request (method, URL, body) last went to the platform, for one minute.

    The platform refuses an identical request within a minute (seed 003); a repeat sent
    anyway would be answered with an error for a message that may well have gone. Only
    digests are kept: a GET URL holds the password.
    """

    def __init__(self, window: float, clock: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        self._sent: dict[bytes, float] = {}

    @staticmethod
    def key(request: httpx.Request) -> bytes:
        digest = hashlib.sha256(request.method.encode())
        digest.update(str(request.url).encode())
        digest.update(request.content)
        return digest.digest()

    def wait_left(self, key: bytes) -> float:
        """Seconds until this request may go again (0: now)."""
        now = self._clock()
        self._sent = {k: at for k, at in self._sent.items() if now - at < self._window}
        sent_at = self._sent.get(key)
        return 0.0 if sent_at is None else self._window - (now - sent_at)

    def sent(self, key: bytes) -> None:
        self._sent[key] = self._clock()

    def never_left(self, key: bytes) -> None:
        """The request never reached the platform (no connection): it does not count."""
        self._sent.pop(key, None)


class LegacyClient(AccountHttp):
    """Sends messages and asks their states over one of the legacy transports.

    Never sends an identical request within a minute (`identical_window`): the platform
    would refuse it (raises `TooSoonError` instead, nothing sent). Retries only what
    provably never left (connection refused, connect timeout); after a lost answer it
    raises with the outcome unknown. JSON and XML sends carry a client_id_message per
    phone, generated when the caller gave none; asked again after the minute with the same
    one, the platform sends nothing new and answers the message's ids (seed 003). GET has
    no such field: a GET send whose answer was lost cannot be asked about again.
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
        identical_window: float = IDENTICAL_REQUEST_WINDOW,
        clock: Callable[[], float] = time.monotonic,
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
        self._identical = _IdenticalRequests(identical_window, clock)
        self.identical_window = identical_window
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

        A refusal of the whole request (credentials, a broken rule) raises a
        `ProviderAPIError`; no answer a `ProviderConnectionError`, an answer that is not
        the platform's an `UnreadableAnswerError`; the same request within a minute of the
        last, `TooSoonError` (not sent). Each carries `partner_id` = the client_id_message
        when the request has one phone, and says by its `outcome` whether the message may
        have gone.
        """
        if self.transport != "get":
            request = request.with_client_ids()
        client_ids = [p.client_id_message for p in request.phones]
        context = self._context("send", request)
        try:
            outcomes, response, attempt = await self._exchange(
                lambda: self._send_request(request),
                lambda response: self._read_send(response, request),
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
        context: dict[str, Any],
    ) -> tuple[_T, httpx.Response, int]:
        """The answer read, the answer and the attempt that got it.

        Tried again only when the request provably never left (no connection): any other
        repeat would be an identical request within the minute. The platform's own
        refusal is logged and raised.
        """
        attempt = 1
        while True:
            request = build()
            key = self._identical.key(request)
            wait = self._identical.wait_left(key)
            if wait > 0:
                log_event(
                    log, "legacy_request", level=logging.WARNING, **context, too_soon=f"{wait:.1f}"
                )
                raise TooSoonError(wait)
            self._identical.sent(key)
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                # The platform may take the request in only now: its minute starts no sooner.
                self._identical.sent(key)
                cause = self._scrub.exception(exc)
                failed = transport_error(exc, self._scrub(describe_transport_error(exc)))
                never_left = failed.outcome is Outcome.NOT_SENT
                if never_left:
                    self._identical.never_left(key)
                retry = never_left and attempt < self._retry.attempts
                log_event(
                    log,
                    "legacy_request",
                    level=logging.WARNING,
                    **context,
                    attempt=attempt,
                    error=type(failed).__name__,
                    reason=type(exc).__name__,
                    outcome=failed.outcome.value,
                    retry="yes" if retry else "no",
                )
                if not retry:
                    raise failed from cause
                await self._sleep(self._retry.delay(attempt))
                attempt += 1
                continue
            self._identical.sent(key)
            try:
                return read(response), response, attempt
            except (ProviderAPIError, UnreadableAnswerError) as exc:
                error = self._answer_error(exc, response)
                log_event(
                    log,
                    "legacy_request",
                    level=logging.WARNING,
                    **context,
                    attempt=attempt,
                    http_status=response.status_code,
                    error=type(error).__name__,
                    outcome=error.outcome.value,
                    text=str(error)[:200],
                )
                if error is exc:
                    raise
                raise error from exc

    def _answer_error(
        self, exc: ProviderAPIError | UnreadableAnswerError, response: httpx.Response
    ) -> ProviderError:
        """The error as raised, the platform's text scrubbed of the password (it could
        echo what it was sent).

        The legacy API answers its errors as texts with HTTP 200 (seed 003); a 5xx is a
        gateway's, not the platform's, so what was asked may have been done: unknown.
        """
        if isinstance(exc, UnreadableAnswerError):
            exc.snippet = self._scrub(exc.snippet) if exc.snippet else None
            self._scrub.exception(exc)
            return exc
        exc.description = self._scrub(exc.description)
        self._scrub.exception(exc)
        if response.status_code >= 500:
            return UnreadableAnswerError(
                http_status=response.status_code,
                snippet=self._scrub(response.text[:200]) or None,
            )
        return exc

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
