"""Landing: write source records into the DuckDB `raw` schema, exactly once, with lineage.

Rules (DESIGN.md "Landing"):
- one table per source entity, `raw.<source>_<entity>`, holding the full original record as JSON
  plus `_source`, `_source_record_id`, `_batch_id`, `_fetched_at` and a content hash;
- landing the same record version twice adds nothing (dedupe on record id + content hash), while
  a changed record lands as a new version — staging picks the latest;
- a batch's rows, its quarantined rows and the sync cursor commit in ONE transaction, so a
  crash can never advance a cursor past data that did not land (several batches may share
  that transaction: `LandingTransaction`);
- invalid records go to `raw.quarantine` with source, record id, field and reason.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import orjson
import polars as pl

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class QuarantinedRecord:
    source_record_id: str | None
    field: str
    reason: str
    payload: Any


@dataclass
class BatchCounts:
    fetched: int = 0
    landed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    document_bytes: int = 0  # JSON bytes of the valid records handed to DuckDB

    def add(self, other: BatchCounts) -> None:
        self.fetched += other.fetched
        self.landed += other.landed
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined
        self.document_bytes += other.document_bytes


def new_batch_id() -> str:
    return uuid.uuid4().hex


def landing_table(source: str, entity: str) -> str:
    return f"{RAW_SCHEMA}.{source}_{entity}"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.quarantine (
            _source varchar not null,
            _entity varchar not null,
            _source_record_id varchar,
            field varchar not null,
            reason varchar not null,
            _record_hash varchar not null,
            _record json,
            _batch_id varchar not null,
            _quarantined_at timestamp not null
        )"""
    )
    con.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.sync_cursors (
            source varchar not null,
            entity varchar not null,
            cursor_value varchar,
            updated_at timestamp not null,
            batch_id varchar not null,
            primary key (source, entity)
        )"""
    )
    con.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.batches (
            batch_id varchar not null,
            source varchar not null,
            entity varchar not null,
            started_at timestamp not null,
            finished_at timestamp,
            status varchar not null,
            fetched bigint, landed bigint, duplicates bigint, quarantined bigint,
            full_resync boolean,
            primary key (batch_id, source, entity)
        )"""
    )


# Idempotency key of a landed row: 128 bits of MD5 over (record id, content hash), computed by
# DuckDB in the INSERT. Why not the natural primary key (_source_record_id, _record_hash): an
# ART index over ~100 bytes of text per row was the largest single cost of landing (inserts
# and checkpoints both maintain it); a fixed 16-byte key gives the same guarantee (a 128-bit
# collision among a few billion rows has odds below 1e-20) at a fraction of the cost.
LANDING_KEY_SQL = "md5_number(_source_record_id || chr(0) || _record_hash)"


def content_hashes(documents: Sequence[bytes]) -> pl.Series:
    """`_record_hash` of each stored JSON document (UTF-8 bytes): sha256 hex, the same value as
    `record_hash` and as DuckDB's sha256() over the stored text.

    Why in Python: hashlib uses OpenSSL (SHA-NI where the CPU has it), ~2.5 µs per 2 KB
    document, while DuckDB's sha256() measured ~10 µs — the largest part of the INSERT.
    """
    sha256 = hashlib.sha256
    return pl.Series("_record_hash", [sha256(d).hexdigest() for d in documents], pl.String)


