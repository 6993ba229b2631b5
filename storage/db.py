"""The one object that owns the SQLite file: connections, write discipline, migrations.

Write discipline. The status receiver (aiohttp, same process), the bot's handlers, the
legacy poller and possibly a second process all write to one file. SQLite allows one
writer at a time, so:

* one *writer* connection per process, guarded by an ``asyncio.Lock``; every write is one
  short ``BEGIN IMMEDIATE ... COMMIT`` (:meth:`Database.transaction`). IMMEDIATE takes the
  file's write lock up front, where ``busy_timeout`` applies; a deferred transaction that
  upgrades from read to write can fail at once with SQLITE_BUSY and no retry;
* no network I/O inside a transaction: repository methods take plain values, so a
  transaction never waits for Telegram or the platform;
* a separate *reader* connection (``query_only``) serves lookups, so a read never sees a
  half-done write of this process and never queues behind the write lock (WAL readers
  do not block writers and vice versa).

Durability. ``journal_mode=WAL`` with ``synchronous=NORMAL``: a committed transaction
survives a crash of the process (SIGKILL); only an OS crash or power loss may lose the last
few commits, never corrupt the file. That is the right trade for status events, which the
platform redelivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, TypeVar, cast

import aiosqlite

from storage.errors import DatabaseTooNewError, MigrationError, SQLiteTooOldError, StorageError
from storage.migrations import Migration, check_sequence, load_migrations
from storage.secrets_scrub import Scrubber
from storage.timeutil import Clock, utc_now

SqlParams = Sequence[Any] | Mapping[str, Any]

MIN_SQLITE_VERSION: Final = (3, 37, 0)
"""STRICT tables (3.37), RETURNING (3.35)."""

DEFAULT_BUSY_TIMEOUT: Final = 10.0
"""Seconds a writer waits for another process's transaction; ours last milliseconds."""

_T = TypeVar("_T")

_WRITER_PRAGMAS: Final = ("PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON")

_in_transaction: contextvars.ContextVar[Database | None] = contextvars.ContextVar(
    "storage_in_transaction", default=None
)


