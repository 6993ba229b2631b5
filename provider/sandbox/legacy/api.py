"""The legacy HTTPS API of the sandbox platform: GET, JSON and XML endpoints.

Checks in this order: the fault switches, an unreadable request, IP and credentials, the
identical request within a (simulated) minute, then each message's rules (the
`provider.legacy` models: one place per rule) and each phone's, then client_id_message
duplicate control. Accepted messages get a course (the REST outcome table, by the phone's
last digit) that state requests read at the simulated "now"; nothing is posted anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from provider.errors import ERROR_CODES
from provider.legacy.request import LegacyMessage, LegacyRecipient
from provider.legacy.rules import (
    GET_PATH,
    IDENTICAL_REQUEST_TEXT,
    JSON_PATH,
    UNKNOWN_ID_TEXT,
    XML_SEND_PATH,
    XML_STATE_PATH,
)
from provider.logs import log_event
from provider.sandbox.accounts import INVALID_IP, Account
from provider.sandbox.config import SandboxConfig
from provider.sandbox.faults import Fault, Faults
from provider.sandbox.legacy.course import Snapshot
from provider.sandbox.legacy.ledger import LegacyLedger, LegacyReceived, LegacyRecord
from provider.sandbox.legacy.texts import (
    BAD_MESSAGE,
    IP_REFUSED,
    NO_PHONES,
    SHUTTING_DOWN,
    WRONG_CREDENTIALS,
)
from provider.sandbox.legacy.wire import (
    Accepted,
    Answer,
    BadCall,
    Call,
    MessageAnswer,
    MessageRefused,
    PhoneRefused,
    SendCall,
    error_answer,
    masked,
    read_get,
    read_json,
    read_xml,
    send_answer,
    state_answer,
)
from provider.violations import describe

logger = logging.getLogger(__name__)

Answered = tuple[int, Answer]


class LegacyApi:
    """The four legacy endpoints and what they keep; owned by a `Sandbox`."""

    def __init__(
        self,
        config: SandboxConfig,
        faults: Faults,
        closing: asyncio.Event,
        next_id: Callable[[], str],
    ) -> None:
        self._faults = faults
        self._closing = closing
        self._account = Account(config)
        self.ledger = LegacyLedger(
            time_scale=config.time_scale, default_lifetime=config.default_ttl, next_id=next_id
        )
        self.received: list[LegacyReceived] = []
        """Every request to a legacy endpoint, in arrival order, refused or not."""

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(GET_PATH, self._get)
        router.add_post(JSON_PATH, self._json)
        router.add_post(XML_SEND_PATH, self._xml_send)
        router.add_post(XML_STATE_PATH, self._xml_state)

    # -- what tests look at ------------------------------------------------------------

    @property
    def messages(self) -> dict[str, LegacyRecord]:
        """Accepted distinct messages by id_message."""
        return self.ledger.messages

    def snapshot(self, id_message: str) -> Snapshot:
        """The message's states now (simulated clock)."""
        return self.ledger.snapshot(id_message)

    def summary(self) -> dict[str, Any]:
        """For GET /_sandbox/sends."""
        return {
            "messages": [
                {
                    "idMessage": r.id_message,
                    "clientIdMessage": r.client_id_message,
                    "transport": r.transport,
                    "outcome": r.outcome.value,
                    "channels": [c.value for c in r.message.channels()],
                    "state": self.snapshot(r.id_message).overall.value,
                }
                for r in self.messages.values()
            ],
            "received": [
                {
                    "transport": r.transport,
                    "operation": r.operation,
                    "httpStatus": r.http_status,
                    "error": r.error,
                    "idMessages": r.id_messages,
                }
                for r in self.received
            ],
        }

    # -- endpoints ---------------------------------------------------------------------

    async def _get(self, request: web.Request) -> web.Response:
        # Identical = the same parameters, whatever their order.
        identity = "&".join(sorted(f"{k}={v}" for k, v in request.query.items()))
        raw = request.rel_url.raw_query_string
        return await self._serve(request, "get", raw, identity, lambda: read_get(request.query))

    async def _json(self, request: web.Request) -> web.Response:
        raw = await request.read()
        text = raw.decode("utf-8", "replace")
        return await self._serve(request, "json", text, text, lambda: read_json(raw))

    async def _xml_send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        text = raw.decode("utf-8", "replace")
        return await self._serve(
            request, "xml", text, text, lambda: read_xml(raw, operation="send")
        )

    async def _xml_state(self, request: web.Request) -> web.Response:
        raw = await request.read()
        text = raw.decode("utf-8", "replace")
        return await self._serve(
            request, "xml", text, text, lambda: read_xml(raw, operation="state")
        )

    async def _serve(
        self,
        request: web.Request,
        transport: str,
        raw: str,
        identity: str,
        read: Callable[[], Call],
    ) -> web.Response:
        # The fault queue is the sandbox's one: a switch applies to the next request of
        # either API, in arrival order.
        fault = self._faults.take()
        received = LegacyReceived(transport, request.path, request.remote, masked(transport, raw))
        self.received.append(received)
        if fault.hang_seconds is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.hang_seconds)
        status, answer = self._answer(transport, identity, read, fault, received)
        received.http_status = status
        log_event(
            logger,
            "legacy_request",
            level=logging.INFO if received.error is None else logging.WARNING,
            transport=transport,
            op=received.operation,
            http_status=status,
            error=received.error,
            ids=",".join(received.id_messages) or None,
            peer=request.remote,
            fault=fault.label,
        )
        return web.Response(
            body=answer.body, status=status, content_type=answer.content_type, charset="utf-8"
        )

    def _answer(
        self,
        transport: str,
        identity: str,
        read: Callable[[], Call],
        fault: Fault,
        received: LegacyReceived,
    ) -> Answered:
        def refuse(text: str, status: int = 200) -> Answered:
            # The legacy API answers its refusals as text (the sandbox: with HTTP 200).
            received.error = text
            return status, error_answer(transport, text)

        if self._closing.is_set():
            return refuse(SHUTTING_DOWN, 503)
        if fault.fail_code is not None and fault.fail_status is not None:
            text = f"{ERROR_CODES[fault.fail_code].description} (the sandbox's fault switch)"
            return refuse(text, fault.fail_status)
        try:
            call = read()
        except BadCall as bad:
            return refuse(bad.text)
        received.operation = "send" if isinstance(call, SendCall) else "state"
        refusal = self._account.refusal(received.peer, call.credentials.as_body())
        if refusal is not None:
            return refuse(IP_REFUSED if refusal == INVALID_IP else WRONG_CREDENTIALS)
        if self.ledger.identical(received.path, identity):
            return refuse(IDENTICAL_REQUEST_TEXT)
        if isinstance(call, SendCall):
            answers = [self._send_message(m, transport) for m in call.messages]
            for answer in answers:
                if isinstance(answer, list):
                    received.client_ids += [
                        a.client_id_message for a in answer if a.client_id_message
                    ]
                    received.id_messages += [
                        a.id_message for a in answer if isinstance(a, Accepted)
                    ]
            return 200, send_answer(transport, answers)
        received.id_messages = list(call.ids)
        if transport == "get" and len(call.ids) != 1:
            return refuse(UNKNOWN_ID_TEXT)
        return 200, state_answer(transport, [self.ledger.state_row(i) for i in call.ids])

    def _send_message(self, raw: object, transport: str) -> MessageAnswer:
        if not isinstance(raw, dict):
            return MessageRefused(BAD_MESSAGE)
        fields = dict(raw)
        phones = fields.pop("phones", None)
        try:
            message = LegacyMessage.model_validate(fields)
        except ValidationError as exc:
            return MessageRefused(str(describe(exc)[0]))
        if not isinstance(phones, list) or not phones:
            return MessageRefused(NO_PHONES)
        checked = [_recipient(p) for p in phones]
        refused = [c for c in checked if isinstance(c, PhoneRefused)]
        if transport == "get" and refused:
            # GET can answer ids or one error: a bad phone refuses the whole request.
            return MessageRefused(refused[0].text)
        return [
            c if isinstance(c, PhoneRefused) else self._accept(message, c, transport)
            for c in checked
        ]

    def _accept(
        self, message: LegacyMessage, recipient: LegacyRecipient, transport: str
    ) -> Accepted | PhoneRefused:
        repeats = len(self.ledger.repeats)
        outcome = self.ledger.accept(message, recipient, transport)
        if isinstance(outcome, PhoneRefused):
            return outcome
        log_event(
            logger,
            "legacy_accepted",
            id_message=outcome.id_message,
            client_id=outcome.client_id_message,
            dest=outcome.phone,
            channels=">".join(c.value for c in outcome.message.channels()),
            outcome=outcome.outcome.value,
            repeat="yes" if len(self.ledger.repeats) > repeats else None,
        )
        return outcome.accepted()


def _recipient(entry: object) -> LegacyRecipient | PhoneRefused:
    if not isinstance(entry, dict):
        return PhoneRefused(str(entry), None, BAD_MESSAGE)
    try:
        return LegacyRecipient.model_validate(entry)
    except ValidationError as exc:
        client_id = entry.get("client_id_message")
        return PhoneRefused(
            str(entry.get("phone", "")),
            None if client_id is None else str(client_id),
            str(describe(exc)[0]),
        )
