"""The sandbox's side of the three legacy transports: requests in, answers out.

Every request becomes a `SendCall` or a `StateCall` (or a `BadCall` refusal) in one shape,
the JSON one, so the rules are checked once whatever the transport. Answers are written
exactly in the page's shapes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from multidict import MultiMapping

from provider.legacy.xmldoc import XmlError, data_text, parse_document, sub, to_document
from provider.sandbox.legacy.texts import (
    BAD_JSON,
    BAD_XML,
    NO_OPERATION,
    XML_LINE_BREAKS,
)

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Credentials:
    login: object
    password: object

    def as_body(self) -> dict[str, object]:
        """The shape `Account.refusal` reads."""
        return {"login": self.login, "password": self.password}


@dataclass(frozen=True, slots=True)
class SendCall:
    credentials: Credentials
    messages: list[object]
    """Each a JSON-shaped message: fields plus ``phones`` [{phone, client_id_message}]."""


@dataclass(frozen=True, slots=True)
class StateCall:
    credentials: Credentials
    ids: list[str]


class BadCall(Exception):
    """A request the platform cannot even read; answered with `text` as an error."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


Call = SendCall | StateCall


# --- requests ---------------------------------------------------------------------------


def read_get(query: MultiMapping[str]) -> Call:
    credentials = Credentials(query.get("login"), query.get("password"))
    if "phone" in query:
        fields: JsonObject = {k: v for k, v in query.items() if k not in ("login", "password")}
        phones = str(fields.pop("phone")).split(",")
        fields["phones"] = [{"phone": p} for p in phones]
        return SendCall(credentials, [fields])
    if "id_message" in query:
        return StateCall(credentials, [str(query["id_message"])])
    raise BadCall(NO_OPERATION)


def read_json(raw: bytes) -> Call:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadCall(BAD_JSON) from None
    if not isinstance(body, dict):
        raise BadCall(BAD_JSON)
    credentials = Credentials(body.get("login"), body.get("password"))
    if isinstance(body.get("message"), list):
        return SendCall(credentials, list(body["message"]))
    if isinstance(body.get("state"), list):
        ids = [_id_of(entry) for entry in body["state"]]
        return StateCall(credentials, ids)
    raise BadCall(NO_OPERATION)


def read_xml(raw: bytes, *, operation: str) -> Call:
    """`operation` is the endpoint's: ``send`` (/xml/message.php) or ``state``."""
    if b"\n" in raw or b"\r" in raw:
        raise BadCall(XML_LINE_BREAKS)
    try:
        root = parse_document(raw)
    except XmlError as exc:
        raise BadCall(f"{BAD_XML}: {exc}") from None
    if root.tag != "request":
        raise BadCall(f"{BAD_XML}: <request> expected")
    credentials = Credentials(_value(root, "security/login"), _value(root, "security/password"))
    if operation == "send":
        messages: list[object] = [_xml_message(m) for m in root.findall("message")]
        if not messages:
            raise BadCall(NO_OPERATION)
        return SendCall(credentials, messages)
    state = root.find("state")
    if state is None:
        raise BadCall(NO_OPERATION)
    return StateCall(credentials, [(e.text or "").strip() for e in state.findall("id_message")])


def _xml_message(element: ET.Element) -> JsonObject:
    fields: JsonObject = {}
    phones: list[JsonObject] = []
    for child in element:
        if child.tag == "abonent":
            phones.append(dict(child.attrib))
        elif child.tag == "templateData":
            fields[child.tag] = {c.tag: data_text(c.text or "") for c in child}
        else:
            fields[child.tag] = data_text(child.text or "")
    fields["phones"] = phones
    return fields


def _value(root: ET.Element, path: str) -> str | None:
    element = root.find(path)
    return None if element is None else element.get("value")


def _id_of(entry: object) -> str:
    if isinstance(entry, dict):
        value = entry.get("id_message")
        return "" if value is None else str(value)
    return ""


# --- masking what is kept ---------------------------------------------------------------

_MASKS = {
    "get": re.compile(r"(?i)((?:^|&)password=)[^&]*"),
    "json": re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"'),
    "xml": re.compile(r'(<password\s+value=)"[^"]*"'),
}
_REPLACEMENTS = {"get": r"\g<1>***", "json": r'\g<1>"***"', "xml": r'\g<1>"***"'}


