"""Sends and polled states over GET, JSON and XML against the sandbox, on loopback."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from provider.errors import BadRequestError
from provider.legacy import (
    ERROR_STATE,
    LegacyClient,
    LegacyPhoneError,
    LegacyRecipient,
    LegacySendRequest,
    LegacySendResult,
    LegacyState,
    LegacyStatus,
    Transport,
)
from provider.legacy.rules import UNKNOWN_ID_TEXT, LegacyChannel
from provider.sandbox import RunningSandbox
from tests.helpers import phone
from tests.legacy.helpers import legacy_client, poll_until_final, sms_to, viber_then_sms

S = LegacyStatus

# (request, overall, per channel {sms, viber, vk}) by the sandbox's outcome digits.
OUTCOMES: dict[str, tuple[LegacySendRequest, LegacyStatus, tuple[LegacyStatus, ...]]] = {
    "0 sms delivered": (sms_to(0), S.DELIVER, (S.DELIVER, S.SEND, S.SEND)),
    "1 sms absent subscriber = expired": (sms_to(1), S.EXPIRED, (S.EXPIRED, S.SEND, S.SEND)),
    "1 vk undelivered = not_deliver": (
        LegacySendRequest(phones=[phone(1)], send_vk=1, template_id=100),
        S.NOT_DELIVER,
        (S.SEND, S.SEND, S.NOT_DELIVER),
    ),
    "3 viber never a status = partly_deliver at its lifetime": (
        LegacySendRequest(phones=[phone(3)], send_viber=1, text_viber="x", validity_period_viber=1),
        S.PARTLY_DELIVER,
        (S.SEND, S.PARTLY_DELIVER, S.SEND),
    ),
    "4 viber fails, cascade to sms delivers": (
        viber_then_sms(4),
        S.DELIVER,
        (S.DELIVER, S.EXPIRED, S.SEND),
    ),
    "2 viber unread with finale_viber_read falls through to sms": (
        viber_then_sms(2, finale_viber_read=True, validity_period_viber=1),
        S.DELIVER,
        (S.DELIVER, S.DELIVER, S.SEND),
    ),
    "0 viber read with finale_viber_read ends the chain": (
        viber_then_sms(0, finale_viber_read=True),
        S.DELIVER,
        (S.SEND, S.DELIVER, S.SEND),
    ),
    "2 viber delivered without finale_viber_read ends the chain": (
        viber_then_sms(2),
        S.DELIVER,
        (S.SEND, S.DELIVER, S.SEND),
    ),
}


@pytest.mark.parametrize(("request_", "overall", "channels"), OUTCOMES.values(), ids=OUTCOMES)
async def test_a_send_is_polled_until_its_scripted_final_state(
    client: LegacyClient,
    sandbox: RunningSandbox,
    request_: LegacySendRequest,
    overall: LegacyStatus,
    channels: tuple[LegacyStatus, ...],
) -> None:
    sent = await client.send(request_)
    [state] = await poll_until_final(client, sandbox, [sent.id_message])

    assert state.state is overall
    assert state.is_final
    assert state.error is None
    [record] = sandbox.legacy.messages.values()
    assert record.id_message == sent.id_message
    assert record.phone == request_.phones[0].phone
    if client.transport == "get":
        # GET answers the overall status only.
        assert (state.state_sms, state.state_viber, state.state_vk) == (None, None, None)
        return
    assert (state.state_sms, state.state_viber, state.state_vk) == channels
    assert state.time_change_state is not None


async def test_json_and_xml_answer_per_channel_ids_prices_and_parts(
    sandbox: RunningSandbox,
) -> None:
    for transport in ("json", "xml"):
        async with legacy_client(sandbox, transport) as client:
            sent = await client.send(viber_then_sms(4, text_sms="Код 1234 " * 10))
            [state] = await poll_until_final(client, sandbox, [sent.id_message])

        assert sent.client_id_message is not None
        assert sent.id_viber not in (None, "0")
        assert sent.id_sms not in (None, "0")
        assert sent.id_vk == "0"
        assert state.num_parts_sms == 2  # 90 Cyrillic characters: two UCS-2 parts
        assert state.price_viber == Decimal("1.20")
        assert state.price_sms == Decimal("5.00")
        assert state.price_vk == Decimal(0)


async def test_a_state_is_send_until_the_clock_moves(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    sent = await client.send(sms_to(3))  # 3: never a final status within the lifetime

    [state] = await client.states([sent.id_message])

    assert state.state is LegacyStatus.SEND
    assert not state.is_final


async def test_states_come_in_the_order_asked_with_unknown_ids_as_final_errors(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    sent = [await client.send(sms_to(digit)) for digit in (0, 1, 4)]
    ids = [s.id_message for s in sent]

    states = await poll_until_final(client, sandbox, ids)
    [unknown] = await client.states(["123"])

    assert [s.id_message for s in states] == ids
    assert [s.state for s in states] == [S.DELIVER, S.EXPIRED, S.DELIVER]
    assert unknown.state is None
    assert unknown.error == UNKNOWN_ID_TEXT
    # The page: a state that is not a status is the message's error text (seed 003,
    # lines 302-303); asking again would say the same, so the poller may finish the send.
    assert unknown.is_final
    assert unknown.status_name == ERROR_STATE
    assert not unknown.missing


async def test_json_and_xml_ask_many_ids_in_one_request_get_one_per_request(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    ids = [(await client.send(sms_to(digit))).id_message for digit in (0, 6)]
    before = len(sandbox.legacy.received)

    await client.states([*ids, "999"])

    state_requests = sandbox.legacy.received[before:]
    asked = [r.id_messages for r in state_requests]
    if client.transport == "get":
        assert asked == [[ids[0]], [ids[1]], ["999"]]
    else:
        assert asked == [[*ids, "999"]]


async def test_several_phones_get_one_id_each(client: LegacyClient) -> None:
    request = LegacySendRequest(phones=[phone(0), phone(6)], send_sms=1, text_sms="Code 1234")

    outcomes = await client.send_many(request)

    assert all(isinstance(o, LegacySendResult) for o in outcomes)
    assert [o.phone for o in outcomes] == [phone(0), phone(6)]
    assert len({o.id_message for o in outcomes if isinstance(o, LegacySendResult)}) == 2


@pytest.mark.parametrize("transport", ["json", "xml"])
async def test_a_refused_phone_is_its_own_error_the_others_are_sent(
    sandbox: RunningSandbox, transport: Transport
) -> None:
    # model_construct skips our rules: a number only the platform refuses.
    bad = LegacyRecipient.model_construct(phone="12", client_id_message="501")
    good = LegacyRecipient(phone=phone(0), client_id_message="502")
    request = LegacySendRequest.model_construct(**_fields(sms_to(0)), phones=(bad, good))
    async with legacy_client(sandbox, transport) as client:
        refused, accepted = await client.send_many(request)

    assert isinstance(refused, LegacyPhoneError)
    assert (refused.phone, refused.client_id_message) == ("12", "501")
    assert "too short" in refused.text
    assert isinstance(accepted, LegacySendResult)
    assert accepted.client_id_message == "502"
    assert [r.phone for r in sandbox.legacy.messages.values()] == [phone(0)]


@pytest.mark.parametrize("transport", ["json", "xml"])
async def test_a_client_id_reused_for_other_content_is_refused_for_that_phone(
    sandbox: RunningSandbox, transport: Transport
) -> None:
    first = sms_to(0, phones=[LegacyRecipient(phone=phone(0), client_id_message="77")])
    other = sms_to(0, text="Other text", phones=[first.phones[0]])
    async with legacy_client(sandbox, transport) as client:
        await client.send(first)
        with pytest.raises(LegacyPhoneError) as caught:
            await client.send(other)

    assert caught.value.client_id_message == "77"
    assert caught.value.partner_id == "77"
    assert "client_id_message" in caught.value.text
    assert str(caught.value).startswith("phone *******4560: ")
    assert len(sandbox.legacy.messages) == 1


async def test_get_refuses_a_bad_phone_for_the_whole_request(sandbox: RunningSandbox) -> None:
    request = LegacySendRequest.model_construct(
        **_fields(sms_to(0)),
        phones=(LegacyRecipient(phone=phone(0)), LegacyRecipient.model_construct(phone="12")),
    )
    async with legacy_client(sandbox, "get") as client:
        with pytest.raises(BadRequestError) as caught:
            await client.send_many(request)

    assert "too short" in caught.value.description
    assert not sandbox.legacy.messages


def test_channel_ids_read_by_channel() -> None:
    result = LegacySendResult(
        phone=phone(0), id_message="1", client_id_message=None, id_sms="2", id_viber="0"
    )
    assert result.channel_id(LegacyChannel.SMS) == "2"
    assert result.channel_id(LegacyChannel.VK) is None


def _fields(request: LegacySendRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in type(request).model_fields if name != "phones"}


async def test_a_get_url_past_the_advised_length_is_sent_with_a_warning(
    sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    async with legacy_client(sandbox, "get") as client:
        await client.send(sms_to(0, text="x" * 1990))

    assert "event=legacy_long_url" in caplog.text
    assert len(sandbox.legacy.messages) == 1


async def test_the_sandbox_summary_tells_what_the_legacy_api_did(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    sent = await client.send(viber_then_sms(4))

    summary = sandbox.summary()["legacy"]

    [message] = summary["messages"]
    assert message["idMessage"] == sent.id_message
    assert (message["outcome"], message["channels"]) == ("sms-only", ["viber", "sms"])
    assert [r["operation"] for r in summary["received"]] == ["send"]


@pytest.mark.parametrize("answered", ["", "  "])
def test_an_empty_state_says_nothing_and_is_asked_again(answered: str) -> None:
    state = LegacyState.from_wire("111", answered, {})

    assert (state.state, state.error, state.missing) == (None, None, True)
    assert not state.is_final
    assert state.status_name is None
