"""What an on-call engineer reads in: their language (/lang), and a command menu in it that
lists what their role may do (issue #20)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playground import Playground
from playground.users import PlaygroundUser
from provider.sandbox import RunningSandbox
from tests.bot.conftest import ADMIN_ID, Desk, make_settings, running_desk
from tests.fault_proxy import Fault, FaultProxy, Seen, bot_method

VIEWER = ["status", "history", "trace", "lang", "tz", "help"]
OPERATOR = [
    "send", "sms", "flashcall", "voicecode", "cascade",
    "status", "history", "trace", "cancel", "lang", "tz", "help",
]  # fmt: skip
ADMIN = [*OPERATOR[:-3], "operators", "grant", "revoke", "invite", "invites", *OPERATOR[-3:]]


def menu_of(desk: Desk, user: PlaygroundUser) -> list[str]:
    return [c["command"] for c in desk.playground.visible_commands(user.id)]


def descriptions(desk: Desk, user: PlaygroundUser) -> dict[str, str]:
    return {c["command"]: c["description"] for c in desk.playground.visible_commands(user.id)}


async def menu_becomes(desk: Desk, user: PlaygroundUser, commands: list[str]) -> None:
    await desk.playground.wait_for(
        lambda: menu_of(desk, user) == commands, what=f"{user.id}'s menu to be {commands}"
    )


# -- /lang ----------------------------------------------------------------------------


async def test_lang_with_a_language_switches_at_once(desk: Desk) -> None:
    admin = desk.admin  # an English app

    russian = await admin.send_and_wait("/lang ru")
    help_ru = await admin.send_and_wait("/help")
    english = await admin.send_and_wait("/lang EN")
    picker = await admin.send_and_wait("/lang de")

    assert [m.text for m in russian] == ["Готово: говорю по-русски."]
    assert not russian[0].buttons
    assert "Пульт доставки" in help_ru[-1].text
    assert [m.text for m in english] == ["Done: I will speak English."]
    assert [b.text for row in picker[-1].buttons for b in row] == ["Русский", "English"]


async def test_the_command_menu_follows_the_chosen_language(desk: Desk) -> None:
    admin = desk.admin  # an English app
    await menu_becomes(desk, admin, ADMIN)
    assert descriptions(desk, admin)["help"] == "What I can do"

    await admin.send_and_wait("/lang ru")
    await desk.playground.wait_for(
        lambda: descriptions(desk, admin).get("help") == "Что я умею", what="a Russian menu"
    )
    await admin.send_and_wait("/lang")
    await admin.click_and_wait("English")
    await desk.playground.wait_for(
        lambda: descriptions(desk, admin).get("help") == "What I can do", what="an English menu"
    )

    assert menu_of(desk, admin) == ADMIN
    assert descriptions(desk, admin)["lang"] == "Language: /lang en or /lang ru"
    assert descriptions(desk, admin)["tz"] == "Time zone: /tz Europe/Moscow"


# -- menus by role --------------------------------------------------------------------


async def test_each_role_sees_only_its_commands_as_it_changes(desk: Desk) -> None:
    admin = desk.admin
    olga = desk.user(2002, "Olga", language="ru")
    await menu_becomes(desk, admin, ADMIN)

    await admin.send_and_wait("/grant 2002 viewer")
    await menu_becomes(desk, olga, VIEWER)
    assert descriptions(desk, olga)["status"] == "История отправки: /status mtNum"
    await admin.send_and_wait("/grant 2002 operator")
    await menu_becomes(desk, olga, OPERATOR)
    await admin.send_and_wait("/grant 2002 admin")
    await menu_becomes(desk, olga, ADMIN)
    await admin.send_and_wait("/revoke 2002")
    # Back to the menu everyone has: the bot's default.
    await desk.playground.wait_for(
        lambda: all(
            desk.playground.commands({"type": "chat", "chat_id": olga.id}, language) == []
            for language in ("ru", "en", "")
        ),
        what="Olga's own menus to be gone",
    )

    assert menu_of(desk, olga) == OPERATOR
    assert menu_of(desk, admin) == ADMIN


async def test_an_invited_viewer_gets_a_viewers_menu(desk: Desk) -> None:
    admin = desk.admin
    reply = (await admin.send_and_wait("/invite viewer"))[-1]
    token = re.search(r"start=(\S+)", reply.text)
    assert token is not None
    newcomer = desk.user(3003, "Newcomer")

    await newcomer.send_and_wait(f"/start {token[1]}")

    await menu_becomes(desk, newcomer, VIEWER)


async def test_someone_granted_before_they_opened_the_bot_gets_the_menu_on_start(
    desk: Desk,
) -> None:
    admin = desk.admin
    await menu_becomes(desk, admin, ADMIN)
    # Telegram refuses a menu for a chat that does not exist yet ("chat not found").
    await admin.send_and_wait("/grant 4004 viewer")
    await desk.playground.wait_for(
        lambda: any(
            call.params.get("scope") == {"type": "chat", "chat_id": 4004} and not call.ok
            for call in desk.playground.calls_to("setMyCommands")
        ),
        what="the bot to try 4004's menu",
    )
    late = desk.user(4004, "Late")
    assert menu_of(desk, late) == OPERATOR  # the default, until they open the bot

    await late.send_and_wait("/start")

    await menu_becomes(desk, late, VIEWER)


async def test_a_bootstrap_admins_menu_is_set_once_telegram_answers(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox, proxy: FaultProxy
) -> None:
    admin = playground.user(ADMIN_ID, "Admin", language_code="ru")  # has opened the bot
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    # Telegram answers as a load balancer with nobody behind it.
    down = proxy.add(Fault.status(502, forward=False), times=None)

    async with running_desk(settings, playground, sandbox, api_url=proxy.url) as desk:
        await proxy.wait_for(tried_several_times("setMyCommands"), timeout=10)
        assert playground.visible_commands(ADMIN_ID) == []
        proxy.remove(down)

        await menu_becomes(desk, admin, ADMIN)
        assert descriptions(desk, admin)["grant"] == "Дать роль: /grant id [роль]"


def tried_several_times(method: str) -> Callable[[list[Seen]], bool]:
    return lambda seen: sum(s.fault is not None and bot_method(method)(s.path) for s in seen) >= 3
