"""What a support engineer on call sees, flow by flow and role by role (issue #20).

Each test drives the real bot through the playground (Telegram) and the sandbox (the
platform) as a person would: commands typed, buttons pressed, answers read.
"""

from __future__ import annotations

import re

import pytest

from playground.users import PlaygroundUser
from playground.views import MessageView
from tests.bot.conftest import ADMIN_ID, Desk, typed_into

NUMBER = "+7 900 123-45-60"
DIGITS = "79001234560"


async def sent_flashcall(desk: Desk, user: PlaygroundUser, code: str = "5821") -> MessageView:
    """/flashcall with `code`, ✅, and the card once the call is DELIVERED."""
    card = (await user.send_and_wait(f"/flashcall {NUMBER} {code}"))[-1]
    await user.click_and_wait("✅", card)
    await desk.playground.wait_for(
        lambda: "DELIVERED" in user.chat.message(card.message_id).text, what="the call delivered"
    )
    return user.chat.message(card.message_id)


async def sent_sms(desk: Desk, user: PlaygroundUser, phone: str = DIGITS) -> MessageView:
    card = (await user.send_and_wait(f"/sms {phone} hi"))[-1]
    await user.click_and_wait("✅", card)
    return user.chat.message(card.message_id)


def refused_calls(desk: Desk) -> list[str]:
    """Bot API calls Telegram would have refused (an edit to the same content, a button
    taken off twice): each shows as a warning in a real client's log and on the page."""
    return [f"{c.method}: {c.description}" for c in desk.playground.calls if not c.ok]


def stale_data(message: MessageView, prefix: str) -> str:
    data = message.button(prefix).callback_data
    assert data is not None
    return data


# -- the FlashingCall code stays on every view of its send -------------------------------


async def test_the_code_is_on_history_and_trace_lines_and_buttons(desk: Desk) -> None:
    admin = desk.admin
    card = await sent_flashcall(desk, admin, "5821")

    history = (await admin.send_and_wait("/history"))[-1]
    trace = (await admin.send_and_wait(f"/trace {NUMBER}"))[-1]
    status = (await admin.send_and_wait("/status #1"))[-1]

    assert "5 8 2 1" in card.entities_of("bold")
    assert "5 8 2 1" in status.entities_of("bold")
    for listing in (history, trace):
        assert "DELIVERED · 🔢 5821" in listing.text
    assert any("5821" in text for text in history.button_texts)


async def test_the_code_is_on_a_cascade_status_card(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("FlashingCall → SMS")
    await admin.send_and_wait("79001234564")  # 4: the call fails, the SMS gets through
    card = (await admin.send_and_wait("Your code 4417"))[-1]
    await admin.click_and_wait("✅", card)

    await desk.playground.wait_for(
        lambda: "2. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
        what="the SMS delivered",
    )
    assert "4 4 1 7" in admin.chat.message(card.message_id).entities_of("bold")


# -- an open form never swallows a command -----------------------------------------------


async def test_a_command_typed_at_any_step_of_a_flow_is_a_command(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("SMS")  # the phone is awaited
    menu = (await admin.send_and_wait("/cascade"))[-1]
    assert "Viber → SMS" in menu.button_texts

    await admin.click_and_wait("Viber → SMS", menu)  # the phone is awaited
    operators = await admin.send_and_wait("/operators")
    assert "Operators (1)" in operators[-1].text
    await admin.send_and_wait(NUMBER)  # the flow is still there
    text_prompt = admin.chat.bot_messages[-1]
    status = await admin.send_and_wait("/status #77")
    assert "Nothing known about #77" in status[-1].text
    card = (await admin.send_and_wait("Hello"))[-1]

    assert "Send the text" in text_prompt.text
    assert "Viber → SMS" in card.text
    assert card.button_texts[0].startswith("✅")
    assert refused_calls(desk) == []


@pytest.mark.parametrize(
    "command", ["/sms +7 900 333-33-30 new", "/flashcall +7 900 333-33-30", "/send", "/cascade"]
)
async def test_every_command_replaces_an_open_form_and_its_menus(desk: Desk, command: str) -> None:
    admin = desk.admin
    old = (await admin.send_and_wait("/sms +7 900 444-44-40 old"))[-1]
    await admin.click_and_wait("✏️ Text", old)  # a field's value is awaited

    new = (await admin.send_and_wait(command))[-1]

    assert not admin.chat.message(old.message_id).button_texts
    assert new.button_texts
    assert "/sms +7 900 444" not in new.text
    assert refused_calls(desk) == []


async def test_cancel_takes_the_buttons_off_a_flows_menu(desk: Desk) -> None:
    admin = desk.admin
    channels = (await admin.send_and_wait("/send"))[-1]
    await admin.click_and_wait("SMS", channels)
    phones = admin.chat.bot_messages[-1]
    await admin.send_and_wait("/cascade")
    presets = admin.chat.bot_messages[-1]

    cancelled = await admin.send_and_wait("/cancel")

    assert "Cancelled" in cancelled[-1].text
    for menu in (channels, phones, presets):
        assert not admin.chat.message(menu.message_id).button_texts, menu.text
    assert refused_calls(desk) == []


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ("/sms 79001234560 hi", "/sms"),
        ("/flashcall 79001234560", "/flashcall"),
        ("/send", "/send"),
        ("/cascade", "/cascade"),
    ],
)
async def test_a_button_of_a_closed_form_names_the_command_to_start_again(
    desk: Desk, command: str, named: str
) -> None:
    admin = desk.admin
    first = (await admin.send_and_wait(command))[-1]
    data = stale_data(first, first.button_texts[0])
    await admin.send_and_wait("/cancel")

    answer = await admin.click_data(first.message_id, data)
    await desk.playground.wait_processed(answer.update_id)

    text = desk.playground.callback(answer.id).text or ""
    assert "no longer active" in text
    assert f"Start again with {named}." in text
    assert not desk.sandbox.received


