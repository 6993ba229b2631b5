"""Serving an aiohttp app on an address of ours: the start-up of every server in this
repository (the bot's report receiver, the sandbox platform, the playground) and the
emulators' command lines' run until a signal.

A leaf: it imports nothing of ours, so the playground and the sandbox, which depend on
nothing of ours, can share it with the bot."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any

from aiohttp import web

from serving.guard import ConnectionLimits, GuardedSite, connection_phases, read_body

__all__ = [
    "ConnectionLimits",
    "connection_phases",
    "read_body",
    "run_until_signalled",
    "start_site",
    "why_not_bound",
]


async def start_site(
    app: web.Application,
    host: str,
    port: int,
    *,
    shutdown_timeout: float,
    limits: ConnectionLimits | None = None,
) -> tuple[web.AppRunner, str]:
    """The app's runner listening on host:port (0: a free port) and its base URL. Nothing is
    left running when the address cannot be bound (the OSError is raised).

    With ``limits`` (a server open to the internet) the site is a :class:`GuardedSite`, and
    the app should install :func:`connection_phases` and read bodies with :func:`read_body`.
    """
    # The servers log their own key=value lines instead of aiohttp's access log.
    options: dict[str, Any] = {}
    if limits is not None:
        options["keepalive_timeout"] = limits.keepalive_timeout
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout, **options)
    await runner.setup()
    site = (
        web.TCPSite(runner, host, port)
        if limits is None
        else GuardedSite(runner, host, port, limits=limits)
    )
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return runner, f"http://{shown}:{bound_port}"


def why_not_bound(exc: OSError) -> str:
    """A failed bind's reason in a few words ("address already in use")."""
    if exc.errno is not None and exc.errno > 0:
        # Not asyncio's own wording, which repeats the address.
        return os.strerror(exc.errno).lower()
    return exc.strerror or str(exc)  # a host name that does not resolve


def run_until_signalled(
    command: str, host: str, port: int, server: Callable[[], AbstractAsyncContextManager[object]]
) -> int:
    """A server's command line: the server (made in the event loop) until SIGINT or SIGTERM,
    then its clean stop; the exit status. An address that cannot be bound is one line on
    stderr and 2, not a traceback."""
    failure = asyncio.run(_serve_until_signalled(server))
    if failure is None:
        return 0
    print(f"{command}: cannot listen on {host}:{port} ({failure})", file=sys.stderr)
    return 2


async def _serve_until_signalled(
    server: Callable[[], AbstractAsyncContextManager[object]],
) -> str | None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(server())
            except OSError as exc:
                return why_not_bound(exc)
            await stop.wait()
        return None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