def with_content_hashes(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` (with a `_record` JSON text column) plus its `_record_hash` column."""
    return frame.with_columns(content_hashes(frame["_record"].cast(pl.Binary).to_list()))


# `_record` is stored with ZSTD: DuckDB's default pick for long text (FSST after analysing every
# segment) made the checkpoint of landed JSON cost ~30 µs per Greenhouse candidate at 1M
# records; ZSTD measured about a third of that checkpoint time and a 2.6x smaller file. Tables
# created before keep their (transparent) compression.
_LANDING_COLUMNS = """
            _source varchar not null,
            _source_record_id varchar not null,
            _record_hash varchar not null,
            _batch_id varchar not null,
            _fetched_at timestamp not null,
            _record json not null using compression zstd,
            _landing_key uhugeint not null primary key"""


def ensure_landing_table(con: duckdb.DuckDBPyConnection, source: str, entity: str) -> str:
    table = landing_table(source, entity)
    columns = [
        name
        for (name,) in con.execute(
            # duckdb_columns(), not information_schema: a third of the cost, once per sync
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
            [RAW_SCHEMA, f"{source}_{entity}"],
        ).fetchall()
    ]
    if not columns:
        con.execute(f"create table if not exists {table} ({_LANDING_COLUMNS})")
    elif "_landing_key" not in columns:
        _migrate_to_landing_key(con, source, entity)
    return table


def _migrate_to_landing_key(con: duckdb.DuckDBPyConnection, source: str, entity: str) -> None:
    """Rebuild a landing table of the old layout (primary key on record id + content hash)
    with the `_landing_key` column, keeping every row — in one transaction, so an interrupted
    migration leaves the old table as it was. DuckDB cannot drop a primary key in place."""
    table = landing_table(source, entity)
    staging = f"{RAW_SCHEMA}.{source}_{entity}__migrating"
    con.begin()
    try:
        con.execute(f"create table {staging} ({_LANDING_COLUMNS})")
        con.execute(
            f"""
            insert or ignore into {staging}
            select _source, _source_record_id, _record_hash, _batch_id, _fetched_at, _record,
                   {LANDING_KEY_SQL}
            from {table}"""
        )
        con.execute(f"drop table {table}")
        con.execute(f"alter table {staging} rename to {source}_{entity}")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def insert_new_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame_name: str,
    *,
    source: str,
    batch_id: str,
    fetched_at: datetime,
) -> int:
    """INSERT OR IGNORE the registered frame `frame_name` (`_source_record_id`, `_record`
    JSON text, `_record_hash` from `content_hashes`) into `table`; return how many rows were new.

    The unique key probe costs per row of the batch, not per row of the table (an anti-join
    would rescan the table for every batch). The insert's result is the number of rows actually
    inserted (ignored ones excluded), which spares two count(*) round trips. No explicit ::json
    cast: assigning text to the JSON column validates it anyway, and the cast measured ~30%
    slower on large documents. The caller removes duplicates inside the frame.
    """
    inserted = scalar(
        con,
        f"""
        insert or ignore into {table}
        select $source, _source_record_id, _record_hash, $batch_id, $at, _record,
               {LANDING_KEY_SQL}
        from {frame_name}
        """,
        {"source": source, "batch_id": batch_id, "at": fetched_at},
    )
    return int(inserted or 0)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, or ROLLBACK when the block raises."""
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


# Records per landing TRANSACTION (several batches). DuckDB's row-group size: a transaction
# appending at least a whole row group has DuckDB write that row group, compressed, straight
# into the database file ("optimistic writes"). Committed in small transactions the same rows
# go through the WAL, and every automatic checkpoint re-compresses the table's unfinished row
# group — which grows with the table, so checkpoints cost more and more as a large feed lands
# (measured with 2.3 KB Greenhouse candidates: 263k records took 24 s of CPU landed 5,000 per
# transaction, 15 s landed 122,880 per transaction). Memory stays bounded: DuckDB holds at most
# one row group of the open transaction, Python one batch. A transaction also ends once its
# JSON reaches the landing memory limit (`landing_memory_limit_bytes`): DuckDB
# must hold the open transaction's rows, and large records would otherwise exceed the limit.
DEFAULT_TRANSACTION_RECORDS = 122_880


class LandingTransaction:
    """One DuckDB transaction spanning several batches: begun by the first batch, committed
    once it holds `max_records` records or `max_bytes` of JSON (see
    DEFAULT_TRANSACTION_RECORDS for why), or by the caller at the end.

    The caller keeps the landing rules: a cursor or processed-file row goes into the same
    transaction as the rows it covers, and a failed batch rolls the whole transaction back."""

    def __init__(self, con: duckdb.DuckDBPyConnection, max_records: int, max_bytes: int) -> None:
        self.con, self.max_records, self.max_bytes = con, max_records, max_bytes
        self.is_open = False
        self.records = 0
        self.bytes = 0

    def begin(self) -> None:
        if not self.is_open:
            self.con.begin()
            self.is_open = True

    def add(self, records: int, document_bytes: int) -> None:
        self.records += records
        self.bytes += document_bytes

    @property
    def is_due(self) -> bool:
        return self.records >= self.max_records or self.bytes >= self.max_bytes

    def commit(self) -> bool:
        """Commit if open; True when something was committed."""
        if not self.is_open:
            return False
        self.con.commit()
        self.is_open = False
        self.records = self.bytes = 0
        return True

    def rollback(self) -> None:
        if self.is_open:
            self.is_open = False
            self.records = self.bytes = 0
            self.con.rollback()


def canonical_json(record: Any) -> bytes:
    """Compact JSON with sorted keys: the stored form of a record AND the input of its hash,
    so key order or whitespace in a vendor reply never creates a 'new version'.
    (orjson: serialising every record is the hottest path of landing.)"""
    try:
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # exotic values (e.g. integers beyond 64 bits): slower, same shape
        return json.dumps(
            record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        ).encode("utf-8")


def record_hash(record: Any) -> str:
    """Stable content hash of a record (see canonical_json)."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def load_cursor(
    con: duckdb.DuckDBPyConnection, source: str, entity: str, *, schema_ensured: bool = False
) -> str | None:
    if not schema_ensured:
        ensure_raw_schema(con)
    rows = con.execute(
        f"select cursor_value from {RAW_SCHEMA}.sync_cursors where source = ? and entity = ?",
        [source, entity],
    ).fetchall()
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class PreparedRecords:
    """Valid records in their stored form, ready for `land_prepared`: one row per distinct
    (record id, content), with `_source_record_id`, `_record` (canonical JSON text) and
    `_record_hash`. `n_records` counts the records before same-id-same-content rows were merged."""

    frame: pl.DataFrame
    n_records: int
    document_bytes: int


def prepare_records(records: Sequence[tuple[str, Any]]) -> PreparedRecords:
    """Encode valid `(record_id, record)` pairs for landing. Pure Python and polars, no
    DuckDB: an API sync runs it in its read-ahead thread (ingest.sync) while the previous batch
    is written, so the encoding overlaps DuckDB's GIL-free insert work."""
    # Column-wise: the canonical documents once as bytes; polars checks the UTF-8 of the whole
    # column at once, and the content hash is taken from the same bytes.
    documents = [canonical_json(rec) for _, rec in records]
    frame = pl.DataFrame(
        [
            pl.Series("_source_record_id", [rid for rid, _ in records], pl.String),
            pl.Series("_record", documents, pl.Binary).cast(pl.String),
            content_hashes(documents),
        ]
    ).unique(  # same id + same content = same landing key
        subset=["_source_record_id", "_record_hash"], keep="first", maintain_order=True
    )
    return PreparedRecords(frame, len(records), sum(map(len, documents)))


def land_page(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    entity: str,
    batch_id: str,
    records: Sequence[tuple[str, Any]],
    quarantined: Sequence[QuarantinedRecord] = (),
    fetched_at: datetime | None = None,
    new_cursor: str | None = None,
    cursor_entity: str | None = None,
    tables_ensured: bool = False,
    in_transaction: bool = False,
) -> BatchCounts:
    """Land one page of valid `(record_id, record)` pairs and its quarantined records.

    When `new_cursor` is given it is written in the same transaction: pass it only with the
    last page of a sync, once everything it covers is in this transaction or already landed.
    `tables_ensured=True` skips the create-if-missing DDL (run_sync did it once per sync; a DDL
    round trip per page is a measurable share of a small page's cost).
    `in_transaction=True`: the caller has begun a transaction and commits or rolls it back
    (several pages per transaction, see `ingest.sync`); otherwise the page is its own.
    """
    return land_prepared(
        con,
        source=source,
        entity=entity,
        batch_id=batch_id,
        prepared=prepare_records(records),
        quarantined=quarantined,
        fetched_at=fetched_at,
        new_cursor=new_cursor,
        cursor_entity=cursor_entity,
        tables_ensured=tables_ensured,
        in_transaction=in_transaction,
    )


def land_prepared(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    entity: str,
    batch_id: str,
    prepared: PreparedRecords,
    quarantined: Sequence[QuarantinedRecord] = (),
    fetched_at: datetime | None = None,
    new_cursor: str | None = None,
    cursor_entity: str | None = None,
    tables_ensured: bool = False,
    in_transaction: bool = False,
) -> BatchCounts:
    """`land_page` for records already encoded by `prepare_records` (same rules)."""
    fetched_at = fetched_at or datetime.now(UTC).replace(tzinfo=None)
    if tables_ensured:
        table = landing_table(source, entity)
    else:
        table = ensure_landing_table(con, source, entity)
    counts = BatchCounts(
        fetched=prepared.n_records + len(quarantined), quarantined=len(quarantined)
    )
    counts.document_bytes = prepared.document_bytes
    with contextlib.nullcontext() if in_transaction else transaction(con):
        _land_frame(
            con,
            prepared.frame,
            table,
            source,
            entity,
            batch_id,
            fetched_at,
            counts,
            prepared.n_records,
            quarantined,
            new_cursor,
            cursor_entity,
        )
    return counts


def _land_frame(
    con: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    table: str,
    source: str,
    entity: str,
    batch_id: str,
    fetched_at: datetime,
    counts: BatchCounts,
    n_records: int,
    quarantined: Sequence[QuarantinedRecord],
    new_cursor: str | None,
    cursor_entity: str | None,
) -> None:
    """The statements of `land_page`, inside the caller's transaction."""
    if frame.height:
        con.register("_incoming_page", frame)
        counts.landed = insert_new_rows(
            con,
            table,
            "_incoming_page",
            source=source,
            batch_id=batch_id,
            fetched_at=fetched_at,
        )
        con.unregister("_incoming_page")
    counts.duplicates = n_records - counts.landed
    for q in quarantined:
        # The same bad record re-fetched on a later sync is recorded once.
        con.execute(
            f"""
            insert into {RAW_SCHEMA}.quarantine
            select ?, ?, ?, ?, ?, ?, ?::json, ?, ?
            where not exists (
                select 1 from {RAW_SCHEMA}.quarantine
                where _source = ? and _entity = ? and _record_hash = ?)
            """,
            [
                source,
                entity,
                q.source_record_id,
                q.field,
                q.reason,
                record_hash(q.payload),
                json.dumps(q.payload, ensure_ascii=False, default=str),
                batch_id,
                fetched_at,
                source,
                entity,
                record_hash(q.payload),
            ],
        )
    if new_cursor is not None:
        key = [source, cursor_entity or entity]
        # DELETE + INSERT rather than INSERT OR REPLACE: DuckDB's upsert path costs ~2 ms more
        # per statement, paid per sync (per event for Eventbrite); same result in a transaction.
        con.execute(f"delete from {RAW_SCHEMA}.sync_cursors where source = ? and entity = ?", key)
        con.execute(
            f"insert into {RAW_SCHEMA}.sync_cursors values (?, ?, ?, ?, ?)",
            [*key, new_cursor, fetched_at, batch_id],
        )


# Memory of a landing run. DuckDB keeps what a run inserts in its buffer pool until a checkpoint
# writes it out, and by default the pool may grow to 80% of RAM: a long run's RSS then grew with
# the feed (~0.9 KB per landed row). A run therefore caps DuckDB's memory (`memory_limit`, env
# `TALENT_CRM_LANDING_MEMORY_LIMIT`) and lets the WAL reach `LANDING_WAL_AUTOCHECKPOINT` before a
# checkpoint: each checkpoint rewrites (and recompresses) what changed, including the growing
# primary-key index, so the default 16 MB made checkpoints cost more than the inserts, while
# 64 MB cost the same CPU as deferring them to the end of the run (measured at 1M records) and
# keeps memory bounded by the batch and the key index, not by the feed. Both settings are
# restored afterwards. A crash meanwhile only means a longer WAL replay on the next open.
LANDING_WAL_AUTOCHECKPOINT = "64MB"
LANDING_MEMORY_LIMIT_ENV = "TALENT_CRM_LANDING_MEMORY_LIMIT"
# 320MB: a landing transaction holds up to one DuckDB row group (see
# DEFAULT_TRANSACTION_RECORDS) but never more JSON than this limit; 122,880
# Greenhouse candidates (~2.3 KB each, the largest records here) are ~283 MB and must fit for
# DuckDB to write them as a whole row group. (Measured: such a transaction lands under a
# 192MB limit and fails with "Out of Memory" under 128MB.)
DEFAULT_LANDING_MEMORY_LIMIT = "320MB"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", flags=re.IGNORECASE)


def landing_memory_limit() -> str:
    value = (os.environ.get(LANDING_MEMORY_LIMIT_ENV) or DEFAULT_LANDING_MEMORY_LIMIT).strip()
    if not _SIZE.fullmatch(value):
        raise ValueError(f"{LANDING_MEMORY_LIMIT_ENV}={value!r} is not a size such as 256MB or 1GB")
    return value


def landing_memory_limit_bytes() -> int:
    """`landing_memory_limit()` in bytes, read as DuckDB reads it (MB = 10^6, MiB = 2^20)."""
    number, unit, binary = _SIZE.fullmatch(landing_memory_limit()).groups()  # type: ignore[union-attr]
    base = 1024 if binary else 1000
    return int(float(number) * base ** ("KMGT".index(unit.upper()) + 1))


# Connections inside `bounded_landing` (by id, only while inside): a nested landing run (one
# sync per Eventbrite event inside the attendees run) keeps the outer settings instead of
# reading and setting them again — four statements per event.
_BOUNDED: set[int] = set()


@contextlib.contextmanager
def bounded_landing(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Bound DuckDB's memory and checkpoint rhythm for the duration of a landing run (above)."""
    if id(con) in _BOUNDED:
        yield
        return
    limit = landing_memory_limit()
    previous_wal = scalar(con, "select current_setting('wal_autocheckpoint')")
    previous_memory = scalar(con, "select current_setting('memory_limit')")
    con.execute(f"set wal_autocheckpoint = '{LANDING_WAL_AUTOCHECKPOINT}'")
    con.execute(f"set memory_limit = '{limit}'")
    _BOUNDED.add(id(con))
    try:
        with fewer_gc_passes():
            yield
    finally:
        _BOUNDED.discard(id(con))
        con.execute(f"set wal_autocheckpoint = '{previous_wal}'")
        # The setting reads back rounded ('18.8 GiB'): setting that text again would shrink a
        # default limit a little on every run, so the default is restored with RESET.
        if previous_memory == _default_memory_limit():
            con.execute("reset memory_limit")
        else:
            con.execute(f"set memory_limit = '{previous_memory}'")


# Python's cyclic garbage collector during a landing run. Decoding a page of vendor JSON
# allocates tens of thousands of dicts and lists, and every 700 allocations CPython runs a
# collection that traverses the young objects (and, every so often, all live ones — including
# the pages read ahead). Decoded JSON has no reference cycles: reference counting frees it, so
# those passes find nothing. Measured on the HTTP feeds: ~20% of the client's CPU per record
# (Greenhouse candidates 90 → 72 µs). The thresholds are raised, not disabled, so whatever
# cyclic garbage a run does make is still collected; they are restored afterwards.
LANDING_GC_THRESHOLD = (100_000, 50, 100)


@contextlib.contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Raise the garbage collector's thresholds to LANDING_GC_THRESHOLD for the block (no-op
    when they are already at least as high, e.g. in a nested landing run)."""
    previous = gc.get_threshold()
    if previous[0] >= LANDING_GC_THRESHOLD[0]:
        yield
        return
    gc.set_threshold(*LANDING_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@functools.cache
def _default_memory_limit() -> str:
    with duckdb.connect() as probe:
        return str(scalar(probe, "select current_setting('memory_limit')"))


def reset_cursor(con: duckdb.DuckDBPyConnection, source: str, entity: str) -> None:
    """Forget the cursor (full resync). Landed data stays: re-landing it adds nothing."""
    ensure_raw_schema(con)
    con.execute(
        f"delete from {RAW_SCHEMA}.sync_cursors where source = ? and entity = ?", [source, entity]
    )


def record_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    batch_id: str,
    source: str,
    entity: str,
    started_at: datetime,
    status: str,
    counts: BatchCounts,
    full_resync: bool,
    schema_ensured: bool = False,
) -> None:
    """Audit trail of every sync attempt, including failed ones."""
    if not schema_ensured:
        ensure_raw_schema(con)
    with transaction(con):  # DELETE + INSERT: see the cursor write in `_land_frame`
        con.execute(
            f"delete from {RAW_SCHEMA}.batches where batch_id = ? and source = ? and entity = ?",
            [batch_id, source, entity],
        )
        con.execute(
            f"insert into {RAW_SCHEMA}.batches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                source,
                entity,
                started_at,
                datetime.now(UTC).replace(tzinfo=None),
                status,
                counts.fetched,
                counts.landed,
                counts.duplicates,
                counts.quarantined,
                full_resync,
            ],
        )


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """First value of a query, consuming the whole result (DuckDB 2 refuses new statements
    on a connection with an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Whether `schema.table` exists (a table or a view) in the connected database."""
    schema, _, table = qualified.rpartition(".")
    rows = con.execute(
        "select 1 from information_schema.tables where table_schema = ? and table_name = ?",
        [schema or "main", table],
    ).fetchall()
    return bool(rows)