def masked(transport: str, raw: str) -> str:
    """The request as received, the password replaced by ``***`` (kept for tests)."""
    return _MASKS[transport].sub(_REPLACEMENTS[transport], raw)


# --- answers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Accepted:
    id_message: str
    client_id_message: str | None
    phone: str
    count_message: int
    id_viber: str
    id_sms: str
    id_vk: str


@dataclass(frozen=True, slots=True)
class PhoneRefused:
    phone: str
    client_id_message: str | None
    text: str


@dataclass(frozen=True, slots=True)
class MessageRefused:
    text: str


MessageAnswer = list[Accepted | PhoneRefused] | MessageRefused


@dataclass(frozen=True, slots=True)
class StateRow:
    id_message: str
    state: str
    """A status, or the error text for an id that is not known."""
    fields: Mapping[str, str]
    """time_change_state, state_sms, state_viber, state_vk, num_parts_sms, price_*."""


@dataclass(frozen=True, slots=True)
class Answer:
    body: bytes
    content_type: str


def error_answer(transport: str, text: str) -> Answer:
    if transport == "get":
        return _text(f"error: {text}")
    if transport == "json":
        return _json({"error": text})
    root = ET.Element("response")
    sub(root, "error", text)
    return _xml(root)


def send_answer(transport: str, messages: Sequence[MessageAnswer]) -> Answer:
    if transport == "get":
        # GET sends one message, and refuses it whole: ids, or one error.
        [answer] = messages
        if isinstance(answer, MessageRefused):
            return error_answer(transport, answer.text)
        refused = [a for a in answer if isinstance(a, PhoneRefused)]
        if refused:
            return error_answer(transport, refused[0].text)
        return _text(",".join(a.id_message for a in answer if isinstance(a, Accepted)))
    if transport == "json":
        return _json({"message": [_json_message(m) for m in messages]})
    root = ET.Element("response")
    for answer in messages:
        message = sub(root, "message")
        if isinstance(answer, MessageRefused):
            sub(message, "error", answer.text)
            continue
        for item in answer:
            if isinstance(item, Accepted):
                sub(
                    message,
                    "information",
                    "send",
                    id_message=item.id_message,
                    client_id_message=item.client_id_message or "",
                    id_sms=item.id_sms,
                    id_viber=item.id_viber,
                    id_vk=item.id_vk,
                    phone=item.phone,
                )
            else:
                attrs = {"client_id_message": item.client_id_message or "", "phone": item.phone}
                sub(message, "information", item.text, **attrs)
    return _xml(root)


def _json_message(answer: MessageAnswer) -> object:
    if isinstance(answer, MessageRefused):
        return {"error": answer.text}
    entries: list[dict[str, str]] = []
    for item in answer:
        if isinstance(item, Accepted):
            entries.append(
                {
                    "id_message": item.id_message,
                    "client_id_message": item.client_id_message or "",
                    "phone": item.phone,
                    "count_message": str(item.count_message),
                    "id_viber": item.id_viber,
                    "id_sms": item.id_sms,
                    "id_vk": item.id_vk,
                }
            )
        else:
            entries.append(
                {
                    "client_id_message": item.client_id_message or "",
                    "phone": item.phone,
                    "error": item.text,
                }
            )
    return entries


def state_answer(transport: str, rows: Sequence[StateRow]) -> Answer:
    if transport == "get":
        [row] = rows
        return _text(row.state)
    if transport == "json":
        return _json({"state": [{"id_message": r.id_message, **_json_fields(r)} for r in rows]})
    root = ET.Element("response")
    for row in rows:
        sub(root, "state", row.state, id_message=row.id_message, **row.fields)
    return _xml(root)


def _json_fields(row: StateRow) -> dict[str, str]:
    fields = dict(row.fields)
    # The page's JSON order: time_change_state, state, then the channels.
    return {"time_change_state": fields.pop("time_change_state", ""), "state": row.state, **fields}


def _text(text: str) -> Answer:
    return Answer(text.encode("utf-8"), "text/plain")


def _json(payload: object) -> Answer:
    return Answer(json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json")


def _xml(root: ET.Element) -> Answer:
    return Answer(to_document(root), "text/xml")
