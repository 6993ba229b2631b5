"""Servers under test in their own process: started, awaited until ready, always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

READY = "READY"
"""The first stdout line of a ready server: ``READY <port>``."""

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Server:
    port: int
    pid: int

    def thread_cpu_seconds(self) -> dict[str, float]:
        """User + system CPU time so far: "main" (the event loop), "other threads"
        (aiosqlite's...) and "child processes" (the report writer's, all its threads)."""
        threads = {"main": 0.0, "other threads": 0.0, "child processes": 0.0}
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with contextlib.suppress(OSError):
                name = "main" if task.name == str(self.pid) else "other threads"
                threads[name] += _cpu(task / "stat")
        for child in descendants(self.pid):
            with contextlib.suppress(OSError):
                threads["child processes"] += _cpu(Path(f"/proc/{child}/stat"))
        return threads


def descendants(pid: int) -> list[int]:
    """Descendants of ``pid`` that are running now (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def _cpu(stat: Path) -> float:
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU time this machine spent busy so far, all cores and processes (0 if unknown)."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, IndexError, ValueError):
        return 0.0
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def server_process(
    module: str,
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    ready_timeout: float = 30.0,
    stop_timeout: float = 10.0,
) -> AsyncIterator[Server]:
    """Run ``python -m module args``; yields once it printed ``READY <port>``.

    SIGTERM on the way out, SIGKILL if it does not exit within ``stop_timeout``.
    """
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        stdout=asyncio.subprocess.PIPE,
        env=environment,
        cwd=cwd or ROOT,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), ready_timeout)
        word, _, port = line.decode().strip().partition(" ")
        if word != READY:
            raise RuntimeError(f"{module} did not start (said {line!r})")
        yield Server(int(port), process.pid)
    finally:
        await stop_process(process, stop_timeout)


async def stop_process(process: asyncio.subprocess.Process, timeout: float) -> None:  # noqa: ASYNC109
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    if process.returncode not in (0, -signal.SIGTERM):
        print(f"warning: server exited with {process.returncode}", file=sys.stderr)


def announce_ready(port: int) -> None:
    """Called by the server process once it accepts connections."""
    print(f"{READY} {port}", flush=True)


async def wait_for_termination() -> None:
    """Until SIGTERM or SIGINT (server processes)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
