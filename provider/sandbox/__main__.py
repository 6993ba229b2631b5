"""``python -m provider.sandbox --port N``: the sandbox platform as a process of its own."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from pydantic import SecretStr, ValidationError

from provider.sandbox.app import Sandbox
from provider.sandbox.config import SandboxConfig
from serving import run_until_signalled


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m provider.sandbox",
        description="An emulator of the messaging platform's REST v6 API (POST /rest/send).",
    )
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--login", default="sandbox", help="the account's login")
    parser.add_argument("--password", default="sandbox", help="the account's password")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="real seconds per simulated second (0.001: a 1-minute ttl lasts 60 ms)",
    )
    parser.add_argument("--report-url", help="the account's report URL (when no notifyUrl)")
    parser.add_argument(
        "--allowed-ips", help="comma-separated addresses or networks allowed to send"
    )
    parser.add_argument(
        "--voice-code",
        action="store_true",
        help="the account has VoiceCode: a FLASHINGCALL's text is the code alone, 4 digits",
    )
    parser.add_argument(
        "--no-duplicate-control",
        dest="duplicate_control",
        action="store_false",
        help="the account has no duplicate control by id: the same id sent twice is two "
        "messages (the platform's default, seed 001)",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING...")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> SandboxConfig:
    allowed = None
    if args.allowed_ips:
        allowed = tuple(ip.strip() for ip in args.allowed_ips.split(",") if ip.strip())
    return SandboxConfig(
        login=args.login,
        password=SecretStr(args.password),
        time_scale=args.time_scale,
        report_url=args.report_url,
        allowed_ips=allowed,
        voice_code=args.voice_code,
        duplicate_control=args.duplicate_control,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        config = config_from(args)
    except ValidationError as exc:
        # Only the fields' names and rules: the password is never printed back.
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
        print(f"invalid settings: {fields}", file=sys.stderr)
        return 2
    # Until SIGINT or SIGTERM, then a clean stop (deliveries cancelled, session closed).
    return run_until_signalled(
        "python -m provider.sandbox",
        args.host,
        args.port,
        lambda: Sandbox(config).running(args.host, args.port),
    )


if __name__ == "__main__":
    raise SystemExit(main())
