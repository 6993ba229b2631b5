"""What the legacy page allows goes through every transport it names: VK by template,
cascades by priority (GET's too), and the JSON/XML send time and campaign name."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from provider.legacy import (
    LegacyChannel,
    LegacyClient,
    LegacySendRequest,
    LegacyStatus,
    Transport,
)
from provider.legacy.rules import TIME_SEND_FORMAT
from provider.sandbox import RunningSandbox
from provider.sandbox.scenarios import MOSCOW
from tests.helpers import phone
from tests.legacy.helpers import legacy_client, poll_until_final

S = LegacyStatus


def viber_vk_sms(last_digit: int) -> LegacySendRequest:
    """The seed's own GET example (seed 003, lines 7 and 33): Viber, then VK, then SMS."""
    return LegacySendRequest(
        phones=[phone(last_digit)],
        send_viber=1,
        send_vk=2,
        send_sms=3,
        sender_viber="Desk",
        text_viber="Код 1234",
        template_id=100,
        template_data={"Name": "Имя", "Where": "Москва"},
        sender_sms="Desk",
        text_sms="Код 1234",
    )


async def test_the_pages_three_channel_cascade_goes_over_every_transport(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    # A number ending in 4: only SMS gets through, so the chain runs to its end.
    sent = await client.send(viber_vk_sms(4))
    [state] = await poll_until_final(client, sandbox, [sent.id_message])

    assert state.state is S.DELIVER
    [record] = sandbox.legacy.messages.values()
    assert record.transport == client.transport
    assert record.message.channels() == [LegacyChannel.VIBER, LegacyChannel.VK, LegacyChannel.SMS]
    snapshot = sandbox.legacy.snapshot(sent.id_message)
    assert [snapshot.channels[c] for c in record.message.channels()] == [
        S.EXPIRED,
        S.NOT_DELIVER,
        S.DELIVER,
    ]
    if client.transport == "get":
        # GET answers the overall state alone (seed 003, lines 44-56): a card following a
        # GET cascade knows how it ended, not which channel carried it.
        assert (state.state_viber, state.state_vk, state.state_sms) == (None, None, None)
    else:
        assert (state.state_viber, state.state_vk, state.state_sms) == (
            S.EXPIRED,
            S.NOT_DELIVER,
            S.DELIVER,
        )


async def test_vk_goes_by_its_template_over_every_transport(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    request = LegacySendRequest(
        phones=[phone(0)],
        send_vk=1,
        template_id=100,
        template_data={"Name": "Имя", "Where": "Москва", "Code": 1234},
    )

    sent = await client.send(request)
    [state] = await poll_until_final(client, sandbox, [sent.id_message])

    assert state.state is S.DELIVER
    [record] = sandbox.legacy.messages.values()
    assert record.message.template_id == 100
    assert record.message.template_data == {"Name": "Имя", "Where": "Москва", "Code": "1234"}


@pytest.mark.parametrize("transport", ["json", "xml"])
async def test_send_time_and_campaign_name_reach_the_platform(
    sandbox: RunningSandbox, transport: Transport
) -> None:
    # time_send is "YYYY-MM-DD hh:mm" (seed 003, line 74), platform time; an hour ahead
    # the message waits at `send`.
    later = (datetime.now(MOSCOW) + timedelta(hours=1)).replace(
        tzinfo=None, second=0, microsecond=0
    )
    request = LegacySendRequest(
        phones=[phone(0)],
        send_sms=1,
        text_sms="Код 1234",
        name_delivery="Проверка поддержки",
        time_send=later.strftime(TIME_SEND_FORMAT),
    )
    async with legacy_client(sandbox, transport) as client:
        sent = await client.send(request)
        [state] = await client.states([sent.id_message])

    [record] = sandbox.legacy.messages.values()
    assert record.message.name_delivery == "Проверка поддержки"
    assert record.message.time_send == later
    assert state.state is S.SEND
    assert later.strftime(TIME_SEND_FORMAT) in sandbox.legacy.received[0].raw


async def test_what_the_page_sets_no_bound_for_is_taken(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    # No range for validity_period_viber (line 25), no form for button_url and image_url
    # (lines 18-19), no SMS limit (line 24), client_id_message "a number" (line 98).
    request = LegacySendRequest(
        phones=[{"phone": phone(0), "client_id_message": "9" * 25}],
        send_viber=1,
        send_sms=2,
        text_viber="Код 1234",
        button_text="Открыть",
        button_url="viber://pa?chatURI=desk",
        image_url="cdn.example/desk.png",
        validity_period_viber=2880,
        text_sms="Код 1234 " + "x" * 2100,
    )
    if client.transport == "get":
        request = request.model_copy(update={"text_sms": "Код 1234 " + "x" * 600})

    sent = await client.send(request)

    [record] = sandbox.legacy.messages.values()
    assert record.id_message == sent.id_message
    assert record.message.validity_minutes() == 2880
