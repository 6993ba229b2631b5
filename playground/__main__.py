"""``python -m playground --port N``: the local Telegram as a process of its own."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from playground.app import Playground
from playground.config import PlaygroundConfig
from serving import run_until_signalled


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m playground",
        description="A local Telegram Bot API with a web chat page.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--allow-host",
        dest="page_hosts",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the page may be opened by (IP addresses and localhost always may)",
    )
    parser.add_argument(
        "--no-flood-control",
        dest="flood_control",
        action="store_false",
        help="never answer 429 (Telegram's flood limits are emulated by default)",
    )
    parser.add_argument("--bot-username", default=PlaygroundConfig().bot_username)
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING...")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    config = PlaygroundConfig(
        flood_control=args.flood_control,
        bot_username=args.bot_username,
        page_hosts=tuple(args.page_hosts),
    )
    # Until SIGINT or SIGTERM, then a clean stop (long polls and page streams ended).
    return run_until_signalled(
        "python -m playground",
        args.host,
        args.port,
        lambda: Playground(config).running(args.host, args.port),
    )


if __name__ == "__main__":
    raise SystemExit(main())
