"""Accounts on the legacy API (GET/JSON/XML) end to end, over real HTTP: the bot sends
through the sandbox's legacy endpoints, its poller asks the states, the cards follow."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.reports.poller import observed
from bot.sending.cascades import preset_steps
from bot.sending.drafts import Draft, ScheduleDraft, StepDraft
from bot.sending.legacy_fit import (
    LegacyFit,
    Refusal,
    draft_refusals,
    fitted_steps,
    to_legacy_request,
)
from bot.settings import AccountConfig, ConfigError, ProviderApi, ProviderSettings, load_accounts
from bot.ui.i18n import Catalogs
from playground import Playground
from playground.users import PlaygroundUser
from provider.channels import MessageType
from provider.legacy import LegacyState
from provider.legacy.rules import IDENTICAL_REQUEST_WINDOW
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from storage import ApiFamily, Send, SendState
from tests.bot.conftest import Desk, make_settings, running_desk
from tests.conftest import SANDBOX_TIME_SCALE
from tests.helpers import SANDBOX_LOGIN, SANDBOX_PASSWORD

SECRET = "S3cret pa55/wörd&x=1"
SECRET_SPELLINGS = (SECRET, "S3cret+pa55", "S3cret%20pa55", "w%C3%B6rd")
"""Every way the password could appear in a GET URL (encoded or not)."""


def poll_interval(sandbox: RunningSandbox) -> float:
    """Just over the sandbox's minute (60 simulated seconds), on its clock.

    The sandbox refuses an identical request within its simulated minute as the platform
    does within a real one; production never polls faster than every 60 s (settings).
    """
    return (IDENTICAL_REQUEST_WINDOW + 1) * sandbox.config.time_scale


@asynccontextmanager
async def legacy_desk(
    tmp_path: Path,
    playground: Playground,
    sandbox: RunningSandbox,
    api: ProviderApi = ProviderApi.LEGACY_JSON,
    *,
    password: str = SANDBOX_PASSWORD,
    **provider: float,
) -> AsyncIterator[Desk]:
    """The whole bot with one account: `api` at the sandbox's base URL; `provider`
    overrides ProviderSettings fields (provider_timeout=0.2...)."""
    account = AccountConfig(
        name="legacy",
        api=api,
        url=sandbox.base_url,
        login=SANDBOX_LOGIN,
        password=SecretStr(password),
        senders=["DeskTest"],
    )
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=[account])
    # model_copy does not validate: the interval may go below the production floor of 60 s.
    settings.provider = settings.provider.model_copy(
        update={"legacy_poll_interval": poll_interval(sandbox), **provider}
    )
    async with running_desk(settings, playground, sandbox) as desk:
        yield desk


def no_refusals(sandbox: RunningSandbox) -> None:
    """The sandbox refused nothing, in particular no identical request within its minute."""
    assert [r.error for r in sandbox.legacy.received if r.error is not None] == []


def card_text(user: PlaygroundUser, card_id: int) -> str:
    return user.chat.message(card_id).text


def replies_to(user: PlaygroundUser, card_id: int) -> list[str]:
    return [m.text for m in user.chat.bot_messages if m.reply_to_message_id == card_id]


# -- sending and polling -----------------------------------------------------------------


async def test_sms_over_legacy_json_ends_delivered_or_failed_on_the_card(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        good = (await admin.send_and_wait("/sms 79001234560 Code 1234"))[-1]
        await admin.click_and_wait("✅", good)
        bad = (await admin.send_and_wait("/sms 79001234561 Code 1234"))[-1]  # 1: absent
        await admin.click_and_wait("✅", bad)

        await playground.wait_for(
            lambda: "1. SMS: deliver" in card_text(admin, good.message_id),
            what="the delivered card",
        )
        # The sandbox's legacy words for absent-subscriber: expired (offline throughout).
        await playground.wait_for(
            lambda: "1. SMS: expired" in card_text(admin, bad.message_id),
            what="the failed card",
        )
        await playground.wait_for(
            lambda: any("expired" in text for text in replies_to(admin, bad.message_id)),
            what="the failure reply under the failed card",
        )
        sends = {s.destination: s for s in await desk.stores.sends.recent_all()}
        failure_replies = replies_to(admin, good.message_id)

    assert failure_replies == []
    delivered, failed = sends["79001234560"], sends["79001234561"]
    assert (delivered.status, delivered.final) == ("deliver", True)
    assert (failed.status, failed.final) == ("expired", True)
    for send in (delivered, failed):
        assert send.api_family is ApiFamily.LEGACY
        assert send.state is SendState.ACCEPTED
        assert send.mt_num is None
        assert send.legacy_id is not None
        record = sandbox.legacy.messages[send.legacy_id]
        # Our partner id went out as client_id_message, and the SMS id came back.
        assert send.partner_id.isdigit()
        assert record.client_id_message == send.partner_id
        assert record.transport == "json"
        assert send.legacy_ids == {"sms": record.channel_ids[record.message.channels()[0]]}
    no_refusals(sandbox)


async def test_viber_then_sms_cascade_falls_through_to_sms(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        await admin.send_and_wait("/cascade")
        await admin.click_and_wait("Viber → SMS")
        await admin.send_and_wait("79001234564")  # 4: only SMS gets through
        card = (await admin.send_and_wait("Your code 1234"))[-1]
        assert "Fix before sending" not in card.text
        await admin.click_and_wait("✅", card)

        await playground.wait_for(
            lambda: "2. SMS: deliver" in card_text(admin, card.message_id),
            what="the SMS step delivered",
        )
        text = card_text(admin, card.message_id)
        (send,) = await desk.stores.sends.recent_all()
        replies = replies_to(admin, card.message_id)
        steps = fitted_steps(preset_steps("viber-sms", "hi", "1234", "DeskTest"))
        draft = Draft(kind="cascade", account="legacy", phone="79001234564", steps=steps)
        preview = desk.services.sending.preview(draft)

    assert "1. Viber: expired" in text
    # What a JSON preview of the form would show: the legacy body, not the REST one.
    assert (preview["login"], preview["password"]) == (SANDBOX_LOGIN, "***")
    messages = preview["message"]
    assert isinstance(messages, list)
    assert messages[0]["send_viber"] == 1
    assert messages[0]["phones"] == [{"phone": "79001234564"}]
    assert (send.steps, send.status, send.final) == (("VIBER", "SMS"), "deliver", True)
    assert set(send.legacy_ids) == {"viber", "sms"}
    assert replies == []  # delivered in the end: no failure alert
    (record,) = sandbox.legacy.messages.values()
    message = record.message
    assert (message.send_viber, message.send_sms, message.send_vk) == (1, 2, 0)
    # The preset goes on to SMS unless Viber was READ.
    assert message.finale_viber_read is True
    assert message.validity_period_viber == 1
    assert (message.sender_viber, message.text_viber) == ("DeskTest", "Your code 1234")
    no_refusals(sandbox)


async def test_an_open_send_is_polled_round_after_round_without_a_refusal(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234563 hi"))[-1]  # 3: no status for long
        await admin.click_and_wait("✅", card)
        await playground.wait_for(
            lambda: "1. SMS: send" in card_text(admin, card.message_id), what="in progress"
        )
        # At the end of the SMS lifetime (600 simulated s) the platform gives up.
        await playground.wait_for(
            lambda: "1. SMS: partly_deliver" in card_text(admin, card.message_id),
            what="the final partly_deliver",
        )
        await playground.wait_for(
            lambda: any("partly_deliver" in t for t in replies_to(admin, card.message_id)),
            what="the failure reply",
        )
        asked = [r for r in sandbox.legacy.received if r.operation == "state"]

    # The same id asked again and again, each time after the sandbox's minute.
    assert len(asked) >= 3
    assert {tuple(r.id_messages) for r in asked} == {tuple(asked[0].id_messages)}
    no_refusals(sandbox)


async def test_a_lost_answer_is_asked_about_again_after_the_minute_with_the_same_client_id(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    """Seed 003: no identical request within a minute, and one client_id_message is never
    sent twice. The card says the platform may have it; after the minute the bot asks
    again with the same id by itself, and the ids come back: one message."""
    # A second (not less): a loaded machine can take a while even to connect on loopback.
    async with legacy_desk(tmp_path, playground, sandbox, provider_timeout=1.0) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
        sandbox.faults.hang_next(1, seconds=30)  # longer than the test
        await admin.click_and_wait("✅", card)
        assert "the platform may have it" in card_text(admin, card.message_id)
        assert len(sandbox.legacy.received) == 1  # not resent within the minute

        await playground.wait_for(
            lambda: "1. SMS: deliver" in card_text(admin, card.message_id), what="delivered"
        )
        (send,) = await desk.stores.sends.recent_all()

    (record,) = sandbox.legacy.messages.values()
    assert record.client_id_message == send.partner_id
    assert send.legacy_id == record.id_message
    no_refusals(sandbox)


# -- what a legacy account cannot send ---------------------------------------------------


async def test_flashcall_and_other_channels_are_refused_before_anything_is_stored(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        flashcall = await admin.send_and_wait("/flashcall 79001234560")

        await admin.send_and_wait("/cascade")
        push = await admin.click_and_wait("Push → SMS")
        await admin.click_and_wait("🛠")
        await admin.send_and_wait("79001234560")
        builder = (await admin.send_and_wait("hi"))[-1]
        await admin.click_and_wait("➕", builder)
        offered = admin.chat.message(builder.message_id).button_texts
        second_sms = await admin.click_and_wait("➕ SMS", builder)

        await admin.send_and_wait("/cancel")
        channels = (await admin.send_and_wait("/send"))[-1].button_texts
        sends = await desk.stores.sends.recent_all()

    assert flashcall[-1].text == (
        "/flashcall: This account's API (legacy-json) has no FlashingCall; it sends SMS, Viber, VK."
    )
    assert push.show_alert
    assert "has no Push" in (push.text or "")
    assert offered == ["➕ SMS", "➕ Viber", "➕ VK"]
    assert second_sms.show_alert
    assert "SMS is in the chain twice" in (second_sms.text or "")
    assert channels == ["SMS", "Viber", "VK"]
    assert sends == []
    assert sandbox.legacy.received == []
    assert sandbox.received == []


async def test_legacy_get_hides_the_password(
    tmp_path: Path, playground: Playground, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = SandboxConfig(password=SecretStr(SECRET), time_scale=SANDBOX_TIME_SCALE)
    async with (
        Sandbox(config).running() as sandbox,
        legacy_desk(tmp_path, playground, sandbox, ProviderApi.LEGACY_GET, password=SECRET) as desk,
    ):
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
        await admin.click_and_wait("✅", card)
        await playground.wait_for(
            lambda: "1. SMS: deliver" in card_text(admin, card.message_id), what="delivered"
        )
        audit = await desk.stores.audit.recent(limit=10)
        (send,) = await desk.stores.sends.recent_all()
        no_refusals(sandbox)

    assert (send.status, send.legacy_ids) == ("deliver", {})  # GET gives the message id only
    assert "password=***" in caplog.text  # the GET URLs were logged, masked
    shown = [caplog.text, repr(send), repr(audit)]
    shown += [r.raw for r in sandbox.legacy.received]
    for text in shown:
        for spelling in SECRET_SPELLINGS:
            assert spelling not in text


# -- the mapping, settings, words --------------------------------------------------------


def test_a_viber_sms_draft_becomes_priorities() -> None:
    steps = preset_steps("viber-sms", "Code 1234", "1234", "Brand")
    draft = Draft(kind="cascade", account="legacy", phone="+7 900 123-45-64", steps=steps)
    # Presets give SMS a lifetime, which this API cannot carry (the handlers drop it).
    assert [r.fit for r in draft_refusals(draft, ProviderApi.LEGACY_XML)] == [
        LegacyFit.SMS_LIFETIME
    ]

    fitted = draft.model_copy(update={"steps": fitted_steps(steps)})
    request = to_legacy_request(fitted, api=ProviderApi.LEGACY_XML, client_id="42")
    assert request.model_dump(exclude_none=True, exclude_defaults=True) == {
        "send_viber": 1,
        "send_sms": 2,
        "sender_viber": "Brand",
        "text_viber": "Code 1234",
        "validity_period_viber": 1,
        "finale_viber_read": True,
        "sender_sms": "Brand",
        "text_sms": "Code 1234",
        "phones": ({"phone": "79001234564", "client_id_message": "42"},),
    }


def test_what_the_legacy_api_cannot_carry_is_a_violation_with_words() -> None:
    draft = Draft(
        kind="send",
        account="legacy",
        phone="79001234560",
        steps=[StepDraft(channel=MessageType.VIBER, text="hi", ttl_seconds=30)],
        schedule=ScheduleDraft(time_begin="10:00", time_end="18:00"),
    )
    with pytest.raises(ValidationError) as caught:
        to_legacy_request(draft, api=ProviderApi.LEGACY_JSON)

    kinds = [e["type"] for e in caught.value.errors()]
    assert kinds == ["legacy_schedule", "legacy_viber_lifetime"]
    assert "whole minutes; it is 30 s" in str(caught.value)


def test_every_legacy_refusal_has_words_in_both_languages() -> None:
    catalogs = Catalogs()
    for language in ("ru", "en"):
        t = catalogs.get(language)
        for fit in LegacyFit:
            assert t.has(Refusal(fit).key), (language, fit)
        assert t.has("rule-image-without-button")
        assert t.has("rule-button-incomplete")


def test_the_poll_interval_never_goes_under_the_platforms_minute() -> None:
    assert ProviderSettings(_env_file=None).legacy_poll_interval == 65
    with pytest.raises(ValidationError, match="legacy_poll_interval"):
        ProviderSettings(_env_file=None, legacy_poll_interval=59)


def test_a_legacy_account_without_its_base_url_stops_start_up(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        '[[accounts]]\nname = "old"\napi = "legacy-xml"\nlogin = "l"\npassword = "p"\n',
        encoding="utf-8",
    )
    provider = ProviderSettings(_env_file=None, accounts_file=accounts)
    with pytest.raises(ConfigError, match="legacy-xml API, which needs url"):
        load_accounts(provider, {})


def _send(steps: tuple[str, ...], legacy_ids: dict[str, str]) -> Send:
    now = datetime.now(UTC)
    return Send(
        id=1,
        partner_id="1",
        account_id=1,
        api_family=ApiFamily.LEGACY,
        channel="CASCADE",
        steps=steps,
        destination="79001234560",
        request={},
        mt_num=None,
        legacy_id="7",
        legacy_ids=legacy_ids,
        operator_id=1,
        chat_id=1,
        card_message_id=None,
        state=SendState.ACCEPTED,
        status=None,
        final=False,
        error=None,
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("overall", "viber", "sms", "expected"),
    [
        # Viber runs; SMS "send" means not sent yet: not shown as started.
        ("send", "send", "send", [("VIBER", "send")]),
        ("send", "expired", "send", [("VIBER", "expired"), ("SMS", "send")]),
        ("deliver", "expired", "deliver", [("VIBER", "expired"), ("SMS", "deliver")]),
        # Delivered by Viber: SMS was never used.
        ("deliver", "deliver", "send", [("VIBER", "deliver")]),
        # Over, but no channel says how: the overall state goes on the last channel.
        ("not_deliver", "send", "send", [("SMS", "not_deliver")]),
    ],
)
def test_a_state_answer_becomes_step_events(
    overall: str, viber: str, sms: str, expected: list[tuple[str, str]]
) -> None:
    send = _send(("VIBER", "SMS"), {"viber": "8", "sms": "9"})
    state = LegacyState.from_wire("7", overall, {"state_viber": viber, "state_sms": sms})
    events = observed(send, state)
    assert [(e.step_type, e.status) for e in events] == expected
    assert {e.send_id for e in events} <= {1}


def test_get_states_and_error_texts() -> None:
    single = _send(("SMS",), {})
    assert [(e.step_type, e.status) for e in observed(single, _get("deliver"))] == [
        ("SMS", "deliver")
    ]
    # An error text in place of a state is final (seed 003, lines 302-303), with its text.
    (error,) = observed(single, _get("Сообщение с таким ID не принималось"))
    assert (error.step_type, error.status) == ("SMS", "error")
    assert error.raw is not None
    assert error.raw["error"] == "Сообщение с таким ID не принималось"
    # Over GET a cascade's state is the chain's: no answer says which channel it was.
    chain = replace(single, steps=("VIBER", "SMS"))
    assert [(e.step_type, e.status) for e in observed(chain, _get("deliver"))] == [
        ("CHAIN", "deliver")
    ]
    # A channel whose id was 0 was not used: nothing is recorded for it.
    sms_only = replace(single, steps=("VIBER", "SMS"), legacy_ids={"sms": "9"})
    state = LegacyState.from_wire("7", "deliver", {"state_viber": "send", "state_sms": "deliver"})
    assert [e.step_type for e in observed(sms_only, state)] == ["SMS"]


def _get(text: str) -> LegacyState:
    return LegacyState.from_wire("7", text, {})