async def test_in_a_group_another_members_press_names_the_forms_author(desk: Desk) -> None:
    admin = desk.admin
    await desk.grant(2001, "operator")
    colleague = desk.user(2001, "Colleague")
    group = desk.playground.group("on-call", [admin, colleague])
    card = (await admin.send_and_wait(f"/sms {DIGITS} hi", group.id))[-1]

    pressed = await colleague.click_and_wait("✅", card, chat=group.id)

    assert pressed.show_alert
    assert "This is Admin's form" in (pressed.text or "")
    assert not desk.sandbox.received


# -- roles: what each one is told and shown ----------------------------------------------


ADMIN_COMMANDS = ("/operators", "/invite", "/invites", "/grant", "/revoke")
SENDING_COMMANDS = ("/sms", "/flashcall", "/send", "/cascade")
VIEWING_COMMANDS = ("/status", "/history", "/trace")


def commands_in(text: str) -> set[str]:
    return set(re.findall(r"/[a-z]+", text))


async def test_help_lists_what_each_role_may_do(desk: Desk) -> None:
    await desk.grant(2001, "operator")
    await desk.grant(2002, "viewer")
    admin_help = (await desk.admin.send_and_wait("/help"))[-1]
    operator_help = (await desk.user(2001, "Oleg").send_and_wait("/help"))[-1]
    viewer_start = await desk.user(2002, "Vera").send_and_wait("/start")

    assert commands_in(admin_help.text) >= {*ADMIN_COMMANDS, *SENDING_COMMANDS, *VIEWING_COMMANDS}
    assert commands_in(operator_help.text) >= {*SENDING_COMMANDS, *VIEWING_COMMANDS}
    assert not commands_in(operator_help.text) & set(ADMIN_COMMANDS)
    viewer_text = "\n".join(m.text for m in viewer_start)
    assert commands_in(viewer_text) >= set(VIEWING_COMMANDS)
    assert not commands_in(viewer_text) & {*SENDING_COMMANDS, *ADMIN_COMMANDS, "/cancel"}


async def test_history_shows_the_teams_sends_to_every_role(desk: Desk) -> None:
    await sent_sms(desk, desk.admin)
    await desk.grant(2001, "operator")
    await desk.grant(2002, "viewer")
    operator = desk.user(2001, "Oleg")
    viewer = desk.user(2002, "Vera")

    for person in (operator, viewer):
        page = (await person.send_and_wait("/history"))[-1]
        assert "*******4560" in page.text, person.first_name
        assert "#1 SMS" in page.button_texts
    # An operator sends too: their own sends alone are a tap away (a viewer has none).
    page = operator.chat.bot_messages[-1]
    await operator.click_and_wait("👤", page)
    assert "No sends yet" in operator.chat.bot_messages[-1].text
    assert not any(b.startswith("👤") for b in viewer.chat.bot_messages[-1].button_texts)


