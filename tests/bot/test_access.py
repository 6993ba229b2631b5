"""Only operators may act; everyone else gets their id and nothing happens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey

from storage import Invite, InviteRepository, Role
from tests.bot.conftest import ADMIN_ID, Desk
from tests.helpers import database_contents

STRANGER = 555


ENTRY_POINTS = [
    "/start",
    "/help",
    "/sms +79001234560 hi",
    "/flashcall 79001234560",
    "/send",
    "/cascade",
    "/status 123",
    "/history",
    "/trace 79001234560",
    "/operators",
    "/grant 1 admin",
    "/invite",
    "/lang",
    "/cancel",
    "hello",
]


@pytest.mark.parametrize("text", ENTRY_POINTS)
async def test_a_stranger_gets_a_refusal_with_their_id_and_nothing_else(
    desk: Desk, text: str
) -> None:
    stranger = desk.user(STRANGER, "Stranger")

    replies = await stranger.send_and_wait(text)

    assert len(replies) == 1
    assert str(STRANGER) in replies[-1].text
    assert not desk.sandbox.received
    assert await desk.services.access.operator(STRANGER) is None
    assert (
        await desk.stores.fsm.get_data(
            StorageKey(bot_id=123456, chat_id=STRANGER, user_id=STRANGER)
        )
        == {}
    )


async def test_a_stranger_with_a_bogus_invite_gets_their_id(desk: Desk) -> None:
    stranger = desk.user(STRANGER, "Stranger")
    replies = await stranger.send_and_wait("/start bogus-invite")
    assert "not valid" in replies[-1].text
    assert str(STRANGER) in replies[-1].text


async def test_in_a_group_only_the_author_can_use_a_form(desk: Desk) -> None:
    admin = desk.admin
    stranger = desk.user(STRANGER, "Stranger")
    await desk.grant(2001, "operator")
    colleague = desk.user(2001, "Colleague")
    group = desk.playground.group("on-call", [admin, stranger, colleague])
    card = (await admin.send_and_wait("/sms 79001234560 hi", group.id))[-1]

    by_stranger = await stranger.click_and_wait("✅", card, chat=group.id)
    by_colleague = await colleague.click_and_wait("✅", card, chat=group.id)
    forged = await colleague.click_data(card.message_id, "c:999:repeat", chat=group.id)
    await desk.playground.wait_for(lambda: desk.playground.callback(forged.id).answered)

    assert by_stranger.show_alert
    assert str(STRANGER) in (by_stranger.text or "")
    assert by_colleague.show_alert
    assert "This is Admin's form" in (by_colleague.text or "")
    assert "no longer active" in (desk.playground.callback(forged.id).text or "")
    assert not desk.sandbox.received


async def test_a_viewer_may_look_but_not_send(desk: Desk) -> None:
    await desk.grant(2002, "viewer")
    viewer = desk.user(2002, "Viewer")

    refused = await viewer.send_and_wait("/sms 79001234560 hi")
    history = await viewer.send_and_wait("/history")

    assert "viewer" in refused[-1].text
    assert "cannot do that" in refused[-1].text
    assert "No sends yet" in history[-1].text
    assert not desk.sandbox.received


async def test_an_invite_works_once(desk: Desk) -> None:
    admin = desk.admin
    link = (await admin.send_and_wait("/invite viewer"))[-1].text
    token = link.split("?start=")[1].split()[0]
    newcomer = desk.user(3003, "New")
    late = desk.user(3004, "Late")

    welcome = await newcomer.send_and_wait(f"/start {token}")
    reused = await late.send_and_wait(f"/start {token}")

    assert "t.me/desk_playground_bot?start=" in link
    assert "Welcome" in welcome[0].text
    operator = await desk.services.access.operator(3003)
    assert operator is not None
    assert operator.role is Role.VIEWER
    assert "already used" in reused[-1].text
    assert await desk.services.access.operator(3004) is None


async def test_an_expired_invite_is_refused(desk: Desk) -> None:
    created = await InviteRepository(desk.stores.db).create(
        Role.OPERATOR, created_by=ADMIN_ID, valid_for=timedelta(seconds=-1)
    )
    late = desk.user(3005, "Late")

    replies = await late.send_and_wait(f"/start {created.token}")

    assert "expired" in replies[-1].text
    assert await desk.services.access.operator(3005) is None


async def test_grant_and_revoke_are_audited_and_take_effect(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/grant 4004 operator")
    operator = desk.user(4004, "Op")
    allowed = await operator.send_and_wait("/sms 79001234560 hi")
    await admin.send_and_wait("/revoke 4004")
    refused = await operator.send_and_wait("/sms 79001234560 hi")

    assert allowed[-1].button_texts[0].startswith("✅")
    assert "4004" in refused[-1].text
    assert "support team only" in refused[-1].text
    actions = [entry.action for entry in await desk.stores.audit.recent(limit=10)]
    assert "operator.grant" in actions
    assert "operator.revoke" in actions


async def test_an_invite_dies_with_its_creators_admin_role(desk: Desk) -> None:
    await desk.grant(2005, "admin")
    deputy = desk.user(2005, "Deputy")
    link = (await deputy.send_and_wait("/invite admin"))[-1].text
    token = link.split("?start=")[1].split()[0]
    await desk.admin.send_and_wait("/revoke 2005")
    newcomer = desk.user(3006, "New")

    replies = await newcomer.send_and_wait(f"/start {token}")

    assert "cancelled" in replies[-1].text
    assert "3006" in replies[-1].text
    assert await desk.services.access.operator(3006) is None


async def test_admins_see_the_open_invites_and_cancel_any(desk: Desk) -> None:
    admin = desk.admin
    first = (await admin.send_and_wait("/invite viewer"))[-1].text
    await admin.send_and_wait("/invite operator")
    [listing] = await admin.send_and_wait("/invites")
    [first_invite, second_invite] = sorted(await desk.services.access.open_invites(), key=id_of)

    answer = await admin.click_and_wait(f"✖ #{first_invite.id}", listing)
    refused = await desk.user(3007, "Late").send_and_wait(
        f"/start {first.split('?start=')[1].split()[0]}"
    )

    assert "Open invites (2)" in listing.text
    assert f"#{first_invite.id} · viewer" in listing.text
    assert f"#{second_invite.id} · operator" in listing.text
    assert f"Invite #{first_invite.id} cancelled" in (answer.text or "")
    updated = admin.chat.message(listing.message_id)
    assert "Open invites (1)" in updated.text
    assert updated.button_texts == [f"✖ #{second_invite.id}"]
    assert "cancelled" in refused[-1].text
    assert await desk.services.access.operator(3007) is None
    actions = [entry.action for entry in await desk.stores.audit.recent(limit=5)]
    assert "invite.cancel" in actions


def id_of(invite: Invite) -> int:
    return invite.id


async def test_only_admins_list_invites(desk: Desk) -> None:
    await desk.grant(2006, "operator")
    replies = await desk.user(2006, "Op").send_and_wait("/invites")
    assert "cannot do that" in replies[-1].text


async def test_a_stranger_leaves_the_database_unchanged(desk: Desk) -> None:
    stranger = desk.user(STRANGER, "Stranger", language="ru")
    # The bot's own start-up writes are done once the admin's first update was answered.
    await desk.admin.send_and_wait("/help")
    before = database_contents(desk.settings.storage.database_path)

    for text in [*ENTRY_POINTS, "/start bogus-invite", "/lang"]:
        await stranger.send_and_wait(text)
    refusal = stranger.chat.bot_messages[-1]
    forged = await stranger.click_data(refusal.message_id, "l:en")
    await desk.playground.wait_for(lambda: desk.playground.callback(forged.id).answered)

    assert database_contents(desk.settings.storage.database_path) == before
    # Refused in their own language all the same.
    assert "только для команды поддержки" in refusal.text
