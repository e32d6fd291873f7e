"""The one way to open the CRM's DuckDB files: wait while another process holds a lock.

DuckDB lets one process hold a file for writing, and while it does nobody else can open it,
not even read-only. Every open in the project (pipeline steps, the publisher, sensor, CLI, GDPR
requests) goes through `connect`, so each one queues for the lock the same way: with backoff,
an INFO line every few seconds naming the holder (the PID and program DuckDB reports), up to
TALENT_CRM_LOCK_WAIT_SECONDS, then `DatabaseBusy` with one line that says who held it and where
analysts should read instead.

Steps of one run that meet the same foreign holder share one deadline (a small ledger file
beside the database): a notebook left open on the pipeline file fails a run after one wait,
not after one wait per step.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import settings

# Child of the `talent_crm` logger, which the Dagster instance captures into run logs
# (dagster.yaml `python_logs`) and the CLI prints to stderr. Its INFO lines are the point
# (who holds the lock), so the project logger passes INFO unless someone set it otherwise.
logger = logging.getLogger("talent_crm.database")
if logging.getLogger("talent_crm").level == logging.NOTSET:
    logging.getLogger("talent_crm").setLevel(logging.INFO)

# A waiting open says so this often (the first time at once).
LOG_EVERY_SECONDS = 5.0
# A holder's shared deadline is forgotten this long after it ran out (a later run starts over).
LEDGER_GRACE_SECONDS = 60.0
LEDGER_SUFFIX = ".lockwait"

# `Conflicting lock is held in /usr/bin/python3.11 (PID 4242)` (DuckDB on Linux and macOS).
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock, as DuckDB reports it: a PID and the program's file name (never its
    full path, which can carry a user's home directory)."""

    pid: int | None
    program: str | None

    def describe(self) -> str:
        if self.pid is None:
            return "another process"
        return f"PID {self.pid} ({self.program})" if self.program else f"PID {self.pid}"


def lock_holder(exc: BaseException) -> LockHolder:
    match = _HOLDER.search(str(exc))
    if match is None:
        return LockHolder(None, None)
    return LockHolder(int(match["pid"]), Path(match["program"].strip()).name or None)


class DatabaseBusy(RuntimeError):
    """Another process held the database's lock for longer than the caller would wait."""

    def __init__(
        self,
        path: Path,
        holder: LockHolder,
        waited: float,
        limit: float,
        hint: str = "",
        shared: bool = False,
    ) -> None:
        self.path = path
        self.holder = holder
        self.waited = waited
        # True when an earlier waiter on the same holder had already spent the wait.
        self.deadline_shared = shared
        how_long = (
            f"an earlier step already waited {limit:.0f}s for it"
            if shared and waited < limit
            else f"waited {waited:.0f}s"
        )
        super().__init__(
            f"{path.name} is held by {holder.describe()}: gave up, {how_long} "
            f"(limit {settings.LOCK_WAIT_ENV}={limit:g}){hint}"
        )


def is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _analyst_hint(path: Path) -> str:
    """Where people should read instead, for a lock on the pipeline's own file."""
    read_copy = settings.read_db_path(path)
    if path == read_copy or path.name.endswith(f"{settings.READ_COPY_SUFFIX}{path.suffix}"):
        return ""
    return f"; analysts: use {settings.display_path(read_copy)}"


def _ledger(path: Path) -> Path:
    return path.with_name(path.name + LEDGER_SUFFIX)


def _shared_deadline(path: Path, holder: LockHolder, wait_seconds: float) -> tuple[float, bool]:
    """(epoch time at which waiting for `holder` ends, whether an earlier waiter set it).

    The first waiter records now + wait_seconds for the holder's PID; a later waiter on the
    same holder (another step of the same run) inherits that deadline, even one that already
    passed, for up to LEDGER_GRACE_SECONDS after it."""
    now = time.time()
    ledger = _ledger(path)
    if holder.pid is None:
        return now + wait_seconds, False
    try:
        seen = json.loads(ledger.read_text())
        if seen["pid"] == holder.pid and now < float(seen["deadline"]) + LEDGER_GRACE_SECONDS:
            return min(float(seen["deadline"]), now + wait_seconds), True
    except (OSError, ValueError, KeyError, TypeError):
        pass
    deadline = now + wait_seconds
    # In a read-only folder every waiter waits its own full limit.
    with suppress(OSError):
        ledger.write_text(json.dumps({"pid": holder.pid, "deadline": deadline}))
    return deadline, False


def _clear_ledger(path: Path) -> None:
    with suppress(OSError):
        _ledger(path).unlink(missing_ok=True)


def connect(
    path: Path | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open `path` (default: TALENT_CRM_DB), retrying while another process holds the lock.

    The `duckdb_write` pool serialises our writing steps, but a slot is released when a step
    ends, a moment before that step's process has closed its connection; runs launched from
    other processes (CLI, a second `dagster dev`) and GDPR requests can overlap too; and a
    person may have opened the pipeline file by hand. `wait_seconds` defaults to
    TALENT_CRM_LOCK_WAIT_SECONDS (300). Raises `DatabaseBusy` when the wait runs out.
    """
    path = settings.db_path() if path is None else path
    wait_seconds = settings.lock_wait_seconds() if wait_seconds is None else wait_seconds
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline: float | None = None  # epoch seconds, set at the first conflict
    shared = False
    next_log = 0.0
    delay = 0.1
    holder = LockHolder(None, None)
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
            seen = lock_holder(exc)
            if deadline is None or seen != holder:
                holder = seen
                deadline, shared = _shared_deadline(path, holder, wait_seconds)
            waited = time.monotonic() - started
            left = deadline - time.time()
            if left <= 0:
                raise DatabaseBusy(
                    path, holder, waited, wait_seconds, _analyst_hint(path), shared
                ) from None
            if waited >= next_log:
                logger.info(
                    "%s is locked by %s; waiting (%.0fs so far, giving up in %.0fs)%s",
                    path.name,
                    holder.describe(),
                    waited,
                    left,
                    _analyst_hint(path),
                )
                next_log = waited + LOG_EVERY_SECONDS
            time.sleep(min(delay, left))
            delay = min(delay * 2, 2.0)
            continue
        if deadline is not None:
            logger.info(
                "%s: lock released by %s after %.1fs",
                path.name,
                holder.describe(),
                time.monotonic() - started,
            )
        _clear_ledger(path)  # the holder let go: a later wait starts afresh
        return con


def wait_until_writable(path: Path | None = None, *, wait_seconds: float | None = None) -> None:
    """Wait (as `connect` does) until this process could open `path` for writing, then let go.

    For steps whose writer is another program (dbt): they get the same wait, log lines and
    one-line failure before they start, instead of failing inside the tool.
    """
    path = settings.db_path() if path is None else path
    if not path.exists():
        return  # a first build creates the file: nobody can hold it
    connect(path, wait_seconds=wait_seconds).close()


@contextmanager
def opened(
    path: Path | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect` as a context manager that always closes the connection."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()
