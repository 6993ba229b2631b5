"""The three transports of the legacy API, client side: request bodies out, answers in.

Every answer is read leniently where the page is vague (numbers as strings or numbers) and
strictly where it matters (an id is an id); anything unreadable becomes an
`UnreadableAnswerError` (the outcome of a send behind it is unknown) carrying the first
characters of the answer.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from provider.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ProviderAPIError,
    ServiceUnavailableError,
    UnreadableAnswerError,
)
from provider.legacy.errors import IdenticalRequestError, LegacyPhoneError, legacy_error
from provider.legacy.request import LegacySendRequest
from provider.legacy.results import LegacySendResult, LegacyState, LegacyStatus
from provider.legacy.rules import STATE_FIELDS
from provider.legacy.xmldoc import XmlError, parse_document, sub, to_document

SendOutcome = LegacySendResult | LegacyPhoneError

_DESCRIPTION_LIMIT = 500
_NO_ENTRY_FOR_PHONE = "the platform's answer has no entry for this phone"


# --- requests ---------------------------------------------------------------------------


def get_send_params(
    login: str, password: str, request: LegacySendRequest
) -> tuple[tuple[str, str], ...]:
    request.check_transport("get")
    fields = request.wire_fields()
    params = [
        ("login", login),
        ("password", password),
        ("phone", ",".join(p.phone for p in request.phones)),
    ]
    for name, value in fields.items():
        if isinstance(value, dict):
            # The page: templateData in GET is JSON text (urlencoded, which httpx does).
            params.append((name, json.dumps(value, ensure_ascii=False, separators=(",", ":"))))
        else:
            params.append((name, value))
    return tuple(params)


def get_state_params(login: str, password: str, id_message: str) -> tuple[tuple[str, str], ...]:
    return (("login", login), ("password", password), ("id_message", id_message))


def json_send_body(login: str, password: str, request: LegacySendRequest) -> bytes:
    phones = [_phone_entry(p.phone, p.client_id_message) for p in request.phones]
    message = {**request.wire_fields(), "phones": phones}
    return _json({"login": login, "password": password, "message": [message]})


def json_state_body(login: str, password: str, ids: Sequence[str]) -> bytes:
    state = [{"id_message": i} for i in ids]
    return _json({"login": login, "password": password, "state": state})


def xml_send_body(login: str, password: str, request: LegacySendRequest) -> bytes:
    root = _xml_request(login, password)
    message = sub(root, "message")
    for name, value in request.wire_fields().items():
        if isinstance(value, dict):
            data = sub(message, name)
            for key, item in value.items():
                sub(data, key, item)
        else:
            sub(message, name, value)
    for recipient in request.phones:
        attrs = {"phone": recipient.phone}
        if recipient.client_id_message is not None:
            attrs["client_id_message"] = recipient.client_id_message
        sub(message, "abonent", **attrs)
    return to_document(root)


def xml_state_body(login: str, password: str, ids: Sequence[str]) -> bytes:
    root = _xml_request(login, password)
    state = sub(root, "state")
    for id_message in ids:
        sub(state, "id_message", id_message)
    return to_document(root)


def _xml_request(login: str, password: str) -> ET.Element:
    root = ET.Element("request")
    security = sub(root, "security")
    sub(security, "login", value=login)
    sub(security, "password", value=password)
    return root


def _phone_entry(phone: str, client_id: str | None) -> dict[str, str]:
    entry = {"phone": phone}
    if client_id is not None:
        entry["client_id_message"] = client_id
    return entry


def _json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- answers: send ----------------------------------------------------------------------


def read_get_send(text: str, http_status: int, request: LegacySendRequest) -> list[SendOutcome]:
    """``1179038981`` or ``1178440060,1178440061`` (one id per phone, in order), else an error."""
    ids = [part.strip() for part in text.strip().split(",")]
    if http_status != 200 or not all(i.isdigit() for i in ids):
        raise legacy_error(_cut(text), http_status)
    if len(ids) != len(request.phones):
        raise unreadable(text, http_status, f"{len(ids)} ids for {len(request.phones)} phones")
    return [
        LegacySendResult(phone=p.phone, id_message=i, client_id_message=None)
        for p, i in zip(request.phones, ids, strict=True)
    ]


def read_json_send(
    content: bytes, http_status: int, request: LegacySendRequest
) -> list[SendOutcome]:
    payload = _json_object(content, http_status)
    _raise_error_field(payload, http_status)
    messages = payload.get("message")
    if not isinstance(messages, list) or not messages:
        raise unreadable(content, http_status, "no message list")
    first = messages[0]
    if isinstance(first, dict):
        # A message-level error: ``{"error": "..."}`` in place of the phones' list.
        _raise_error_field(first, http_status)
        raise unreadable(content, http_status, "a message entry that is not a list")
    if not isinstance(first, list) or not all(isinstance(e, dict) for e in first):
        raise unreadable(content, http_status, "a message entry that is not a list of objects")
    entries = [{k: _text(v) for k, v in e.items()} for e in first]
    return _match_phones(entries, request, http_status, content)


def read_xml_send(
    content: bytes, http_status: int, request: LegacySendRequest
) -> list[SendOutcome]:
    root = _xml_root(content, http_status)
    _raise_xml_error(root, http_status)
    message = root.find("message")
    if message is None:
        raise unreadable(content, http_status, "no <message>")
    _raise_xml_error(message, http_status)
    entries = []
    for info in message.findall("information"):
        entry = dict(info.attrib)
        text = (info.text or "").strip()
        if entry.get("id_message", "0") in ("", "0"):
            # No id: the text is this phone's error, not a status.
            entry["error"] = text
        entries.append(entry)
    return _match_phones(entries, request, http_status, content)


def _match_phones(
    entries: list[dict[str, str]],
    request: LegacySendRequest,
    http_status: int,
    content: bytes,
) -> list[SendOutcome]:
    """Each requested phone's outcome, in the request's order (matched by client id)."""
    by_client_id = {e["client_id_message"]: e for e in entries if e.get("client_id_message")}
    outcomes: list[SendOutcome] = []
    for index, recipient in enumerate(request.phones):
        client_id = recipient.client_id_message
        entry = by_client_id.get(client_id) if client_id else None
        if entry is None and client_id is None and index < len(entries):
            entry = entries[index]
        if entry is None:
            outcomes.append(
                LegacyPhoneError(
                    phone=recipient.phone,
                    client_id_message=client_id,
                    text=_NO_ENTRY_FOR_PHONE,
                    http_status=http_status,
                )
            )
            continue
        outcomes.append(_outcome(entry, recipient.phone, client_id, http_status, content))
    return outcomes


def _outcome(
    entry: Mapping[str, str],
    phone: str,
    client_id: str | None,
    http_status: int,
    content: bytes,
) -> SendOutcome:
    error = entry.get("error")
    id_message = entry.get("id_message", "")
    if error is not None or not id_message.isdigit():
        return LegacyPhoneError(
            phone=phone,
            client_id_message=client_id,
            text=_cut(error or "the platform gave no id for this phone"),
            http_status=http_status,
        )
    count = entry.get("count_message", "")
    return LegacySendResult(
        phone=phone,
        id_message=id_message,
        client_id_message=entry.get("client_id_message") or client_id,
        id_sms=entry.get("id_sms"),
        id_viber=entry.get("id_viber"),
        id_vk=entry.get("id_vk"),
        count_message=int(count) if count.isdigit() else None,
    )


# --- answers: state ---------------------------------------------------------------------


def read_get_state(text: str, http_status: int, id_message: str) -> LegacyState:
    """A plain-text status, or an error text: for this id, unless it is about the request."""
    answer = _cut(text)
    if http_status != 200:
        raise legacy_error(answer, http_status)
    if LegacyStatus.parse(answer) is not None:
        return LegacyState.from_wire(id_message, answer, {})
    error = legacy_error(answer, http_status)
    if not _only_about_the_id(error):
        raise error
    return LegacyState.from_wire(id_message, error.description, {})


def read_json_states(content: bytes, http_status: int, ids: Sequence[str]) -> list[LegacyState]:
    payload = _json_object(content, http_status)
    _raise_error_field(payload, http_status)
    entries = payload.get("state")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise unreadable(content, http_status, "no state list")
    found: dict[str, LegacyState] = {}
    for entry in entries:
        fields = {k: _text(v) for k, v in entry.items()}
        id_message = fields.get("id_message", "")
        found.setdefault(id_message, _state(id_message, fields.get("state", ""), fields))
    return _in_order(found, ids)


def read_xml_states(content: bytes, http_status: int, ids: Sequence[str]) -> list[LegacyState]:
    root = _xml_root(content, http_status)
    _raise_xml_error(root, http_status)
    found: dict[str, LegacyState] = {}
    for element in root.findall("state"):
        id_message = element.get("id_message", "")
        found.setdefault(id_message, _state(id_message, element.text or "", dict(element.attrib)))
    return _in_order(found, ids)


def _state(id_message: str, state: str, fields: Mapping[str, str]) -> LegacyState:
    return LegacyState.from_wire(
        id_message, _cut(state), {k: fields.get(k, "") for k in STATE_FIELDS}
    )


def _in_order(found: Mapping[str, LegacyState], ids: Sequence[str]) -> list[LegacyState]:
    return [found.get(i) or LegacyState(id_message=i, state=None, missing=True) for i in ids]


def _only_about_the_id(error: ProviderAPIError) -> bool:
    # Over GET a state's error text and a request's error text look alike (seed 003,
    # line 57); the request's ones (credentials, identical request, a service that is
    # down) are recognisable and raised, to be asked again; the rest belong to the id
    # ("Сообщение с таким ID не принималось") and are its final state.
    return not isinstance(
        error,
        AuthenticationError
        | PermissionDeniedError
        | IdenticalRequestError
        | ServiceUnavailableError,
    )


# --- shared readers ---------------------------------------------------------------------


def unreadable(content: bytes | str, http_status: int, why: str) -> UnreadableAnswerError:
    """An answer that is not the platform's (a proxy's page, a cut body): whatever was
    asked may have been done, so it is not taken for a refusal."""
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    return UnreadableAnswerError(http_status=http_status, snippet=f"{why}: {text[:200]}")


def _json_object(content: bytes, http_status: int) -> dict[str, Any]:
    try:
        payload = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        if http_status != 200:
            raise legacy_error(_cut(content.decode("utf-8", "replace")), http_status) from None
        raise unreadable(content, http_status, "not JSON") from None
    if not isinstance(payload, dict):
        raise unreadable(content, http_status, "not a JSON object")
    return payload


def _raise_error_field(payload: Mapping[str, Any], http_status: int) -> None:
    if "error" in payload:
        raise legacy_error(_cut(_text(payload["error"])), http_status)
    if http_status != 200:
        raise legacy_error(f"HTTP {http_status}", http_status)


def _xml_root(content: bytes, http_status: int) -> ET.Element:
    try:
        root = parse_document(content)
    except XmlError as exc:
        if http_status != 200:
            raise legacy_error(_cut(content.decode("utf-8", "replace")), http_status) from None
        raise unreadable(content, http_status, str(exc)) from None
    if root.tag != "response":
        raise unreadable(content, http_status, f"<{root.tag}> instead of <response>")
    return root


def _raise_xml_error(element: ET.Element, http_status: int) -> None:
    error = element.find("error")
    if error is not None:
        raise legacy_error(_cut(error.text or ""), http_status)
    if http_status != 200:
        raise legacy_error(f"HTTP {http_status}", http_status)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _cut(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _DESCRIPTION_LIMIT else text[:_DESCRIPTION_LIMIT] + "…"
