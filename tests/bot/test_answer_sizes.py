"""Every kind of answer at its largest fits what Telegram takes: 4096 characters a message,
200 a callback answer, 64 bytes of callback data. Each is rendered as the bot renders it
and sent through the playground, which refuses what Telegram refuses."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.sending.cascades import MAX_STEPS, PRESETS
from bot.sending.drafts import Draft, ScheduleDraft, StepDraft
from bot.sending.fields import EDITABLE_FIELDS
from bot.telegram.callbacks import (
    FORM_KINDS,
    CardAction,
    CardCallback,
    FormAction,
    FormCallback,
    HistoryCallback,
    LanguageCallback,
    NumberAction,
    NumberCallback,
)
from bot.telegram.limits import (
    CALLBACK_ANSWER_LIMIT,
    CALLBACK_DATA_LIMIT,
    MESSAGE_LIMIT,
    utf16_length,
    visible_length,
)
from bot.ui.cards import Card, chain_label
from bot.ui.form_card import render_form
from bot.ui.i18n import Catalogs
from playground.views import MessageView
from provider.channels import CHANNEL_RULES, CascadeState, MessageType
from provider.reports import ERROR_NAMES
from storage import NewStatusEvent, SendState, StatusRepository
from storage.timeutil import utc_now
from tests.bot.conftest import ADMIN_ID, Desk

TYPED = "Щ" * 4090
"""The longest text an operator can type after a command (Telegram's own limit), in a
script that makes an SMS UCS-2."""
LONGEST_PHONE = "+7 (900) 123-45-67"
SIX_STEPS = [
    MessageType.VK,
    MessageType.VIBER,
    MessageType.WHATSAPP,
    MessageType.PUSH,
    MessageType.TELEGRAM,
    MessageType.SMS,
]
assert len(SIX_STEPS) == MAX_STEPS


def typed_step(channel: MessageType, *, first: bool) -> StepDraft:
    """A step with everything as long as an operator can type it (too long to send: the
    card lists the problems)."""
    return StepDraft(
        channel=channel,
        text=TYPED,
        sender="S" * 200,
        title="T" * 500,
        link="https://example.com/" + "l" * 500,
        image_url="https://example.com/" + "i" * 500,
        button_caption="C" * 300,
        button_action="https://example.com/" + "a" * 500,
        ttl_seconds=86_400,
        resend_if_not=None if first else CascadeState.DELIVERED,
    )


def valid_step(channel: MessageType, *, first: bool) -> StepDraft:
    """A step as long as the platform takes it (the card shows the JSON preview)."""
    rules = CHANNEL_RULES[channel]
    return StepDraft(
        channel=channel,
        text="Щ" * rules.text_limit,
        sender="DeskTest" if rules.sender_allowed else None,
        title="T" * 50 if channel is MessageType.PUSH else None,
        link="https://example.com/" + "l" * 200 if channel is MessageType.TELEGRAM else None,
        ttl_seconds=None,
        resend_if_not=None if first else CascadeState.DELIVERED,
    )


def drafts(account: str, *, valid: bool) -> dict[str, Draft]:
    step = valid_step if valid else typed_step
    schedule = ScheduleDraft(
        time_begin="10:00",
        time_end="21:00",
        weekdays="1234567",
        deadline="2030-01-01T00:00:00+0300",
    )
    return {
        "sms": Draft(
            kind="sms",
            account=account,
            phone=LONGEST_PHONE,
            steps=[step(MessageType.SMS, first=True)],
            schedule=schedule,
        ),
        "flashcall": Draft(
            kind="flashcall",
            account=account,
            phone=LONGEST_PHONE,
            steps=[
                StepDraft(channel=MessageType.FLASHINGCALL, text="123456"),
                step(MessageType.SMS, first=False),
            ],
        ),
        "send": Draft(
            kind="send",
            account=account,
            phone=LONGEST_PHONE,
            steps=[step(MessageType.VIBER, first=True)],
            schedule=schedule,
        ),
        "cascade": Draft(
            kind="cascade",
            account=account,
            phone=LONGEST_PHONE,
            steps=[step(channel, first=n == 0) for n, channel in enumerate(SIX_STEPS)],
            schedule=schedule,
        ),
    }


async def sent_through_telegram(desk: Desk, card: Card) -> MessageView:
    """The card as the bot would send it; the playground refuses what Telegram refuses."""
    if not desk.admin.chat.messages:
        await desk.admin.send_and_wait("/help")  # the chat exists once its person wrote
    message = await desk.bot.send_message(ADMIN_ID, card.text, reply_markup=card.keyboard)
    return desk.admin.chat.message(message.message_id)


async def test_every_form_card_at_its_largest_fits(desk: Desk) -> None:
    services = desk.services
    account = services.platform.accounts[0].name
    for language, valid in itertools.product(("en", "ru"), (False, True)):
        t = services.languages.catalogs.get(language)
        for kind, draft in drafts(account, valid=valid).items():
            # The JSON preview asked for: a draft that can be sent shows it.
            draft = draft.model_copy(update={"show_json": True})

            card = render_form(draft, services.platform, services.sending, t, private_chat=True)

            case = (language, kind, "valid" if valid else "typed")
            assert visible_length(card.text) <= MESSAGE_LIMIT, case
            shown = await sent_through_telegram(desk, card)
            assert shown.button_texts[0].startswith("✅"), case
            assert "Щ" * 20 in shown.text, case  # the text is shown, shortened if it must be
            if valid:
                assert '"destAddr": "79001234567"' in shown.text, case
            else:  # what is wrong is listed whole
                assert shown.text.rstrip().endswith(("2000.", "1000.")), case


async def test_the_status_card_at_its_largest_fits(desk: Desk) -> None:
    admin = desk.admin
    _, send = await desk.sent_card(admin, "79001234561")
    statuses = StatusRepository(desk.stores.db)
    longest_error = max(ERROR_NAMES, key=lambda code: len(ERROR_NAMES[code]))
    for channel in SIX_STEPS:
        await statuses.record_status_event(
            NewStatusEvent(channel.value, "UNDELIVERED", send_id=send.id, error_code=longest_error)
        )
    # The platform's error text has no bound of its own.
    steps = tuple(c.value for c in SIX_STEPS)
    huge = replace(send, steps=steps, state=SendState.FAILED, error="E" * 9000)
    operator = await desk.services.access.operator(ADMIN_ID)
    for language in ("en", "ru"):
        t = desk.services.languages.catalogs.get(language)

        card = await desk.services.views.card(huge, operator, t)

        assert visible_length(card.text) <= MESSAGE_LIMIT
        shown = await sent_through_telegram(desk, card)
        assert chain_label(huge.steps).split(" → ")[0] in shown.text


async def test_status_of_a_send_with_every_report_comes_in_parts(desk: Desk) -> None:
    admin = desk.admin
    _, send = await desk.sent_card(admin, "79001234563")
    statuses = StatusRepository(desk.stores.db)
    start = utc_now() - timedelta(hours=1)
    await statuses.record_status_events(
        [
            NewStatusEvent("SMS", "SEND", send_id=send.id, done_at=start + timedelta(seconds=n))
            for n in range(1000)
        ]
    )

    parts = await admin.send_and_wait(f"/status #{send.id}")

    assert len(parts) == 5
    assert parts[0].button_texts  # the card's buttons, on the card
    shown = sum(part.text.count(" · SMS · SEND") for part in parts)
    hidden = re.search(r"… and ([\d,]+) more lines not shown", parts[-1].text)
    assert hidden is not None
    assert shown + int(hidden[1].replace(",", "")) == len(await statuses.events(send.id))


async def test_operators_by_the_hundred_come_in_parts(desk: Desk) -> None:
    for n in range(300):
        await desk.grant(10_000 + n, "viewer")

    parts = await desk.admin.send_and_wait("/operators")

    assert len(parts) > 1
    listed = sum(part.text.count("Viewer") + part.text.count("viewer") for part in parts)
    assert listed >= 300


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_callback_answer_at_its_largest_fits(language: str) -> None:
    t = Catalogs().get(language)
    largest_id = str(2**63 - 1)
    longest_name = "N" * 129
    """Telegram: a first name and a last name of 64 characters each."""
    answers = [
        t("form-stale"),
        t("form-stale-command", command="/flashcall"),
        t("form-someone-elses", name=longest_name),
        t("number-stale"),
        t("refresh-nothing-new", since="23:59:59 +0530"),
        t("refresh-updated"),
        t("button-stale"),
        t("sending"),
        t("access-refused-short", user_id=largest_id),
        t("role-not-allowed", role=t("role-viewer")),
        t("error-platform"),
        t("error-unexpected"),
        t("error-unexpected-after-send", id=largest_id),
        t("error-unexpected-unsure"),
    ]
    for answer in answers:
        assert utf16_length(answer) <= CALLBACK_ANSWER_LIMIT, answer


def test_the_failure_reply_at_its_largest_fits() -> None:
    longest_error = max(ERROR_NAMES.values(), key=len)
    for language in ("en", "ru"):
        t = Catalogs().get(language)
        text = t(
            "alert-undelivered",
            channels=chain_label([c.value for c in SIX_STEPS]),
            phone="*" * 20,
            status="UNDELIVERED",
            error=longest_error,
        )
        assert visible_length(text) <= MESSAGE_LIMIT


def test_every_callback_data_at_its_largest_fits() -> None:
    largest = 2**63 - 1
    largest_user = 2**52
    """Telegram: a user id has at most 52 significant bits."""
    longest_values = [
        *EDITABLE_FIELDS,
        *(f"add.{channel.value}" for channel in MessageType),
        "state.5",
        "del.5",
        "up.5",
        str(len(PRESETS) - 1),
        "builder",
        str(7 * 86_400),
    ]
    data: list[CallbackData] = [
        FormCallback(
            form="x" * 8,
            action=action,
            value=value,
            version=99_999,
            kind=kind,
            author=largest_user,
        )
        for action in FormAction
        for value in longest_values
        for kind in FORM_KINDS.values()
    ]
    data += [FormCallback(form="x" * 8, action=FormAction.TTL, value=str(largest))]
    data += [CardCallback(send_id=largest, action=action) for action in CardAction]
    data += [HistoryCallback(everyone=True, before=largest, after=largest)]
    data += [NumberCallback(action=action) for action in NumberAction]
    data += [LanguageCallback(language=language) for language in ("ru", "en")]
    for each in data:
        assert len(each.pack().encode()) <= CALLBACK_DATA_LIMIT, each
