"""WAL checkpoints from a thread of their own (the report writer's set-up): the writer's
commits never copy pages into the database file, and the WAL still does not grow without
bound while it commits without pause."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from storage.checkpoints import SQLITE_AUTOCHECKPOINT, WalCheckpointer

ROWS_PER_COMMIT = 20
COMMITS = 1500


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(tmp_path / "wal.sqlite3", isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        connection.execute("CREATE INDEX t_v ON t (v)")
        yield connection


def commit_without_pause(
    connection: sqlite3.Connection, checkpointer: WalCheckpointer | None = None
) -> None:
    for n in range(COMMITS):
        with checkpointer.writing() if checkpointer else contextlib.nullcontext():
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO t (v) VALUES (?)",
                [(f"{(n * 7919 + k) % 10007:08d}-{'x' * 100}",) for k in range(ROWS_PER_COMMIT)],
            )
            connection.execute("COMMIT")
        if checkpointer:
            checkpointer.poke()


def database_path(connection: sqlite3.Connection) -> str:
    (path,) = (row[2] for row in connection.execute("PRAGMA database_list") if row[1] == "main")
    return str(path)


def wal_size(connection: sqlite3.Connection) -> int:
    return os.path.getsize(database_path(connection) + "-wal")


def test_without_the_checkpointer_the_wal_only_grows(writer: sqlite3.Connection) -> None:
    # The baseline the next tests are measured against: a writer that does not checkpoint.
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    commit_without_pause(writer)
    assert wal_size(writer) > 40 * 1024 * 1024


def test_the_checkpointer_keeps_the_wal_small_while_the_writer_never_pauses(
    writer: sqlite3.Connection,
) -> None:
    path = database_path(writer)
    checkpointer = WalCheckpointer(
        writer, path, busy_timeout=5.0, interval=0.005, restart_pages=128
    )
    try:
        commit_without_pause(writer, checkpointer)
    finally:
        checkpointer.close()
    assert checkpointer.restarts > 0
    # The file keeps its largest extent: 128 pages (512 KiB) plus what the writer adds
    # before the thread gets its turn: 6-7 MiB on a quiet host, over 16 MiB when other test
    # runs starve the thread (seen). Without the checkpointer it reaches 49 MiB; half of
    # that tells the two apart whatever the host is doing.
    assert wal_size(writer) < 24 * 1024 * 1024
    with closing(sqlite3.connect(path)) as reader:
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (COMMITS * ROWS_PER_COMMIT,)


def test_closing_stops_the_thread(writer: sqlite3.Connection) -> None:
    path = database_path(writer)
    checkpointer = WalCheckpointer(writer, path, busy_timeout=5.0)
    checkpointer.poke()
    checkpointer.close()
    assert "wal-checkpointer" not in {thread.name for thread in threading.enumerate()}


def test_if_the_thread_stops_the_writer_checkpoints_again(
    writer: sqlite3.Connection, tmp_path: Path
) -> None:
    # The thread cannot open a directory as a database: it stops at once.
    checkpointer = WalCheckpointer(writer, tmp_path, busy_timeout=5.0)
    try:
        assert writer.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        commit_without_pause(writer, checkpointer)
    finally:
        checkpointer.close()
    assert writer.execute("PRAGMA wal_autocheckpoint").fetchone() == (SQLITE_AUTOCHECKPOINT,)
    assert wal_size(writer) < 8 * 1024 * 1024
