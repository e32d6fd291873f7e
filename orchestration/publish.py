"""The published read copy: what analysts, the req-open sensor, the report and every read-only
command open instead of the file the pipeline writes.

DuckDB lets one process write a file and, while it does, nobody else may even read it; a
reader that stays open blocks the writer. So the pipeline's file is for pipeline steps only,
and after every run that changes the marts the publisher copies the mart schemas
(`settings.MART_SCHEMAS`: never `raw` or the identity internals) into a fresh file beside the
read copy, checkpoints it and swaps it in with one atomic rename:

- readers open the copy read-only, any number at once, for as long as they like: nothing ever
  writes the file they have open (the next copy is a new file);
- a reader holding the old copy keeps a consistent view (the renamed-over file lives on until
  its last reader closes) and sees the new one when it reconnects;
- a copy is one snapshot of the pipeline file, taken under DuckDB's lock, so it never mixes
  two runs; views are stored as tables (a view would name the pipeline's catalog);
- `meta` (one row) says when, why (job or erasure) and from which run it was published;
- drafts a killed publisher left behind are deleted by the next publish, so no older copy of
  erased data survives there.

Plain Python, no Dagster: the asset in `orchestration/defs/publish/`, the GDPR erasure path and
the CLI all call `publish_read_copy`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration import database, settings

META_TABLE = "meta"
DRAFT_ALIAS = "read_copy_draft"
DRAFT_MARK = ".publishing-"


@dataclass(frozen=True)
class Publication:
    path: Path
    published_at: datetime  # UTC
    reason: str
    run_id: str | None
    tables: int
    rows: int
    bytes: int
    seconds: float


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def drafts(read_path: Path) -> list[Path]:
    """Draft folders of unfinished publishes of `read_path` (a killed publisher's leftovers)."""
    return sorted(read_path.parent.glob(f".{read_path.name}{DRAFT_MARK}*"))


@contextmanager
def _publisher_lock(read_path: Path) -> Iterator[None]:
    """One publisher at a time per read copy: a GDPR erasure's copy (taken after the erasure)
    must not be replaced by a pipeline's copy taken before it."""
    lock_path = read_path.parent / f".{read_path.name}.lock"
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the handle closes (or we die)
        yield


def mart_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, name) of every table and view of the mart schemas in the pipeline file."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema in (select unnest(?)) "
        "order by 1, 2",
        [list(settings.MART_SCHEMAS)],
    ).fetchall()
    return [(schema, name) for schema, name in rows]


def _copy_marts(
    con: duckdb.DuckDBPyConnection,
    *,
    source: Path,
    reason: str,
    run_id: str | None,
    started: float,
) -> tuple[int, int, datetime]:
    relations = mart_relations(con)
    schemas = sorted({schema for schema, _ in relations})
    rows = 0
    con.execute("begin")
    try:
        for schema in schemas:
            con.execute(f"create schema {DRAFT_ALIAS}.{_ident(schema)}")
        for schema, name in relations:
            target = f"{DRAFT_ALIAS}.{_ident(schema)}.{_ident(name)}"
            con.execute(f"create table {target} as from {_ident(schema)}.{_ident(name)}")
            rows += con.execute(f"select count(*) from {target}").fetchall()[0][0]
        published_at = datetime.now(UTC).replace(tzinfo=None)
        as_of = settings.as_of()
        con.execute(
            f"create table {DRAFT_ALIAS}.main.{META_TABLE} as select "
            "?::timestamp as published_at, ?::varchar as reason, ?::varchar as dagster_run_id, "
            "?::varchar as pipeline_db, ?::varchar[] as schemas, ?::integer as tables, "
            "?::bigint as rows, ?::date as as_of, ?::double as seconds",
            [
                published_at,
                reason,
                run_id,
                source.name,
                schemas,
                len(relations),
                rows,
                as_of,
                round(time.perf_counter() - started, 3),
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(relations), rows, published_at


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_read_copy(
    db_path: Path | None = None,
    read_path: Path | None = None,
    *,
    reason: str,
    run_id: str | None = None,
) -> Publication:
    """Copy the mart schemas of `db_path` (default TALENT_CRM_DB) into a fresh file and swap
    it in as `read_path` (default: its read copy). Opens the pipeline file read-only through
    the lock-aware helper, so it waits for a writer like any step."""
    started = time.perf_counter()
    db_path = settings.db_path() if db_path is None else db_path
    read_path = settings.read_db_path(db_path) if read_path is None else read_path
    read_path.parent.mkdir(parents=True, exist_ok=True)
    with _publisher_lock(read_path):
        for leftover in drafts(read_path):
            shutil.rmtree(leftover, ignore_errors=True)
        draft_dir = read_path.parent / f".{read_path.name}{DRAFT_MARK}{uuid.uuid4().hex}"
        draft_dir.mkdir()
        # Same file name as the copy: DuckDB names the catalog after the file it opens.
        draft = draft_dir / read_path.name
        try:
            con = database.connect(db_path, read_only=True)
            try:
                con.execute(f"attach {_sql_string(str(draft))} as {DRAFT_ALIAS} (read_write)")
                tables, rows, published_at = _copy_marts(
                    con, source=db_path, reason=reason, run_id=run_id, started=started
                )
                con.execute(f"detach {DRAFT_ALIAS}")
            finally:
                con.close()
            wal = Path(f"{draft}.wal")
            if wal.exists():  # fold it into the file: readers must need nothing else
                with duckdb.connect(str(draft)) as fold:
                    fold.execute("checkpoint")
            if wal.exists():
                raise RuntimeError(f"the read copy draft kept a write-ahead log ({wal.name})")
            # Read-only on disk too: a read-write open by hand fails (for non-root users)
            # instead of leaving a .wal that would be replayed into the next copy.
            draft.chmod(0o444)
            _fsync(draft)
            os.replace(draft, read_path)
            _fsync(read_path.parent)
        finally:
            shutil.rmtree(draft_dir, ignore_errors=True)
    return Publication(
        path=read_path,
        published_at=published_at,
        reason=reason,
        run_id=run_id,
        tables=tables,
        rows=rows,
        bytes=read_path.stat().st_size,
        seconds=time.perf_counter() - started,
    )


def withdraw_read_copy(read_path: Path) -> None:
    """Delete the read copy and any draft: used when a copy could still hold data an erasure
    removed and a fresh one could not be published (no copy beats a stale one)."""
    with _publisher_lock(read_path):
        for leftover in drafts(read_path):
            shutil.rmtree(leftover, ignore_errors=True)
        read_path.unlink(missing_ok=True)


def read_copy_meta(read_path: Path | None = None) -> dict | None:
    """The copy's `meta` row (published_at, reason, run id, tables, rows, ...), or None when
    there is no copy yet."""
    read_path = settings.read_db_path() if read_path is None else read_path
    if not read_path.exists():
        return None
    with database.opened(read_path, read_only=True) as con:
        cursor = con.execute(f"select * from {META_TABLE}")
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else None
