"""The operator's main flows on the playground page, with the real bot behind it.

Wired as `make run` without BOT_TOKEN: the bot polls the playground (flood limits on) and
sends to the sandbox; the page's Operator is the admin and speaks English. Each flow keeps
its screenshots in the test's tmp dir; ``make screenshots`` (SCREENSHOTS_DIR=docs/screenshots)
refreshes the README's from these tests.

The bot is started with the harness of tests/bot (`running_desk`), as it is wired today.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from playground import OPERATOR, Playground, PlaygroundConfig
from provider.sandbox import RunningSandbox
from tests.bot.conftest import Desk, make_settings, running_desk
from tests.browser import chromium, needs_chromium, open_page, snap

pytestmark = needs_chromium

SEND = re.compile(r"^✅")


@pytest.fixture
async def desk(tmp_path: Path, sandbox: RunningSandbox) -> AsyncIterator[Desk]:
    async with Playground(PlaygroundConfig(flood_control=True)).running() as playground:
        playground.user(OPERATOR.id, OPERATOR.first_name, language_code="en")
        settings = make_settings(
            tmp_path / "bot.sqlite3", playground.base_url, admins=[OPERATOR.id]
        )
        async with running_desk(settings, playground, sandbox) as running:
            yield running


def bot_bubbles(page: Page) -> Locator:
    return page.locator("#messages .msg:not(.mine)")


async def pinned(page: Page, bubble: Locator) -> tuple[Locator, int]:
    """The message `bubble` is now, by its id, whatever comes after it; and the id."""
    element_id = await bubble.get_attribute("id")
    assert element_id is not None
    return page.locator(f"#{element_id}"), int(element_id.removeprefix("m-"))


def at_an_operators_pace(desk: Desk) -> None:
    """Flood limits off for a sending flow. This sandbox runs 500 times faster than `make
    run`'s, and the test types at machine speed: the bot's writes to the chat then come
    closer together than an operator's flow ever brings them, and 429s an operator does not
    meet would be all over the screenshots. Flood limits have tests of their own."""
    desk.playground.flood_control = False


async def settled(page: Page) -> None:
    """Before a screenshot: the callback toast ("Sending…") gone again."""
    await expect(page.locator("#toast")).to_be_hidden()


async def say(page: Page, text: str) -> None:
    """Type `text` in the composer and send it with Enter, as an operator does."""
    box = page.get_by_role("textbox", name="message")
    await box.fill(text)
    await box.press("Enter")
    await expect(box).to_have_value("")


async def test_a_newcomer_presses_start_and_gets_both_answers(desk: Desk, tmp_path: Path) -> None:
    async with chromium() as browser:
        watched = await open_page(browser, desk.playground.base_url + "/")
        page = watched.page
        welcome = page.locator("#welcome")
        await expect(welcome).to_contain_text("you are Operator (id 1)")
        await snap(page, tmp_path, "first-page", for_docs=True)

        await welcome.get_by_role("button", name="START").click()
        # The greeting and the help, both at once, flood limits on as in `make run`.
        await expect(bot_bubbles(page)).to_have_count(2)
        await expect(bot_bubbles(page).first).to_contain_text("You are admin here")
        await expect(bot_bubbles(page).last).to_contain_text("/sms")
        # No flood-limit note between them (Telegram lets a short burst through).
        await expect(page.locator("#messages .system")).to_have_count(0)
        await snap(page, tmp_path, "start", for_docs=True)
        watched.assert_clean()
    assert desk.playground.flood_refusals == 0


async def test_an_sms_card_turns_into_its_live_status(desk: Desk, tmp_path: Path) -> None:
    at_an_operators_pace(desk)
    async with chromium() as browser:
        watched = await open_page(browser, desk.playground.base_url + "/")
        page = watched.page
        await say(page, "/sms +7 900 123-45-62 Your code is 1234")  # 2: delivered, unread

        form = bot_bubbles(page).filter(has_text="Your code is 1234").last
        await expect(form).to_contain_text("+7 900 123-45-62")
        await expect(form).to_contain_text("1 part · GSM-7")
        await expect(form.get_by_role("button", name=SEND)).to_be_visible()
        card, message_id = await pinned(page, form)
        await snap(page, tmp_path, "sms-form", for_docs=True)
        assert not desk.sandbox.received

        await card.get_by_role("button", name=SEND).click()
        # The same message, edited in place: the status card, without ✅ ...
        await expect(card).to_contain_text("mtNum")
        await expect(card.get_by_role("button", name=SEND)).to_have_count(0)
        # ... whose status follows the platform's reports.
        await expect(card).to_contain_text("1. SMS: DELIVERED", timeout=15_000)
        await expect(card.locator(".meta")).to_contain_text("edited")
        await settled(page)
        await snap(page, tmp_path, "sms-delivered", for_docs=True)
        watched.assert_clean()
    (record,) = desk.sandbox.sends.values()
    assert record.request["destAddr"] == "79001234562"
    assert f"mtNum {record.mt_num}" in desk.playground.chat(OPERATOR.id).message(message_id).text


async def test_a_cascade_falls_through_to_sms_on_the_page(desk: Desk, tmp_path: Path) -> None:
    at_an_operators_pace(desk)
    async with chromium() as browser:
        watched = await open_page(browser, desk.playground.base_url + "/")
        page = watched.page
        await say(page, "/cascade")
        await bot_bubbles(page).last.get_by_role("button", name="Viber → SMS", exact=True).click()
        await expect(bot_bubbles(page).last).to_contain_text("phone number")
        await say(page, "+7 900 123-45-64")  # 4: only SMS steps are delivered
        await expect(bot_bubbles(page).last).to_contain_text("text for the messages")
        await say(page, "Hello from the desk 👋")

        await expect(bot_bubbles(page).last.get_by_role("button", name=SEND)).to_be_visible()
        card, _ = await pinned(page, bot_bubbles(page).last)
        await expect(card).to_contain_text("Viber → SMS")
        await snap(page, tmp_path, "cascade-form", for_docs=True)
        await card.get_by_role("button", name=SEND).click()

        await expect(card).to_contain_text("mtNum")
        await expect(card).to_contain_text("1. Viber: UNDELIVERED", timeout=15_000)
        await expect(card).to_contain_text("2. SMS: DELIVERED", timeout=15_000)
        await settled(page)
        await snap(page, tmp_path, "cascade-status", for_docs=True)
        watched.assert_clean()
    (record,) = desk.sandbox.sends.values()
    assert [step.type.value for step in record.steps] == ["VIBER", "SMS"]
