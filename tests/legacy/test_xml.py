"""XML on one line both ways, and untrusted XML read without DTDs or entities."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from provider.errors import UnreadableAnswerError
from provider.legacy import LegacySendRequest
from provider.legacy.rules import XML_SEND_PATH, XML_STATE_PATH
from provider.legacy.xmldoc import XmlError, parse_document
from provider.sandbox import RunningSandbox
from tests.helpers import phone, serving
from tests.legacy.helpers import legacy_client

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<request><security><login value='sandbox'/><password value='sandbox'/></security>"
    b"<state><id_message>&lol2;</id_message></state></request>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<response><state id_message='1'>&x;</state></response>"
)


async def test_line_breaks_in_data_travel_as_backslash_n_on_a_single_line(
    sandbox: RunningSandbox,
) -> None:
    request = LegacySendRequest(
        phones=[phone(0)],
        send_viber=1,
        text_viber="Line 1\nLine 2\r\nLine 3",
        send_sms=2,
        text_sms="Код:\n1234",
    )
    async with legacy_client(sandbox, "xml") as client:
        await client.send(request)

    [received] = sandbox.legacy.received
    assert "\n" not in received.raw
    assert "\r" not in received.raw
    assert "<text_viber>Line 1\\nLine 2\\nLine 3</text_viber>" in received.raw
    [record] = sandbox.legacy.messages.values()
    assert record.message.text_viber == "Line 1\nLine 2\nLine 3"
    assert record.message.text_sms == "Код:\n1234"


async def test_the_sandbox_refuses_xml_with_a_line_break(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<request><security><login value="sandbox"/>'
        '<password value="sandbox"/></security><state><id_message>1</id_message></state>'
        "</request>"
    )

    answer = await http.post(sandbox.base_url + XML_STATE_PATH, content=body.encode())

    assert answer.status_code == 200
    assert answer.text.startswith('<?xml version="1.0" encoding="utf-8"?><response><error>')
    assert "переводов строки" in answer.text


@pytest.mark.parametrize("path", [XML_SEND_PATH, XML_STATE_PATH])
async def test_the_sandbox_refuses_a_doctype_without_expanding_anything(
    sandbox: RunningSandbox, http: httpx.AsyncClient, path: str
) -> None:
    answer = await http.post(sandbox.base_url + path, content=BILLION_LAUGHS)

    assert "<error>" in answer.text
    assert "DOCTYPE" in answer.text
    assert "lollol" not in answer.text
    assert sandbox.legacy.received[0].operation is None


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_the_parser_stops_at_the_doctype(document: bytes) -> None:
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_document(document)


@pytest.mark.parametrize(
    "document",
    [b"", b"<response>", b"not xml", b"<a>" + b"x" * (1 << 20) + b"</a>"],
    ids=["empty", "unclosed", "text", "too long"],
)
def test_the_parser_refuses_what_is_not_a_document(document: bytes) -> None:
    with pytest.raises(XmlError):
        parse_document(document)


def test_the_parser_reads_utf8_whatever_the_declaration_says() -> None:
    root = parse_document('<?xml version="1.0" encoding="windows-1251"?><r>Москва</r>'.encode())
    assert root.text == "Москва"


@pytest.fixture
async def hostile_platform() -> AsyncIterator[str]:
    """A peer answering every XML state request with an entity attack."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(body=EXTERNAL_ENTITY, content_type="text/xml")

    app = web.Application()
    app.router.add_post(XML_STATE_PATH, answer)
    async with serving(app) as base_url:
        yield base_url


async def test_the_client_refuses_an_answer_with_a_doctype(
    hostile_platform: str, sandbox: RunningSandbox
) -> None:
    async with legacy_client(sandbox, "xml", base_url=hostile_platform) as client:
        with pytest.raises(UnreadableAnswerError) as caught:
            await client.states(["1"])

    assert "DOCTYPE" in (caught.value.snippet or "")
