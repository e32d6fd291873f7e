"""The one way to open the CRM's DuckDB file: wait while another process holds its lock.

DuckDB lets one process hold the file for writing, and while it does nobody else can open it,
not even read-only. Every open in the project (pipeline steps, sensor, CLI, GDPR requests) goes
through `connect`, so each one queues for the lock the same way instead of failing at once with
a raw "Could not set lock on file" error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration import settings

# How long an open waits for another process to release the file lock.
LOCK_WAIT_SECONDS = 300.0


class DatabaseBusy(RuntimeError):
    """Another process held the database's lock for longer than the caller would wait."""


def is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect(
    path: Path | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float = LOCK_WAIT_SECONDS,
) -> duckdb.DuckDBPyConnection:
    """Open `path` (default: TALENT_CRM_DB), retrying while another process holds the lock.

    The `duckdb_write` pool serialises our writing steps, but a slot is released when a step
    ends, a moment before that step's process has closed its connection; and runs launched from
    other processes (CLI, a second `dagster dev`) can overlap too. Raises `DatabaseBusy` (the
    file name and how long it waited; never the holder's details) when the wait runs out.
    """
    path = settings.db_path() if path is None else path
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{path.name} is held by another process (DuckDB allows one writer and no "
                    f"reader while it writes); waited {wait_seconds:.0f}s"
                ) from None
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)))
            delay = min(delay * 2, 5.0)


@contextmanager
def opened(
    path: Path | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float = LOCK_WAIT_SECONDS,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect` as a context manager that always closes the connection."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()
