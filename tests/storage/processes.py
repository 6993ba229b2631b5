"""Starting ``child_writer`` in a separate process with the test run's interpreter."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


async def start_child(*args: str) -> asyncio.subprocess.Process:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.storage.child_writer",
        *args,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_line(process: asyncio.subprocess.Process, deadline: float) -> str:
    """The child's next stdout line, failing the test if it does not come by ``deadline``."""
    assert process.stdout is not None
    remaining = deadline - asyncio.get_running_loop().time()
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=max(remaining, 0.0))
    except TimeoutError:
        raise AssertionError("child process did not report in time") from None
    if not line:
        assert process.stderr is not None
        error = await process.stderr.read()
        raise AssertionError(f"child process ended early: {error.decode(errors='replace')}")
    return line.decode().strip()
