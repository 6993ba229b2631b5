"""The REST v6 send endpoint's rules: reading the body, and each refusal's code and shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from provider.errors import ERROR_CODES
from provider.messages import FlashingCallMessage, VoiceCodeData
from provider.request import MASK, SendRequest
from provider.violations import Violation, describe

INVALID_REQUEST = 4
SENDER_NOT_DEFINED = 7
DEST_ADDR_INCORRECT = 8
MESSAGE_TYPE_INCORRECT = 9
DUPLICATE = 10
INVALID_TTL = 11

_TAG_RULES = frozenset({"union_tag_invalid", "union_tag_not_found"})


class Refusal(Exception):
    """The platform refuses the request with one of its error codes."""

    def __init__(self, code: int, extended: str | None = None) -> None:
        super().__init__(code, extended)
        self.code = code
        self.extended = extended


@dataclass(frozen=True, slots=True)
class Reply:
    """What /rest/send answers: an HTTP status and a JSON object."""

    http_status: int
    payload: dict[str, Any]
    error_code: int | None = None
    mt_num: str | None = None
    headers: dict[str, str] | None = None


def error_reply(code: int, extended: str | None = None) -> Reply:
    """The platform's error shape, texts and HTTP status taken from `ERROR_CODES`."""
    known = ERROR_CODES[code]
    payload: dict[str, Any] = {"error": {"code": code, "description": known.description}}
    if extended:
        payload["extendedDescription"] = extended
    return Reply(known.http_status, payload, error_code=code)


def accepted_reply(mt_num: str, partner_id: str | None) -> Reply:
    payload = {"mtNum": mt_num}
    if partner_id is not None:
        payload["id"] = partner_id
    return Reply(200, payload, mt_num=mt_num)


def parse_body(raw: bytes) -> dict[str, Any] | Refusal:
    """The JSON object sent, or the refusal of a body that is not one (code 4)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Refusal(INVALID_REQUEST, "The request body is not JSON.")
    if not isinstance(body, dict):
        return Refusal(INVALID_REQUEST, "The request body must be a JSON object.")
    return body


def mask_body(body: dict[str, Any]) -> dict[str, Any]:
    """A copy fit for keeping, for a body that never became a `SendRequest`."""
    copy = dict(body)
    if "password" in copy:
        copy["password"] = MASK
    return copy


def partner_id_of(body: dict[str, Any]) -> str | None:
    value = body.get("id")
    return value if isinstance(value, str) else None


def validate(body: dict[str, Any], *, voice_code: bool = False) -> SendRequest:
    """The request, or a Refusal carrying the code of its first violation.

    `voice_code`: the account reads its FLASHINGCALLs out (VoiceCode), so each must also
    keep VoiceCode's rule (`VoiceCodeData`).
    """
    try:
        request = SendRequest.model_validate(body)
        if voice_code:
            _check_voice_codes(request)
    except ValidationError as exc:
        violations = describe(exc)
        first = violations[0]
        raise Refusal(violation_code(first), str(first)) from None
    return request


def _check_voice_codes(request: SendRequest) -> None:
    for index, step in enumerate(request.steps()):
        if not isinstance(step.message, FlashingCallMessage):
            continue
        try:
            VoiceCodeData.model_validate(step.message.data.model_dump())
        except ValidationError as exc:
            violation = describe(exc)[0]
            link = "" if index == 0 else "cascadeChainLink." + "nextLink." * (index - 1)
            where = f"{link}message.data.{violation.field}"
            raise Refusal(violation_code(violation), f"{where}: {violation.message}") from None


def violation_code(violation: Violation) -> int:
    """The platform's code for a broken rule; anything unspecific is "Invalid request"."""
    field, rule = violation.field, violation.rule
    parts = field.split(".")
    last = parts[-1]
    if field == "destAddr":
        return DEST_ADDR_INCORRECT
    # The tag error points at the union (``message``) or at its tag (``message.type``);
    # a bad instantContent type is a plain invalid request.
    if rule in _TAG_RULES and (last == "message" or parts[-2:] == ["message", "type"]):
        return MESSAGE_TYPE_INCORRECT
    if rule.startswith("ttl") or last in ("ttl", "ttlUnit"):
        return INVALID_TTL
    if rule == "sender_required":
        return SENDER_NOT_DEFINED
    return INVALID_REQUEST