class Transaction:
    """Statements inside one ``BEGIN IMMEDIATE`` transaction on the writer connection.

    Every statement is a hop to aiosqlite's thread and back, so the BEGIN travels with the
    first statement and :meth:`run_sync` can take the COMMIT along with the last.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._open = True
        self.begun = False
        """A statement was sent (so the transaction must be committed or rolled back)."""
        self.committed = False

    async def execute(self, sql: str, params: SqlParams = ()) -> list[sqlite3.Row]:
        """Run one statement and return its rows (use RETURNING to learn what changed).

        The statement runs to completion on aiosqlite's thread, so no cursor outlives the
        call.
        """
        if self.begun:
            self._check_open()
            return list(await self._connection.execute_fetchall(sql, params))
        return await self.run_sync(lambda connection: connection.execute(sql, params).fetchall())

    async def fetch_one(self, sql: str, params: SqlParams = ()) -> sqlite3.Row | None:
        rows = await self.execute(sql, params)
        return rows[0] if rows else None

    async def run_sync(
        self, work: Callable[[sqlite3.Connection], _T], *, commit: bool = False
    ) -> _T:
        """Run ``work`` with the connection on its own thread: many statements, one hop.

        Each :meth:`execute` is a hop to aiosqlite's thread and back, and each hands the GIL
        to and fro while the event loop is busy; a batch of statements (the report
        receiver's group commit) pays that once here. ``work`` must be quick and do nothing
        but SQL on the connection it is given, without COMMIT or ROLLBACK: ``commit=True``
        commits right after it, in the same hop, and ends the transaction.
        """
        self._check_open()
        begin, self.begun = not self.begun, True

        def in_transaction(connection: sqlite3.Connection) -> _T:
            if begin:
                connection.execute("BEGIN IMMEDIATE")
            result = work(connection)
            if commit:
                connection.execute("COMMIT")
            return result

        raw = self._connection
        # aiosqlite has no public way to run a function on its thread; ``_execute`` is the
        # path its own ``execute`` takes (FIFO on the thread that owns the connection).
        run = cast(Callable[[Callable[[], _T]], Awaitable[_T]], raw._execute)
        result = await run(lambda: in_transaction(raw._conn))
        if commit:
            self.committed = True
            self._open = False
        return result

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("transaction already finished")

    def _finish(self) -> None:
        self._open = False


class Database:
    """An open storage file: create with :meth:`open`, close with :meth:`close`/``async with``."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        *,
        clock: Clock,
        scrubber: Scrubber,
    ) -> None:
        self._path = path
        self._writer = writer
        self._reader = reader
        self._clock = clock
        self._scrubber = scrubber
        self._write_lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        migrations: Sequence[Migration] | None = None,
        clock: Clock = utc_now,
        literal_secrets: Iterable[str] = (),
    ) -> Database:
        """Open (creating if needed) and migrate the database at ``path``.

        ``migrations`` defaults to the packaged ``storage/migrations/*.sql``; tests pass a
        prefix of them to build old databases. ``literal_secrets`` (the configured platform
        password, the bot token) are scrubbed from every stored payload wherever they occur.
        Raises :class:`DatabaseTooNewError` when the file is newer than ``migrations``.
        """
        if sqlite3.sqlite_version_info < MIN_SQLITE_VERSION:
            raise SQLiteTooOldError(sqlite3.sqlite_version, ".".join(map(str, MIN_SQLITE_VERSION)))
        chosen = tuple(load_migrations() if migrations is None else migrations)
        check_sequence(list(chosen))
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)

        writer = await _connect(file, busy_timeout)
        try:
            reader = await _connect(file, busy_timeout)
        except BaseException:
            await writer.close()
            raise
        db = cls(file, writer, reader, clock=clock, scrubber=Scrubber(literal_secrets))
        try:
            await db._configure(busy_timeout)
            await db._migrate(chosen)
        except BaseException:
            await db.close()
            raise
        return db

    async def _configure(self, busy_timeout: float) -> None:
        timeout_ms = int(busy_timeout * 1000)
        # busy_timeout first: switching a fresh file to WAL needs a lock another process
        # opening the same file at the same moment may hold.
        for connection in (self._writer, self._reader):
            await connection.execute_fetchall(f"PRAGMA busy_timeout = {timeout_ms}")
        rows = list(await self._writer.execute_fetchall("PRAGMA journal_mode = WAL"))
        mode = str(rows[0][0]).lower() if rows else "?"
        if mode != "wal":
            raise StorageError(
                f"{self._path}: could not enable WAL (journal_mode is {mode!r}); "
                "a network or read-only filesystem?"
            )
        for pragma in _WRITER_PRAGMAS:
            await self._writer.execute_fetchall(pragma)
        await self._reader.execute_fetchall("PRAGMA query_only = ON")

    async def _migrate(self, migrations: tuple[Migration, ...]) -> None:
        latest = len(migrations)
        current = await self._writer_user_version()
        if current > latest:
            raise DatabaseTooNewError(self._path, current, latest)
        for migration in migrations[current:]:
            async with self.transaction() as tx:
                # Re-read under the write lock: another process may have migrated meanwhile.
                row = await tx.fetch_one("PRAGMA user_version")
                version = int(row[0]) if row else 0
                if version > latest:
                    raise DatabaseTooNewError(self._path, version, latest)
                if version >= migration.version:
                    continue
                for statement in migration.statements:
                    try:
                        await tx.execute(statement)
                    except sqlite3.Error as exc:
                        raise MigrationError(
                            f"migration {migration.version:04d}_{migration.name} failed and "
                            f"was rolled back ({exc}); statement: {statement[:200]!r}"
                        ) from exc
                # Inside the same transaction: the bump commits or rolls back with the DDL.
                await tx.execute(f"PRAGMA user_version = {migration.version:d}")

    async def _writer_user_version(self) -> int:
        rows = list(await self._writer.execute_fetchall("PRAGMA user_version"))
        return int(rows[0][0])

    @property
    def path(self) -> Path:
        return self._path

    def now(self) -> datetime:
        return self._clock()

    def to_json(self, payload: Any) -> str:
        """Serialise a payload for storage, scrubbed of credentials (`storage.secrets_scrub`)."""
        return self._scrubber.to_json(payload)

    def operator_json(self, payload: Any) -> str:
        """Serialise an operator's content (a form, a request as sent) exactly as written,
        only credential fields masked: what is stored is what is sent again."""
        return self._scrubber.operator_json(payload)

    def add_literal_secret(self, secret: str) -> None:
        """Scrub one more secret from what is stored from now on (e.g. the report secret,
        generated and kept in the database itself)."""
        self._scrubber.add(secret)

    def scrub_text(self, text: str) -> str:
        return self._scrubber.scrub_text(text)

    def leaves_json_text_alone(self, text: str) -> bool:
        return self._scrubber.leaves_json_text_alone(text)

    async def user_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One short write transaction; commits on normal exit, rolls back on any exception.

        Must not be nested (that would deadlock on the write lock, so it raises instead),
        and the body must not await anything but the transaction's own statements.
        """
        if _in_transaction.get() is self:
            raise RuntimeError("nested Database.transaction(): reuse the outer Transaction")
        async with self._write_lock:
            token = _in_transaction.set(self)
            tx = Transaction(self._writer)
            try:
                yield tx
                if tx.begun and not tx.committed:
                    await self._writer.execute_fetchall("COMMIT")
            except BaseException:
                if tx.begun:
                    # Also when cancelled while a hop was queued or running: it still runs
                    # on aiosqlite's thread, and the ROLLBACK queued behind it (FIFO) undoes
                    # it before the next writer's BEGIN. After a failed BEGIN or a COMMIT
                    # that went through, it is a harmless error.
                    await self._rollback_quietly()
                raise
            finally:
                tx._finish()
                _in_transaction.reset(token)

    async def _rollback_quietly(self) -> None:
        # "no transaction is active" is fine: it never began, or COMMIT already succeeded.
        with contextlib.suppress(sqlite3.OperationalError):
            await self._writer.execute_fetchall("ROLLBACK")

    async def fetch_all(self, sql: str, params: SqlParams = ()) -> list[sqlite3.Row]:
        """A read on the reader connection: sees only committed data."""
        return list(await self._reader.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: SqlParams = ()) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def close(self) -> None:
        """Close both connections, after any transaction in flight has finished."""
        if self._closed:
            return
        self._closed = True
        async with self._write_lock:
            try:
                await self._reader.close()
            finally:
                await self._writer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def connect_sync(path: str | os.PathLike[str], *, busy_timeout: float) -> sqlite3.Connection:
    """A plain writer connection for a process of its own (the report writer's), set up as
    :class:`Database` sets up its writer. The schema must be current: the bot migrates it
    when it starts, before it starts that process. Use ``BEGIN IMMEDIATE ... COMMIT``."""
    connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        mode = str(connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        if mode != "wal":
            raise StorageError(f"{path}: could not enable WAL (journal_mode is {mode!r})")
        for pragma in _WRITER_PRAGMAS:
            connection.execute(pragma)
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        latest = len(load_migrations())
        if version != latest:
            raise StorageError(f"{path}: schema version {version}, this code needs {latest}")
    except BaseException:
        connection.close()
        raise
    return connection


def in_write_transaction(
    connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], _T]
) -> _T:
    """``work`` inside ``BEGIN IMMEDIATE ... COMMIT`` on a :func:`connect_sync` connection,
    rolled back if it raises (what :meth:`Database.transaction` does for its writer)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work(connection)
        connection.execute("COMMIT")
    except BaseException:
        # "no transaction is active": BEGIN or COMMIT failed and SQLite rolled back.
        with contextlib.suppress(sqlite3.OperationalError):
            connection.execute("ROLLBACK")
        raise
    return result


def load_json_object(text: str | None) -> dict[str, Any]:
    """Decode a stored JSON object column (NULL or a non-object decodes as ``{}``)."""
    if text is None:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


async def _connect(path: Path, busy_timeout: float) -> aiosqlite.Connection:
    # isolation_level=None: the sqlite3 module must not open transactions behind our back;
    # Database.transaction issues BEGIN IMMEDIATE / COMMIT itself.
    connection = await aiosqlite.connect(path, timeout=busy_timeout, isolation_level=None)
    connection.row_factory = sqlite3.Row
    return connection


__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "Database",
    "SqlParams",
    "Transaction",
    "connect_sync",
    "in_write_transaction",
    "load_json_object",
]
