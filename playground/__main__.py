"""``python -m playground --port N``: the local Telegram as a process of its own."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Sequence

from playground.app import Playground
from playground.config import PlaygroundConfig


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m playground",
        description="A local Telegram Bot API with a web chat page.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--no-flood-control",
        dest="flood_control",
        action="store_false",
        help="never answer 429 (Telegram's flood limits are emulated by default)",
    )
    parser.add_argument("--bot-username", default=PlaygroundConfig().bot_username)
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING...")
    return parser.parse_args(argv)


async def serve(config: PlaygroundConfig, host: str, port: int) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly (long polls and page streams ended)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with Playground(config).running(host=host, port=port):
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    config = PlaygroundConfig(flood_control=args.flood_control, bot_username=args.bot_username)
    asyncio.run(serve(config, args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
