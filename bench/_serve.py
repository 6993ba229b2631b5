"""The ingest benchmark's servers, each run alone in a process (``python -m bench._serve``).

``receiver``: the bot's report receiver wired as :func:`bot.reports.pipeline.status_pipeline` wires
it (``ReportReceiver.make_app()`` on an ``AppRunner`` without access log), with its report
writer's process on the real database, and the bot's logging set-up (INFO) writing to a
file (the writer's process inherits it).
``bare``: an aiohttp endpoint on the same path that reads the body and answers 200.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from aiohttp import web

from bench._proc import announce_ready, wait_for_termination
from bot.reports.health import HealthReport
from bot.reports.receiver import ReportReceiver
from bot.reports.urls import REPORTS_PATH
from bot.reports.writer.protocol import WriterConfig
from storage import DEFAULT_BUSY_TIMEOUT, Database


class ChangeCounter:
    """Stands in for ``CardNotifier.wake`` (the notifier is measured by bench.cards)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


async def bare_app() -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        # The receiver's own way of answering (a prebuilt body), so only storing differs.
        return web.Response(body=b'{"stored": 1}', content_type="application/json")

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(REPORTS_PATH + "{secret}", answer)
    return app


async def serve(app: web.Application) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        announce_ready(runner.addresses[0][1])
        await wait_for_termination()
    finally:
        await runner.cleanup()


async def main_async(args: argparse.Namespace) -> None:
    if args.mode == "bare":
        await serve(await bare_app())
        return
    async with await Database.open(args.db) as db:

        async def health() -> HealthReport:
            await db.fetch_one("SELECT 1")
            state = receiver.writer.state
            return HealthReport(healthy=state == "ok", body={"database": "ok", "reports": state})

        writer = WriterConfig(
            database=str(args.db),
            busy_timeout=DEFAULT_BUSY_TIMEOUT,
            literal_secrets=[],
            log_level="INFO" if args.log is not None else "WARNING",
        )
        receiver = ReportReceiver(writer, args.secret, on_change=ChangeCounter(), health=health)
        await serve(receiver.make_app())
        logging.getLogger(__name__).warning(
            "event=bench_receiver_done writer_starts=%d", receiver.writer.starts
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._serve")
    parser.add_argument("mode", choices=["receiver", "bare"])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--secret", default="bench")
    parser.add_argument("--log", type=Path, help="log file (default: no logging)")
    parser.add_argument("--profile", type=Path, help="write cProfile stats here")
    args = parser.parse_args()
    if args.log is not None:
        # As bot.__main__ configures it, into a file instead of the terminal; the report
        # writer's process inherits the same stderr.
        with args.log.open("ab") as log_file:
            os.dup2(log_file.fileno(), sys.stderr.fileno())
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    if args.profile is None:
        asyncio.run(main_async(args))
        return
    import cProfile

    with cProfile.Profile() as profile:
        asyncio.run(main_async(args))
    profile.dump_stats(args.profile)


if __name__ == "__main__":
    main()
