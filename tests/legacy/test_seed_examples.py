"""Every example of the legacy API page, placeholders filled in and nothing else changed.

Requests must parse with the models and be accepted by the sandbox; answers must be read
by the client's readers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pydantic import ValidationError

from provider.errors import BadRequestError
from provider.legacy import (
    ERROR_STATE,
    IdenticalRequestError,
    LegacyChannel,
    LegacyPhoneError,
    LegacySendRequest,
    LegacySendResult,
    LegacyStatus,
    wire,
)
from provider.legacy.rules import (
    GET_PATH,
    IDENTICAL_REQUEST_TEXT,
    JSON_PATH,
    UNKNOWN_ID_TEXT,
    XML_SEND_PATH,
    XML_STATE_PATH,
)
from provider.sandbox import RunningSandbox
from provider.violations import describe

EXAMPLES = Path(__file__).parent / "seed_examples"

REQUEST_VALUES = {
    "ИМЯ_ОТПРАВИТЕЛЯ_ВАЙБЕР": "DeskViber",
    "ИМЯ_ОТПРАВИТЕЛЯ_СМС": "DeskSMS",
    "ВРЕМЯ_ЖИЗНИ_ВАЙБЕР_СООБЩЕНИЯ": "60",
    "ФИНАЛЬНЫЙ_СТАТУС_ДОСТАВКИ_КАК_ПРОЧИТАНО": "1",
    "НАЗВАНИЕ_РАССЫЛКИ": "Desk test",
    "ВРЕМЯ_ОТПРАВКИ": "2017-11-23 13:00",
    "ТЕКСТ_ВАЙБЕР": "Код 1234",
    "ТЕКСТ_КНОПКИ": "Открыть",
    "ССЫЛКА_КНОПКИ": "https://example.com/desk",
    "ИЗОБРАЖЕНИЕ": "https://example.com/desk.png",
    "ТЕКСТ_СМС": "Код 1234",
    "ТЕЛЕФОН": "79001234560",
    "ЛОГИН": "sandbox",
    "ПАРОЛЬ": "sandbox",
    "логин": "sandbox",
    "пароль": "sandbox",
    '"login":"login"': '"login":"sandbox"',
    '"password":"password"': '"password":"sandbox"',
}

# Answers: a placeholder given several values takes them one occurrence after another.
ANSWER_VALUES: dict[str, str | list[str]] = {
    "ID сообщения в системе для проверки статуса": ["1179038981", "1179038982"],
    "ID сообщения на стороне клиента": ["111", "112", "113"],
    "Номер телефона получателя сообщения": ["79801234567", "79800000001", "79800000002"],
    "Количество частей в сообщении": "1",
    "ID VIBER сообщения": "1179038990",
    "ID SMS": "1179038991",
    "ID VK сообщения": "0",
    "ID сообщения в системе": ["111", "112", "113"],
    "Время последней смены состояния": "2017-11-23 13:15:25",
    "Общий статус сообщения": "deliver",
    "Статус SMS": "deliver",
    "Статус VIBER сообщения": "expired",
    "Статус VK сообщения": "send",
    "Количество часте SMS сообщения": "1",
    "Цена SMS сообщение": "2.50",
    "Цена VIBER сообщение": "1.20",
    "Цена VK сообщение": "0",
    ">Статус<": ">deliver<",
}


def filled(name: str, values: dict[str, str | list[str]] | dict[str, str]) -> str:
    text = (EXAMPLES / name).read_text(encoding="utf-8").strip()
    # Longest first: "ID сообщения в системе" must not eat "... для проверки статуса".
    for placeholder in sorted(values, key=len, reverse=True):
        value = values[placeholder]
        for item in value if isinstance(value, list) else [value]:
            text = text.replace(placeholder, item, 1 if isinstance(value, list) else -1)
    return text


def json_send_example() -> str:
    # The page's JSON has PHP's `=>` in three places; JSON needs `:` (see the README).
    return filled("003_send.request.json", REQUEST_VALUES).replace(" => ", ":")


def test_every_example_of_the_page_is_here() -> None:
    # 12 request/answer documents, and the GET plain-text answers: one id, ids for two
    # phones, a status, the identical-request error and a state that is an error text.
    assert len(list(EXAMPLES.glob("003_*"))) == 17


# -- GET ---------------------------------------------------------------------------------


def test_the_get_send_example_parses_with_the_model() -> None:
    query = urlsplit(filled("003_send.get.url", REQUEST_VALUES)).query
    fields = {k: v for k, v in parse_qsl(query) if k not in ("login", "password")}

    request = LegacySendRequest.model_validate(fields)

    assert request.channels() == [LegacyChannel.VIBER, LegacyChannel.VK, LegacyChannel.SMS]
    assert request.template_data == {"Name": "Имя", "Where": "Москва"}
    assert request.validity_minutes() == 60
    assert request.finale_viber_read is False


async def test_the_get_examples_are_accepted_by_the_sandbox(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    host = {"https://имя_хоста": sandbox.base_url}
    send = await http.get(filled("003_send.get.url", {**REQUEST_VALUES, **host}))
    state = await http.get(
        filled("003_state.get.url", {**REQUEST_VALUES, **host, "ID_СООБЩЕНИЯ": send.text})
    )

    assert send.text.isdigit()
    assert send.url.path == GET_PATH
    assert LegacyStatus.parse(state.text) in (LegacyStatus.SEND, LegacyStatus.DELIVER)
    [record] = sandbox.legacy.messages.values()
    assert record.message.template_data == {"Name": "Имя", "Where": "Москва"}
    # The page's own GET example is a cascade, Viber > VK > SMS (line 33).
    assert record.message.channels() == [LegacyChannel.VIBER, LegacyChannel.VK, LegacyChannel.SMS]


ONE_PHONE = LegacySendRequest(phones=["79801234567"], send_sms=1, text_sms="x")
TWO_PHONES = LegacySendRequest(phones=["79801234567", "79800000001"], send_sms=1, text_sms="x")


def test_the_get_send_answers_are_one_id_per_phone() -> None:
    [one] = wire.read_get_send(filled("003_send.response.get.txt", {}), 200, ONE_PHONE)
    first, second = wire.read_get_send(
        filled("003_send_many.response.get.txt", {}), 200, TWO_PHONES
    )

    assert isinstance(one, LegacySendResult)
    assert one.id_message == "1179038981"
    assert isinstance(first, LegacySendResult)
    assert isinstance(second, LegacySendResult)
    assert (first.id_message, second.id_message) == ("1178440060", "1178440061")


def test_the_get_state_answer_is_a_status_and_final() -> None:
    state = wire.read_get_state(filled("003_state.response.get.txt", {}), 200, "1179038981")

    assert state.state is LegacyStatus.DELIVER
    assert state.is_final


def test_the_get_identical_request_answer_is_its_own_error() -> None:
    with pytest.raises(IdenticalRequestError) as caught:
        wire.read_get_state(filled("003_identical.response.get.txt", {}), 200, "1179038981")

    # The page writes it "error: ..." (line 3); the prefix is the transport's, not the text.
    assert caught.value.description == IDENTICAL_REQUEST_TEXT


@pytest.mark.parametrize("transport", ["get", "003_state.response.json", "003_state.response.xml"])
def test_a_state_that_is_an_error_text_is_final_in_every_transport(transport: str) -> None:
    # "ДРУГОЕ: ... статус означает текст ошибки" (lines 302-303): the page's example.
    text = filled("003_state_other.response.get.txt", {})
    if transport == "get":
        state = wire.read_get_state(text, 200, "111")
    else:
        values = {**ANSWER_VALUES, "Общий статус сообщения": text, ">Статус<": f">{text}<"}
        content = filled(transport, values).encode()
        read = wire.read_json_states if transport.endswith("json") else wire.read_xml_states
        state, _ = read(content, 200, ["111", "112"])

    assert state.state is None
    assert state.error == UNKNOWN_ID_TEXT
    assert state.is_final
    assert state.status_name == ERROR_STATE


# -- JSON --------------------------------------------------------------------------------


def test_the_json_send_example_parses_except_its_message_without_a_channel() -> None:
    messages = json.loads(json_send_example())["message"]

    first = LegacySendRequest.model_validate(messages[0])
    second = LegacySendRequest.model_validate(messages[1])
    with pytest.raises(ValidationError) as caught:
        LegacySendRequest.model_validate(messages[2])

    assert [p.client_id_message for p in first.phones] == ["111", "112"]
    assert first.name_delivery == "Desk test"
    assert first.finale_viber_read is True
    assert second.channels() == [LegacyChannel.VIBER]
    assert [v.rule for v in describe(caught.value)] == ["no_channel"]


async def test_the_json_examples_are_answered_in_the_pages_shape(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    url = sandbox.base_url + JSON_PATH
    send = (await http.post(url, content=json_send_example().encode())).json()
    state = (
        await http.post(url, content=filled("003_state.request.json", REQUEST_VALUES).encode())
    ).json()

    first, second, third = send["message"]
    assert [(e["phone"], e["client_id_message"]) for e in first + second] == [
        ("79801234567", "111"),
        ("79800000001", "112"),
        ("79800000002", "113"),
    ]
    assert all(e["id_message"].isdigit() and e["count_message"] == "1" for e in first)
    assert "no channel is chosen" in third["error"]
    assert [s["id_message"] for s in state["state"]] == ["111", "112"]
    assert all(s["time_change_state"] == "" for s in state["state"])


# -- XML ---------------------------------------------------------------------------------


async def test_the_xml_examples_are_answered_in_the_pages_shape(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    send = await http.post(
        sandbox.base_url + XML_SEND_PATH,
        content=filled("003_send.request.xml", REQUEST_VALUES).encode(),
    )
    state = await http.post(
        sandbox.base_url + XML_STATE_PATH,
        content=filled("003_state.request.xml", REQUEST_VALUES).encode(),
    )

    assert send.text.count("<message>") == 3
    assert send.text.count('<information id_message="') == 3
    assert send.text.endswith(
        "</message><message><error>no channel is chosen: set send_viber, "
        "send_vk or send_sms to a priority from 1 to 9</error></message>"
        "</response>"
    )
    assert state.text.count('<state id_message="') == 3
    assert "\n" not in send.text + state.text
    [first, *_] = sandbox.legacy.messages.values()
    assert first.message.template_data == {"Name": "Имя", "Where": "Москва"}
    assert first.message.time_send is not None


# -- answers, read by the client ---------------------------------------------------------

FIRST_MESSAGE = LegacySendRequest(
    phones=[
        {"phone": "79801234567", "client_id_message": "111"},
        {"phone": "79800000001", "client_id_message": "112"},
    ],
    send_sms=1,
    text_sms="x",
)


@pytest.mark.parametrize("name", ["003_send.response.json", "003_send.response.xml"])
def test_the_send_answer_examples_are_read_per_phone(name: str) -> None:
    content = filled(name, ANSWER_VALUES).encode()
    read = wire.read_json_send if name.endswith("json") else wire.read_xml_send

    accepted, refused = read(content, 200, FIRST_MESSAGE)

    assert isinstance(accepted, LegacySendResult)
    assert (accepted.id_message, accepted.client_id_message) == ("1179038981", "111")
    assert (accepted.id_viber, accepted.id_sms, accepted.id_vk) == ("1179038990", "1179038991", "0")
    assert isinstance(refused, LegacyPhoneError)
    assert refused.client_id_message == "112"
    assert refused.text in (
        "Ошибка в отправке сообщения на указанный номер",
        "Статус/сообщение об ошибке",
    )


@pytest.mark.parametrize("name", ["003_state.response.json", "003_state.response.xml"])
def test_the_state_answer_examples_are_read(name: str) -> None:
    content = filled(name, ANSWER_VALUES).encode()
    read = wire.read_json_states if name.endswith("json") else wire.read_xml_states

    states = read(content, 200, ["111", "112"])

    assert [s.id_message for s in states] == ["111", "112"]
    state = states[0]
    assert state.state is LegacyStatus.DELIVER
    assert (state.state_sms, state.state_viber, state.state_vk) == (
        LegacyStatus.DELIVER,
        LegacyStatus.EXPIRED,
        LegacyStatus.SEND,
    )
    assert state.time_change_state is not None
    assert state.time_change_state.isoformat() == "2017-11-23T13:15:25"
    assert (state.num_parts_sms, state.price_sms, state.price_vk) == (
        1,
        Decimal("2.50"),
        Decimal(0),
    )


@pytest.mark.parametrize("name", ["003_error.response.json", "003_error.response.xml"])
def test_the_error_answer_examples_are_bad_requests(name: str) -> None:
    content = filled(name, {}).encode()
    read = wire.read_json_states if name.endswith("json") else wire.read_xml_states

    with pytest.raises(BadRequestError) as caught:
        read(content, 200, ["111"])

    assert caught.value.description == "текст ошибки"
