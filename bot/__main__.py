"""Entry point: `python -m bot`."""

from __future__ import annotations

import sys

from bot.settings import TelegramSettings

NOT_CONFIGURED = (
    "delivery-desk: not configured yet: set BOT_TOKEN (in the environment or in .env) "
    "to the token @BotFather gave you, then run `make run` again."
)


def main() -> int:
    settings = TelegramSettings()
    if settings.bot_token is None:
        print(NOT_CONFIGURED, file=sys.stderr)
        return 2
    print("delivery-desk: the bot itself arrives with the next milestone.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