async def test_operators_are_listed_by_their_telegram_names(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/help")  # seen by the bot as "Admin"
    olga = desk.user(4004, "Olga")
    await olga.send_and_wait("/start")  # refused: the bot stores nothing of hers yet
    await admin.send_and_wait("/grant 4004 viewer")  # her name from Telegram (getChat)
    await desk.grant(4005, "operator")  # by id alone: named once first seen
    await desk.user(4005, "Pavel").send_and_wait("/help")

    listing = (await admin.send_and_wait("/operators"))[-1]

    assert f"Admin · {ADMIN_ID} · admin" in listing.text
    assert "Olga · 4004 · viewer" in listing.text
    assert "Pavel · 4005 · operator" in listing.text


# -- buttons always answer ---------------------------------------------------------------


async def test_refresh_without_news_says_since_when(desk: Desk) -> None:
    admin = desk.admin
    card = await sent_flashcall(desk, admin)
    shown = re.search(r"DELIVERED (\d\d:\d\d:\d\d)", card.text)
    assert shown is not None

    answer = await admin.click_and_wait("🔄", card)

    assert answer.text == f"Nothing new since {shown[1]} UTC."
    # Not even an edit to the same card (Telegram would refuse it: "not modified").
    assert refused_calls(desk) == []
    assert admin.chat.message(card.message_id).edit_count == card.edit_count


async def test_the_json_preview_is_the_request_sent_whole(desk: Desk) -> None:
    admin = desk.admin
    text = "x" * 2000
    card = (await admin.send_and_wait(f"/sms {NUMBER} {text}"))[-1]

    await admin.click_and_wait("{ }", card)

    shown = admin.chat.message(card.message_id).text
    assert '"login": "sandbox"' in shown
    assert '"password": "***"' in shown
    assert f'"text": "{text}"' in shown  # the whole text, as it goes
    assert 'sandbox"' not in shown.split('"password"')[1][:20]


# -- cascades ----------------------------------------------------------------------------


BUTTON_ROW_WIDTH = 36
"""Characters a row of inline buttons shows on a phone before cutting a text short."""


@pytest.mark.parametrize(
    ("language", "up", "remove", "switch"),
    [
        ("en", "⬆️ Step 2 up", "✖ Remove step 2", "⇄ Step 2: if not DELIVERED"),
        ("ru", "⬆️ Шаг 2 выше", "✖ Убрать шаг 2", "⇄ Шаг 2: если не DELIVERED"),
    ],
)
async def test_the_builders_buttons_say_what_they_do(
    desk: Desk, language: str, up: str, remove: str, switch: str
) -> None:
    person = desk.user(ADMIN_ID, "Admin", language=language)
    await person.send_and_wait("/cascade")
    await person.click_and_wait("Viber → SMS")
    await person.send_and_wait(DIGITS)
    card = (await person.send_and_wait("Hello"))[-1]

    assert {up, remove, switch} <= set(card.button_texts)
    for row in card.buttons:
        assert sum(len(b.text) for b in row) <= BUTTON_ROW_WIDTH, [b.text for b in row]
    await person.click_and_wait(switch, card)
    switched = person.chat.message(card.message_id)
    assert switch.replace("DELIVERED", "READ") in switched.button_texts


async def test_the_text_prompt_fits_the_preset(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("Viber → SMS")
    viber_sms = (await admin.send_and_wait(DIGITS))[-1]
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("FlashingCall → SMS")
    flashcall_sms = (await admin.send_and_wait(DIGITS))[-1]

    assert "FlashingCall" not in viber_sms.text
    assert "FlashingCall" in flashcall_sms.text


async def test_a_cascade_offers_recent_numbers(desk: Desk) -> None:
    admin = desk.admin
    await sent_sms(desk, admin, "79001234562")
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("Viber → SMS")
    prompt = admin.chat.bot_messages[-1]
    assert "+7 900 123-45-62" in prompt.button_texts

    await admin.click_and_wait("+7 900 123-45-62", prompt)
    card = (await admin.send_and_wait("Hello"))[-1]
    await admin.click_and_wait("✅", card)

    sent = [s for s in desk.sandbox.sends.values() if "cascadeChainLink" in s.request]
    assert sent[0].request["destAddr"] == "79001234562"
    assert not admin.chat.message(prompt.message_id).button_texts  # answered
    assert refused_calls(desk) == []


async def test_a_step_the_chain_never_reached_is_not_waiting_for_ever(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait(f"/flashcall {NUMBER} 5821"))[-1]  # 0: the call gets there
    await admin.click_and_wait("↪️", card)
    await admin.click_and_wait("✅", card)

    await desk.playground.wait_for(
        lambda: "1. FlashingCall: DELIVERED" in admin.chat.message(card.message_id).text,
        what="the call delivered",
    )
    text = admin.chat.message(card.message_id).text
    assert "2. SMS: — not sent: the step before it was DELIVERED" in text
    assert "waiting" not in text


async def test_every_step_after_the_one_that_ended_the_chain_says_so(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("VK → Viber → FlashingCall → SMS")
    await admin.send_and_wait("79001234560")  # 0: VK gets READ, which ends the chain
    card = (await admin.send_and_wait("Hello"))[-1]
    await admin.click_and_wait("✅", card)

    await desk.playground.wait_for(
        lambda: "1. VK: READ" in admin.chat.message(card.message_id).text,
        what="VK read",
    )
    text = admin.chat.message(card.message_id).text
    assert "2. Viber: — not sent: the step before it was READ" in text
    assert "3. FlashingCall: — not sent: the chain ended at step 1, which was READ" in text
    assert "4. SMS: — not sent: the chain ended at step 1, which was READ" in text
    assert "waiting" not in text


async def test_the_sms_if_no_call_text_is_editable(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait(f"/flashcall {NUMBER} 5821"))[-1]
    await admin.click_and_wait("↪️", card)
    await admin.click_and_wait("✏️ SMS text", card)
    card = await typed_into(admin, card, "Не дозвонились: код 5821")

    assert "Не дозвонились: код 5821" in card.text
    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    link = record.request["cascadeChainLink"]["message"]["data"]
    assert link["text"] == "Не дозвонились: код 5821"


# -- /history, /trace, typos, a number alone ---------------------------------------------


async def test_history_pages_both_ways(desk: Desk) -> None:
    admin = desk.admin
    for n in range(10):
        await sent_sms(desk, admin, f"7900123450{n}")

    page = (await admin.send_and_wait("/history"))[-1]
    assert not any(b.startswith("▶️") for b in page.button_texts)
    await admin.click_and_wait("◀️", page)
    older = admin.chat.message(page.message_id)
    assert older.text.count("→") == 2
    await admin.click_and_wait("▶️", older)
    newer = admin.chat.message(page.message_id)

    assert newer.text == page.text
    assert newer.button_texts == page.button_texts


async def test_trace_says_which_period_it_searched(desk: Desk) -> None:
    admin = desk.admin
    await sent_sms(desk, admin)

    default = (await admin.send_and_wait(f"/trace {NUMBER}"))[-1]
    hour = (await admin.send_and_wait(f"/trace {NUMBER} 1h"))[-1]
    empty = (await admin.send_and_wait("/trace +7 900 765-43-21 30m"))[-1]

    assert "last 24 h" in default.text
    assert "last 1 h" in hour.text
    assert "last 30 min" in empty.text


@pytest.mark.parametrize(("typed", "meant"), [("/histroy", "/history"), ("/sttaus 1", "/status")])
async def test_a_mistyped_command_gets_the_closest_one(desk: Desk, typed: str, meant: str) -> None:
    reply = (await desk.admin.send_and_wait(typed))[-1]
    assert f"Did you mean {meant}?" in reply.text


async def test_a_number_alone_offers_what_to_do_with_it(desk: Desk) -> None:
    admin = desk.admin
    offer = (await admin.send_and_wait(NUMBER))[-1]
    assert NUMBER in offer.text
    assert len(offer.button_texts) == 3

    await admin.click_and_wait("📞", offer)
    flashcall = admin.chat.bot_messages[-1]
    assert "FlashingCall: check and send" in flashcall.text
    assert NUMBER in flashcall.text

    await admin.send_and_wait("/cancel")  # with a form open, text is for its card
    offer = (await admin.send_and_wait(NUMBER))[-1]
    await admin.click_and_wait("✉️", offer)
    sms = admin.chat.bot_messages[-2]
    sms = await typed_into(admin, sms, "Hello there")
    assert "Hello there" in sms.text
    await admin.click_and_wait("✅", sms)
    (record,) = desk.sandbox.sends.values()
    assert record.request["destAddr"] == DIGITS

    offer = (await admin.send_and_wait(NUMBER))[-1]
    await admin.click_and_wait("🔎", offer)
    assert "*******4560" in admin.chat.bot_messages[-1].text
    assert "SMS" in admin.chat.bot_messages[-1].text
    assert refused_calls(desk) == []


async def test_a_viewer_is_offered_only_the_trace_of_a_number(desk: Desk) -> None:
    await desk.grant(2002, "viewer")
    offer = (await desk.user(2002, "Vera").send_and_wait(NUMBER))[-1]
    assert len(offer.button_texts) == 1
    assert offer.button_texts[0].startswith("🔎")
