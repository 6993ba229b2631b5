"""Entry point: `python -m bot`. Starts the emulators it needs (the playground when there is
no BOT_TOKEN, the sandbox for sandbox accounts), then the desk, then polls Telegram."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from contextlib import AsyncExitStack

from bot.app import TelegramEndpoint, running_desk
from bot.reports.pipeline import cannot_listen
from bot.settings import ConfigError, Settings, split_listen
from handlers import setup_routers
from playground import Playground, PlaygroundConfig
from playground.config import OPERATOR
from provider.sandbox import Sandbox, SandboxConfig

log = logging.getLogger("bot")


async def run(settings: Settings) -> None:
    async with AsyncExitStack() as stack:
        if settings.telegram.bot_token is None:
            telegram = await _start_playground(settings, stack)
            if not settings.telegram.admin_ids:
                settings = settings.with_admins([OPERATOR.id])
        else:
            telegram = TelegramEndpoint(
                settings.telegram.bot_token.get_secret_value(),
                settings.telegram.telegram_api_url,
            )
        sandbox_url = None
        sandboxed = [account for account in settings.accounts if account.is_sandbox]
        if sandboxed:
            # One embedded sandbox serves every sandbox account; it reads FLASHINGCALLs out
            # (VoiceCode) when one of them has VoiceCode.
            config = SandboxConfig(voice_code=any(account.voice_code for account in sandboxed))
            sandbox = await stack.enter_async_context(
                Sandbox(config).running(host="127.0.0.1", port=0)
            )
            sandbox_url = sandbox.rest_url
            log.info("event=sandbox_embedded url=%s", sandbox.base_url)
        desk = await stack.enter_async_context(
            running_desk(settings, telegram, routers=setup_routers(), sandbox_url=sandbox_url)
        )
        # start_polling stops on SIGINT/SIGTERM; sends under way then get a few seconds to
        # finish and post their cards before the desk closes under them.
        await desk.dispatcher.start_polling(desk.bot, close_bot_session=False)
        await desk.services.sending.drain()


async def _start_playground(settings: Settings, stack: AsyncExitStack) -> TelegramEndpoint:
    """No BOT_TOKEN: a local Telegram in the browser, its user the admin (unless ADMIN_IDS)."""
    listen = settings.telegram.playground_listen
    host, port = split_listen(listen, default_host="127.0.0.1")
    try:
        playground = await stack.enter_async_context(
            Playground(PlaygroundConfig(flood_control=True)).running(host, port)
        )
    except OSError as exc:
        raise cannot_listen("PLAYGROUND_LISTEN", listen, exc) from exc
    print(
        f"delivery-desk: no BOT_TOKEN, so this is the playground: open {playground.base_url}/ "
        "in a browser (set BOT_TOKEN in .env to use Telegram).",
        file=sys.stderr,
        flush=True,
    )
    return TelegramEndpoint(playground.token, playground.base_url)


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
