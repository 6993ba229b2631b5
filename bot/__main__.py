"""Entry point: `python -m bot`. Opens the resources, then polls Telegram until stopped."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from contextlib import AsyncExitStack

from bot.app import create_dispatcher, open_services, register_commands
from bot.reports.pipeline import cannot_listen, status_pipeline
from bot.settings import ConfigError, Settings, split_listen
from bot.telegram.session import make_bot
from playground import Playground, PlaygroundConfig
from playground.config import OPERATOR
from provider.sandbox import Sandbox, SandboxConfig

log = logging.getLogger("bot")


async def run(settings: Settings) -> None:
    async with AsyncExitStack() as stack:
        if settings.telegram.bot_token is None:
            token, api_url = await _start_playground(settings, stack)
        else:
            token = settings.telegram.bot_token.get_secret_value()
            api_url = settings.telegram.telegram_api_url
        sandbox_url = None
        if any(account.is_sandbox for account in settings.accounts):
            sandbox = await stack.enter_async_context(
                Sandbox(SandboxConfig()).running(host="127.0.0.1", port=0)
            )
            sandbox_url = sandbox.rest_url
            log.info("event=sandbox_embedded url=%s", sandbox.base_url)
        services = await stack.enter_async_context(open_services(settings, sandbox_url=sandbox_url))
        await services.sending.recover_interrupted()
        bot = make_bot(token, api_url, wait_out_flood_limits=True)
        stack.push_async_callback(bot.session.close)
        cards_bot = make_bot(token, api_url, wait_out_flood_limits=False)
        stack.push_async_callback(cards_bot.session.close)
        await stack.enter_async_context(status_pipeline(settings, services, cards_bot))
        dispatcher = create_dispatcher(settings, services)
        await register_commands(bot, services.catalogs)
        # start_polling stops on SIGINT/SIGTERM and lets running handlers finish.
        await dispatcher.start_polling(bot, close_bot_session=False)


async def _start_playground(settings: Settings, stack: AsyncExitStack) -> tuple[str, str]:
    """No BOT_TOKEN: a local Telegram in the browser, its user the admin (unless ADMIN_IDS)."""
    listen = settings.telegram.playground_listen
    host, port = split_listen(listen, default_host="127.0.0.1")
    try:
        playground = await stack.enter_async_context(
            Playground(PlaygroundConfig(flood_control=True)).running(host, port)
        )
    except OSError as exc:
        raise cannot_listen("PLAYGROUND_LISTEN", listen, exc) from exc
    if not settings.telegram.admin_ids:
        settings.telegram.admin_ids = [OPERATOR.id]
    print(
        f"delivery-desk: no BOT_TOKEN, so this is the playground: open {playground.base_url}/ "
        "in a browser (set BOT_TOKEN in .env to use Telegram).",
        file=sys.stderr,
        flush=True,
    )
    return playground.token, playground.base_url


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.load(dict(os.environ))
        asyncio.run(run(settings))
    except ConfigError as exc:
        print(f"delivery-desk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
