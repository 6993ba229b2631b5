"""WAL checkpoints off a busy writer's path.

By default SQLite checkpoints inside the COMMIT that grows the WAL past 1,000 pages: that
commit copies the pages into the database file and syncs it. For the report writer, which
commits hundreds of times a second, that was one COMMIT in ~40 taking 8-17 ms instead of
0.2 (every request waiting on it waited as long) and ~15 % of its time. :class:`WalCheckpointer`
turns that off on the writer's connection (``wal_autocheckpoint = 0``) and checkpoints from
a thread of its own, on its own connection (should that thread ever stop, the writer's
connection gets SQLite's default back at its next transaction). ``sqlite3`` releases the
GIL while SQLite works, so the copy and the sync run on another core while the writer goes
on committing.

A PASSIVE checkpoint never waits for the writer, but SQLite starts the WAL file over only
when a transaction begins with every page of it already copied, which a writer that never
pauses may never allow. So once the WAL holds :data:`RESTART_PAGES` pages, the checkpointer
takes a turn of its own: the writer, which holds :meth:`WalCheckpointer.writing` around
its transactions, waits while a PASSIVE checkpoint copies the few pages the last one left;
its next transaction starts the WAL over.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

log = logging.getLogger(__name__)

CHECKPOINT_INTERVAL: Final = 0.1
"""Seconds between checkpoints while there are commits (none while there are none)."""
RESTART_PAGES: Final = 4096
"""WAL pages (16 MiB at 4 KiB) after which the writer waits for a checkpoint to finish."""
SQLITE_AUTOCHECKPOINT: Final = 1000
"""SQLite's default ``wal_autocheckpoint``, given back if the thread stops."""


class WalCheckpointer:
    """Checkpoints the database at ``path``, which ``writer`` writes to, from a daemon thread
    after :meth:`poke`, at most every ``interval`` seconds; :meth:`close` stops it."""

    def __init__(
        self,
        writer: sqlite3.Connection,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float,
        interval: float = CHECKPOINT_INTERVAL,
        restart_pages: int = RESTART_PAGES,
    ) -> None:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        self._writer = writer
        self._fell_back = False
        self._path = path
        self._busy_timeout = busy_timeout
        self._interval = interval
        self._restart_pages = restart_pages
        self._wanted = threading.Event()
        self._closing = threading.Event()
        self._turn = threading.Lock()
        self._writer_may_go = threading.Event()
        self._writer_may_go.set()
        self.checkpoints = self.restarts = 0
        """Checkpoints run, and how many of them took the writer's turn (for tests)."""
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)
        self._thread.start()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held by the writer around its transactions (see the module docstring)."""
        if not self._fell_back and not self._thread.is_alive() and not self._closing.is_set():
            # On the writer's thread, where its connection may be used.
            self._writer.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT:d}")
            self._fell_back = True
            log.error("event=wal_checkpointer_stopped fallback=autocheckpoint")
        self._writer_may_go.wait()
        with self._turn:
            yield

    def poke(self) -> None:
        """A transaction was committed."""
        self._wanted.set()

    def close(self) -> None:
        self._closing.set()
        self._wanted.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self._path, timeout=self._busy_timeout, isolation_level=None
            )
        except sqlite3.Error as exc:
            log.error("event=wal_checkpointer_not_started error=%s", type(exc).__name__)
            return
        try:
            while not self._closing.is_set():
                self._wanted.wait()
                self._wanted.clear()
                self._checkpoint(connection)
                self._closing.wait(self._interval)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            _, pages, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.checkpoints += 1
            if pages >= self._restart_pages:
                # Taken in turn, so that the writer cannot keep it waiting.
                self._writer_may_go.clear()
                try:
                    with self._turn:
                        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                finally:
                    self._writer_may_go.set()
                self.restarts += 1
        except sqlite3.Error as exc:
            # The next commit pokes again; until then the WAL only grows.
            log.warning("event=wal_checkpoint_failed error=%s", type(exc).__name__)
