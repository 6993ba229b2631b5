"""One ✅, one message: every fault between the bot and the platform, with the account's
duplicate control off and on, through a real proxy on loopback (tests/fault_proxy.py).

For each fault the sandbox's ledger holds exactly one send per ✅ (none when the
connection was refused), and the card says what happened: accepted (mtNum), unknown ("the
platform may have it", never "refused"), or not sent (the form stays).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import AccountConfig, ProviderApi
from playground import Playground
from playground.users import PlaygroundUser
from playground.views import MessageView
from provider.legacy.rules import JSON_PATH, XML_SEND_PATH
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from storage import SendState
from tests.bot.conftest import SENDERS, Desk, make_settings, running_desk
from tests.bot.test_legacy import poll_interval
from tests.conftest import SANDBOX_TIME_SCALE
from tests.fault_proxy import Fault, FaultProxy
from tests.helpers import SANDBOX_LOGIN, SANDBOX_PASSWORD

SEND_PATH = "/rest/send"
TIMEOUT = 0.5
"""PROVIDER_TIMEOUT here: the delay fault holds the answer far longer."""
REPORT_SCALE = 3.0
"""The sandbox's clock in these tests: its first report (SEND) comes 3 s after it accepted
a send, long after the card showed what the call said (TIMEOUT and a loaded machine)."""

FAULTS = {
    "answer delayed past the timeout": Fault.delay(10.0, forward=True),
    "connection closed after the request was read": Fault.drop(forward=True),
    "connection reset after the request was read": Fault.reset(forward=True),
    "502 with a gateway's HTML page": Fault.status(502, forward=True),
    "200 whose body is cut short": Fault.cut_body(),
    "200 that is no send result": Fault.status(
        200,
        forward=True,
        body=b'{"mtNum": "12',
        headers=(("content-type", "application/json"),),
    ),
}
UNKNOWN = "Outcome unknown: the platform may have it."


@asynccontextmanager
async def desk_behind_a_proxy(
    tmp_path: Path, playground: Playground, *, duplicate_control: bool
) -> AsyncIterator[tuple[Desk, RunningSandbox, FaultProxy]]:
    """The bot sending through a fault proxy to a sandbox whose duplicate control is what
    the account declares."""
    config = SandboxConfig(time_scale=REPORT_SCALE, duplicate_control=duplicate_control)
    account = AccountConfig(
        name="sandbox",
        api=ProviderApi.SANDBOX,
        senders=SENDERS,
        duplicate_control=duplicate_control,
    )
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=[account])
    settings.provider.provider_timeout = TIMEOUT
    async with (
        Sandbox(config).running(host="127.0.0.1", port=0) as sandbox,
        FaultProxy(sandbox.base_url).running() as proxy,
        running_desk(settings, playground, sandbox, platform_url=proxy.url + SEND_PATH) as desk,
    ):
        yield desk, sandbox, proxy


async def press_send(user: PlaygroundUser, text: str = "/sms 79001234560 Your code 1234") -> int:
    card = (await user.send_and_wait(text))[-1]
    await user.click_and_wait("✅", card, timeout=15)
    return card.message_id


def card(user: PlaygroundUser, message_id: int) -> MessageView:
    return user.chat.message(message_id)


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
async def test_without_duplicate_control_a_lost_answer_is_unknown_and_sent_once(
    tmp_path: Path, playground: Playground, fault: str
) -> None:
    async with desk_behind_a_proxy(tmp_path, playground, duplicate_control=False) as (
        desk,
        sandbox,
        proxy,
    ):
        admin = desk.admin
        proxy.add(FAULTS[fault], method="POST", path=SEND_PATH, times=1)
        card_id = await press_send(admin)

        shown = card(admin, card_id)
        assert UNKNOWN in shown.text
        assert "not sent" not in shown.text.lower()
        assert "platform refused" not in shown.text
        assert "no duplicate control" in shown.text  # sending again could double it
        (send,) = await desk.stores.sends.recent_all()
        assert send.state is SendState.UNKNOWN
        assert f"id {send.partner_id}" in shown.text  # it keeps its id
        assert not any(b.startswith("↩️") for b in shown.button_texts)
        # One request, one message: nothing was sent again behind the operator's back.
        assert len(sandbox.received) == 1
        (record,) = sandbox.sends.values()
        assert record.partner_id == send.partner_id

        # The platform's report carries the id: the card settles by itself.
        await playground.wait_for(
            lambda: f"mtNum {record.mt_num}" in card(admin, card_id).text,
            timeout=15,
            what="the report to settle the card",
        )
        assert UNKNOWN not in card(admin, card_id).text
    assert len(sandbox.sends) == 1


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
async def test_with_duplicate_control_a_lost_answer_is_asked_again_with_the_same_id(
    tmp_path: Path, playground: Playground, fault: str
) -> None:
    async with desk_behind_a_proxy(tmp_path, playground, duplicate_control=True) as (
        desk,
        sandbox,
        proxy,
    ):
        admin = desk.admin
        proxy.add(FAULTS[fault], method="POST", path=SEND_PATH, times=1)
        card_id = await press_send(admin)

        (record,) = sandbox.sends.values()
        assert f"mtNum {record.mt_num}" in card(admin, card_id).text
        (send,) = await desk.stores.sends.recent_all()
        assert send.state is SendState.ACCEPTED
        # Two requests under one id; the platform sent one message.
        assert [r.partner_id for r in sandbox.received] == [send.partner_id] * 2
    assert len(sandbox.sends) == 1


@pytest.mark.parametrize("duplicate_control", [False, True], ids=["dup-off", "dup-on"])
async def test_a_refused_connection_sends_nothing_and_keeps_the_form(
    tmp_path: Path, playground: Playground, duplicate_control: bool
) -> None:
    async with desk_behind_a_proxy(tmp_path, playground, duplicate_control=duplicate_control) as (
        desk,
        sandbox,
        proxy,
    ):
        admin = desk.admin
        await proxy.refuse()
        form_id = await press_send(admin)

        assert "could not be reached" in admin.chat.bot_messages[-1].text
        form = card(admin, form_id)
        assert form.button_texts[0].startswith("✅")  # the form stays for another ✅
        (send,) = await desk.stores.sends.recent_all()
        assert send.state is SendState.FAILED
        assert not sandbox.received

        await proxy.accept()
        await admin.click_and_wait("✅", form_id)
        (record,) = sandbox.sends.values()
        assert f"mtNum {record.mt_num}" in card(admin, form_id).text
    assert len(sandbox.sends) == 1


async def test_send_again_on_an_unknown_outcome_warns_and_needs_a_second_tap(
    tmp_path: Path, playground: Playground
) -> None:
    async with desk_behind_a_proxy(tmp_path, playground, duplicate_control=False) as (
        desk,
        sandbox,
        proxy,
    ):
        admin = desk.admin
        proxy.add(FAULTS["502 with a gateway's HTML page"], method="POST", path=SEND_PATH)
        card_id = await press_send(admin)
        assert UNKNOWN in card(admin, card_id).text

        before = len(admin.chat.bot_messages)
        first = await admin.click_and_wait("🔁", card_id)
        assert "could get it twice" in (first.text or "")
        warned = card(admin, card_id)
        assert "the subscriber gets it twice" in warned.text
        assert len(admin.chat.bot_messages) == before  # no form yet

        await admin.click_and_wait("⚠️", card_id)
        form = admin.chat.bot_messages[-1]
        assert form.button_texts[0].startswith("✅")
        assert "Your code 1234" in form.text
    assert len(sandbox.sends) == 1  # nothing more went out by itself


async def test_code_10_explains_what_the_seeds_say_and_how_to_check(
    tmp_path: Path, playground: Playground
) -> None:
    async with desk_behind_a_proxy(tmp_path, playground, duplicate_control=False) as (
        desk,
        sandbox,
        proxy,
    ):
        admin = desk.admin
        body = b'{"error": {"code": 10, "description": "Prohibited sending duplicates"}}'
        proxy.add(
            Fault.status(
                409, forward=False, body=body, headers=(("content-type", "application/json"),)
            ),
            method="POST",
            path=SEND_PATH,
        )
        await press_send(admin)

        reply = admin.chat.bot_messages[-1].text
        assert "code 10" in reply
        assert "Prohibited sending duplicates" in reply
        assert "says nothing more about it" in reply
        assert "/trace" in reply
        assert "new message" not in reply
    assert not sandbox.sends


# -- the legacy API: never an identical request within its minute --------------------------

LEGACY_FAULTS = {
    "answer delayed past the timeout": Fault.delay(10.0, forward=True),
    "connection closed after the request was read": Fault.drop(forward=True),
    "502 with a gateway's HTML page": Fault.status(502, forward=True),
    "200 whose body is cut short": Fault.cut_body(),
}
LEGACY_PATHS = {ProviderApi.LEGACY_JSON: JSON_PATH, ProviderApi.LEGACY_XML: XML_SEND_PATH}


@asynccontextmanager
async def legacy_desk_behind_a_proxy(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox, api: ProviderApi
) -> AsyncIterator[tuple[Desk, FaultProxy]]:
    async with FaultProxy(sandbox.base_url).running() as proxy:
        account = AccountConfig(
            name="legacy",
            api=api,
            url=proxy.url,
            login=SANDBOX_LOGIN,
            password=SecretStr(SANDBOX_PASSWORD),
            senders=["DeskTest"],
        )
        settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=[account])
        # model_copy does not validate: the interval may go below the production floor.
        settings.provider = settings.provider.model_copy(
            update={"legacy_poll_interval": poll_interval(sandbox), "provider_timeout": TIMEOUT}
        )
        async with running_desk(settings, playground, sandbox) as desk:
            yield desk, proxy


@pytest.mark.parametrize("api", list(LEGACY_PATHS), ids=["json", "xml"])
@pytest.mark.parametrize("fault", list(LEGACY_FAULTS), ids=list(LEGACY_FAULTS))
async def test_a_legacy_lost_answer_is_asked_about_after_the_minute_and_sent_once(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox, api: ProviderApi, fault: str
) -> None:
    async with legacy_desk_behind_a_proxy(tmp_path, playground, sandbox, api) as (desk, proxy):
        admin = desk.admin
        proxy.add(LEGACY_FAULTS[fault], method="POST", path=LEGACY_PATHS[api], times=1)
        card_id = await press_send(admin)

        assert UNKNOWN in card(admin, card_id).text
        assert "once its one-minute rule allows" in card(admin, card_id).text
        (record,) = sandbox.legacy.messages.values()

        await playground.wait_for(
            lambda: f"id_message {record.id_message}" in card(admin, card_id).text,
            timeout=10,
            what="asking again to settle the card",
        )
        await playground.wait_for(
            lambda: "1. SMS: deliver" in card(admin, card_id).text,
            timeout=10,
            what="the delivered card",
        )
    # One message; the repeat came after the platform's minute and was not refused.
    assert len(sandbox.legacy.messages) == 1
    assert [r.error for r in sandbox.legacy.received] == [None] * len(sandbox.legacy.received)
    sends = [r for r in sandbox.legacy.received if r.operation == "send"]
    assert len(sends) == 2
    assert sends[0].client_ids == sends[1].client_ids == [record.client_id_message]


async def test_a_legacy_get_lost_answer_stays_unknown_and_is_never_resent(
    tmp_path: Path, playground: Playground
) -> None:
    async with Sandbox(SandboxConfig(time_scale=SANDBOX_TIME_SCALE)).running() as sandbox:
        async with legacy_desk_behind_a_proxy(
            tmp_path, playground, sandbox, ProviderApi.LEGACY_GET
        ) as (desk, proxy):
            admin = desk.admin
            proxy.add(Fault.delay(10.0, forward=True), method="GET", times=1)
            card_id = await press_send(admin)

            shown = card(admin, card_id).text
            assert UNKNOWN in shown
            assert "cannot be asked about it" in shown
            assert not any(b.startswith("↩️") for b in card(admin, card_id).button_texts)
            # The resolver's round: it never asks again over GET (no id to ask by).
            await desk.services.sending.resolve_unknown(older_than=timedelta(0))
        assert len(sandbox.legacy.received) == 1
        assert len(sandbox.legacy.messages) == 1


async def test_asking_a_legacy_send_again_within_the_minute_waits_for_the_minute(
    tmp_path: Path, playground: Playground
) -> None:
    # A slower clock: the platform's minute lasts 3 s here, long enough to press within it.
    async with Sandbox(SandboxConfig(time_scale=0.05)).running() as sandbox:
        async with legacy_desk_behind_a_proxy(
            tmp_path, playground, sandbox, ProviderApi.LEGACY_JSON
        ) as (desk, proxy):
            admin = desk.admin
            proxy.add(Fault.drop(forward=True), method="POST", path=JSON_PATH, times=1)
            card_id = await press_send(admin)
            assert UNKNOWN in card(admin, card_id).text

            answer = await admin.click_and_wait("↩️", card_id)
            assert "identical request within a minute: ask again in" in (answer.text or "")
            assert UNKNOWN in card(admin, card_id).text
            assert len(sandbox.legacy.received) == 1  # nothing was asked

            (record,) = sandbox.legacy.messages.values()
            await playground.wait_for(
                lambda: f"id_message {record.id_message}" in card(admin, card_id).text,
                timeout=15,
                what="the resolver to ask again after the minute",
            )
        assert [r.error for r in sandbox.legacy.received] == [None] * len(sandbox.legacy.received)
        assert len(sandbox.legacy.messages) == 1
