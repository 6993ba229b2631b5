"""The card notifier under Telegram's flood limits: spacing, no 429, cards before alerts."""

from __future__ import annotations

import itertools
from pathlib import Path

from bot.telegram.session import make_bot
from playground import Playground, PlaygroundConfig
from provider.sandbox import RunningSandbox
from storage import AccountRepository, ApiFamily, NewSend, NewStatusEvent
from tests.bot.conftest import ADMIN_ID, make_settings, running_desk


async def test_a_burst_edits_every_card_before_the_alerts_and_earns_no_429(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    async with Playground(PlaygroundConfig(flood_control=True)).running() as playground:
        settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
        async with running_desk(settings, playground, sandbox) as desk:
            desk.admin  # noqa: B018 - creates the admin's chat
            services = desk.stores
            account = await AccountRepository(services.db).ensure("other", ApiFamily.REST)
            poster = make_bot("123456:playground", playground.base_url, wait_out_flood_limits=True)
            cards = []
            playground.flood_control = False  # the cards were posted a while ago
            try:
                for n in range(2):
                    send = await services.sends.create_submitting(
                        NewSend(
                            partner_id=f"order-{n}",
                            account_id=account.id,
                            channel="SMS",
                            steps=("SMS",),
                            destination=f"7900111000{n}",
                            request={},
                            operator_id=ADMIN_ID,
                            chat_id=ADMIN_ID,
                        )
                    )
                    await services.sends.mark_accepted(send.id, mt_num=f"order-mt-{n}")
                    message = await poster.send_message(ADMIN_ID, f"card {n}")
                    await services.sends.set_card_message(send.id, message.message_id)
                    cards.append(message.message_id)
            finally:
                await poster.session.close()
            playground.flood_control = True
            start, refused_before = len(playground.calls), playground.flood_refusals
            # Both sends fail for good at once: two card edits and two alerts are owed.
            await services.statuses.record_status_events(
                [
                    NewStatusEvent("SMS", "UNDELIVERED", mt_num=f"order-mt-{n}", error_code=2)
                    for n in range(2)
                ]
            )
            desk.pipeline.notifier.wake()

            def chat_calls() -> list[str]:
                return [
                    call.method
                    for call in playground.calls[start:]
                    if call.params.get("chat_id") == ADMIN_ID
                    and call.method in ("editMessageText", "sendMessage")
                ]

            await playground.wait_for(
                lambda: chat_calls().count("sendMessage") == 2, timeout=10, what="both alerts"
            )
            calls = [
                call
                for call in playground.calls[start:]
                if call.params.get("chat_id") == ADMIN_ID
                and call.method in ("editMessageText", "sendMessage")
            ]
            refusals = playground.flood_refusals - refused_before
    assert [call.method for call in calls] == [
        "editMessageText",
        "editMessageText",
        "sendMessage",
        "sendMessage",
    ]
    assert all(call.ok for call in calls)
    assert refusals == 0
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(calls)]
    assert min(gaps) >= 1.0
    for message_id in cards:
        assert "UNDELIVERED" in playground.chat(ADMIN_ID).message(message_id).text
