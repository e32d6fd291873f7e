"""The push ledger `raw.ats_pushes`: one row per req × contact (the idempotency key), the
outcome of its latest attempt, and the ATS ids it created or reused.

Every change is its own DuckDB transaction, written BEFORE the call it describes (`planned`)
and right after it (`pushed` / `failed` / `skipped`, or the candidate id the moment it exists),
so a crash mid-batch loses at most the knowledge of one call in flight — and a `planned` row is
exactly that: an attempt whose outcome the next run resolves by looking the person up in the
ATS before creating anything.

Statuses: `planned` (attempt started, outcome unknown), `pushed`, `failed` (refused by the ATS
or the ATS was unavailable; retried by the next run), `skipped` (not eligible now, req closed,
no e-mail: re-checked by the next run). A `pushed` row is never pushed again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

TABLE = "raw.ats_pushes"
STATUSES = ("planned", "pushed", "failed", "skipped")

DDL = f"""
create schema if not exists raw;
create table if not exists {TABLE} (
    push_key varchar primary key,
    req_id varchar not null,
    contact_id varchar not null,
    system varchar not null,
    job_id varchar not null,
    status varchar not null,
    candidate_id varchar,
    application_id varchar,
    candidate_reused boolean,
    application_reused boolean,
    reason varchar,
    attempts integer not null,
    reviewer varchar,
    decided_at timestamp,
    first_attempt_at timestamp not null,
    last_attempt_at timestamp not null,
    pushed_at timestamp
)
"""


def push_key(req_id: str, contact_id: str) -> str:
    """The stable idempotency key of pushing one contact into one req."""
    return hashlib.sha256(f"ats-push\x1f{req_id}\x1f{contact_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class LedgerRow:
    push_key: str
    req_id: str
    contact_id: str
    system: str
    job_id: str
    status: str
    candidate_id: str | None
    application_id: str | None
    reason: str | None
    attempts: int


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def rows_for_req(con: duckdb.DuckDBPyConnection, req_id: str) -> dict[str, LedgerRow]:
    ensure_table(con)
    found = con.execute(
        f"""select push_key, req_id, contact_id, system, job_id, status, candidate_id,
                   application_id, reason, attempts
            from {TABLE} where req_id = ?""",
        [req_id],
    ).fetchall()
    return {row[0]: LedgerRow(*row) for row in found}


def _in_transaction(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> None:
    con.execute("begin transaction")
    try:
        con.execute(sql, params)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def record_attempt(
    con: duckdb.DuckDBPyConnection,
    key: str,
    *,
    req_id: str,
    contact_id: str,
    system: str,
    job_id: str,
    status: str,
    reason: str | None,
    reviewer: str | None,
    decided_at: datetime | None,
    now: datetime,
) -> None:
    """Start (`planned`) or settle without a call (`skipped`) one row; counts an attempt."""
    if status not in ("planned", "skipped"):
        raise ValueError(f"an attempt starts as planned or skipped, not {status!r}")
    _in_transaction(
        con,
        f"""insert into {TABLE} (push_key, req_id, contact_id, system, job_id, status, reason,
                attempts, reviewer, decided_at, first_attempt_at, last_attempt_at)
            values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
            on conflict (push_key) do update set
                status = excluded.status, reason = excluded.reason, job_id = excluded.job_id,
                attempts = {TABLE}.attempts + 1, reviewer = excluded.reviewer,
                decided_at = excluded.decided_at, last_attempt_at = excluded.last_attempt_at""",
        [key, req_id, contact_id, system, job_id, status, reason, reviewer, decided_at, now, now],
    )


def record_candidate(con: duckdb.DuckDBPyConnection, key: str, candidate_id: str) -> None:
    """The ATS candidate the push found or created, written the moment it is known."""
    _in_transaction(
        con, f"update {TABLE} set candidate_id = ? where push_key = ?", [candidate_id, key]
    )


def record_pushed(
    con: duckdb.DuckDBPyConnection,
    key: str,
    *,
    candidate_id: str,
    application_id: str,
    candidate_reused: bool,
    application_reused: bool,
    now: datetime,
) -> None:
    _in_transaction(
        con,
        f"""update {TABLE} set status = 'pushed', reason = null, candidate_id = ?,
                application_id = ?, candidate_reused = ?, application_reused = ?, pushed_at = ?
            where push_key = ?""",
        [candidate_id, application_id, candidate_reused, application_reused, now, key],
    )


def record_unsettled(con: duckdb.DuckDBPyConnection, key: str, status: str, reason: str) -> None:
    """`failed` (the ATS refused, or was unavailable) or still `planned` (outcome unknown)."""
    if status not in ("failed", "planned"):
        raise ValueError(f"expected failed or planned, got {status!r}")
    _in_transaction(
        con,
        f"update {TABLE} set status = ?, reason = ? where push_key = ?",
        [status, reason, key],
    )
