"""Erasure carried to the source systems the CRM copied the person from (GDPR Art. 17(2), 19).

The local erasure (erasure.py) removes every copy the CRM holds; the ATSs we copied from —
Greenhouse, Lever, Ashby — still hold the person. This module carries the erasure there:

1. `collect_targets` reads, from the CRM's own copies and BEFORE they are deleted, which ATS
   records belong to the person: the subject's record keys (`greenhouse:candidates:<id>`,
   `lever:opportunities:<id>`, `ashby:candidates:<id>`), and for Lever the person id
   (`contact`) from `raw.lever_opportunities`.
2. `record_requests` writes one row per ATS record into `gdpr.upstream_erasure_requests`, in
   the SAME transaction as the local erasure: once the person is gone locally, the list of what
   is still owed upstream survives any crash (the local erasure removed the ids from every other
   table, so this list is the only place they are kept).
3. `process_pending` runs after the local erasure committed, was verified and republished — a
   vendor outage never delays or undoes it — and works through every open request, this run's
   and earlier runs' (the durable pending list): Greenhouse anonymise/delete, Ashby
   `candidate.anonymize`, Lever a manual action (its API has none) that later runs confirm
   through the API. Each request ends `done`, stays `pending` (retried on the next run: writes
   disabled, outage, bad credential) or becomes `manual` (a person must act; what to do is
   stored, ids only). The erasure's `gdpr.audit_log` row carries the per-system state in its
   `upstream` column, updated by every pass.

Why a `gdpr` table and not `raw`: it is the CRM's own obligation ledger, not a copy of vendor
data; `raw` rows are erased by record id and content, `gdpr` ledgers are protected from erasure
(they hold ids and codes only, never an identifier such as an e-mail) and are published with
the other GDPR marts so a DPO can see what is still owed.

Writes happen only with TALENT_CRM_ATS_WRITES=1; without it a pass records the requests as
pending ("writes disabled") and sends nothing. Lever's confirmation is a read and runs anyway.
Which erasures are carried upstream: explicit erasures and retention purges. Not the echo of a
source's own deletion (the source did it) and not a suppressed person's re-delivered record
(a new application is the person acting again; erasing it in the ATS is not ours to decide).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ingest import ashby, ashby_erasure, greenhouse, greenhouse_erasure, lever, lever_erasure
from ingest.http_client import ApiClient, SourceConfigError
from ingest.landing import table_exists
from ingest.upstream_erasure import (
    REASON_INVALID_ID,
    REASON_NO_API,
    REASON_NOT_CONNECTED,
    REASON_REFUSED,
    REASON_SOURCE_ERROR,
    REASON_WRITES_DISABLED,
    STATUS_DONE,
    STATUS_MANUAL,
    STATUS_PENDING,
    UpstreamOutcome,
    UpstreamTarget,
    writes_disabled,
)
from orchestration import database, settings
from orchestration.conversion.ledger import TABLE as PUSH_LEDGER
from orchestration.gdpr.suppression import (
    AUDIT_TABLE,
    UPSTREAM_REQUESTS_TABLE,
    ensure_gdpr_tables,
)

log = logging.getLogger("talent_crm.gdpr.upstream")

REQUESTS_TABLE = UPSTREAM_REQUESTS_TABLE
# Local erasure actions that are carried upstream (see the module docstring).
UPSTREAM_ACTIONS = frozenset({"erasure", "retention_purge"})
# record_key prefix → (system, the vendor's noun for the record).
SYSTEM_BY_PREFIX = {
    "greenhouse:candidates": (greenhouse_erasure.SYSTEM, greenhouse_erasure.RECORD_TYPE),
    "lever:opportunities": (lever_erasure.SYSTEM, lever_erasure.RECORD_TYPE),
    "ashby:candidates": (ashby_erasure.SYSTEM, ashby_erasure.RECORD_TYPE),
}
SYSTEMS = tuple(system for system, _ in SYSTEM_BY_PREFIX.values())
REASON_REQUESTED = "requested"  # recorded with the local erasure, not attempted yet

ClientFactory = Callable[[], ApiClient]


@dataclass(frozen=True)
class UpstreamResult:
    """The state of one upstream request after a pass (ids and codes only)."""

    request_id: str
    audit_id: str
    system: str
    record_type: str
    record_id: str
    status: str
    reason: str
    detail: str
    manual_action: str | None
    attempted: bool  # whether this pass asked the source (a call, not a dry run)

    def line(self) -> str:
        """One line for people: system, record, state, and what to do when it is manual."""
        text = f"{self.system} {self.record_type} {self.record_id}: {self.status} ({self.reason})"
        if self.status == STATUS_MANUAL and self.manual_action:
            text += f" — {self.manual_action}"
        elif self.detail and self.status == STATUS_PENDING:
            text += f" — {self.detail}"
        return text


def ensure_requests_table(con: duckdb.DuckDBPyConnection) -> None:
    """The ledger lives with the other gdpr ledgers (suppression.ensure_gdpr_tables)."""
    ensure_gdpr_tables(con)


# -- 1. what the person left in the ATSs (read before the local erasure deletes it) ---------


def collect_targets(
    con: duckdb.DuckDBPyConnection,
    record_keys: Iterable[str],
    contact_ids: Iterable[str] = (),
) -> list[UpstreamTarget]:
    """The ATS records among `record_keys`, with Lever's person id from the landed copy, and
    the ATS records the CRM itself created for `contact_ids` (the ATS push ledger): a person
    pushed into an ATS and erased before the next sync landed that record is erased there too.
    """
    by_system: dict[tuple[str, str], set[str]] = {}
    for key in record_keys:
        source, entity, record_id = (key.split(":", 2) + ["", ""])[:3]
        system = SYSTEM_BY_PREFIX.get(f"{source}:{entity}")
        if system is not None and record_id:
            by_system.setdefault(system, set()).add(record_id)
    contacts: dict[str, str] = {}
    contact_ids = sorted(contact_ids)
    if contact_ids and table_exists(con, PUSH_LEDGER):
        pushed = con.execute(
            f"select system, candidate_id, application_id from {PUSH_LEDGER} "
            "where contact_id in (select unnest(?)) and candidate_id is not null",
            [contact_ids],
        ).fetchall()
        for system, candidate_id, application_id in pushed:
            if system == lever_erasure.SYSTEM:
                # Lever: the push's candidate is the contact, its application the opportunity.
                if application_id:
                    by_system.setdefault((system, lever_erasure.RECORD_TYPE), set()).add(
                        application_id
                    )
                    contacts[application_id] = candidate_id
            elif system in (greenhouse_erasure.SYSTEM, ashby_erasure.SYSTEM):
                by_system.setdefault((system, "candidate"), set()).add(candidate_id)
    lever_ids = by_system.get((lever_erasure.SYSTEM, lever_erasure.RECORD_TYPE), set())
    if lever_ids and table_exists(con, "raw.lever_opportunities"):
        contacts |= {
            row[0]: row[1]
            for row in con.execute(
                "select _source_record_id, any_value(json_extract_string(_record, '$.contact')) "
                "from raw.lever_opportunities where _source_record_id in (select unnest(?)) "
                "group by 1",
                [sorted(lever_ids)],
            ).fetchall()
            if row[1]
        }
    return [
        UpstreamTarget(system, record_type, record_id, contacts.get(record_id))
        for (system, record_type), ids in sorted(by_system.items())
        for record_id in sorted(ids)
    ]


# -- 2. the durable pending list (same transaction as the local erasure) ----------------------


def record_requests(
    con: duckdb.DuckDBPyConnection,
    audit_id: str,
    action: str,
    targets: list[UpstreamTarget],
    now: datetime,
) -> int:
    """Add one pending request per target (caller holds the erasure's transaction)."""
    ensure_requests_table(con)
    for target in targets:
        con.execute(
            f"insert into {REQUESTS_TABLE} values "
            "(?, ?, ?, ?, ?, ?, ?, null, ?, ?, null, null, 0, ?, null, null)",
            [
                uuid.uuid4().hex,
                audit_id,
                action,
                target.system,
                target.record_type,
                target.record_id,
                target.person_id,
                STATUS_PENDING,
                REASON_REQUESTED,
                now,
            ],
        )
    return len(targets)


def audit_summary(con: duckdb.DuckDBPyConnection, audit_id: str) -> str:
    """The `upstream` JSON of an audit row: one entry per ATS record, ids and codes only."""
    rows = con.execute(
        f"select system, record_type, ats_record_id, operation, status, reason "
        f"from {REQUESTS_TABLE} where audit_id = ? order by system, ats_record_id",
        [audit_id],
    ).fetchall()
    keys = ("system", "record_type", "record_id", "operation", "status", "reason")
    return json.dumps([dict(zip(keys, row, strict=True)) for row in rows], sort_keys=True)


# -- 3. carrying the requests out --------------------------------------------------------------


def default_clients() -> dict[str, ClientFactory]:
    """Each system's client from its environment variables (raises SourceConfigError when not
    connected)."""

    def greenhouse_client() -> ApiClient:
        message = greenhouse.missing_credentials_message()
        if message:
            raise SourceConfigError(message)
        return greenhouse.make_client()

    return {
        greenhouse_erasure.SYSTEM: greenhouse_client,
        lever_erasure.SYSTEM: lever.make_client,
        ashby_erasure.SYSTEM: ashby.make_client,
    }


@dataclass
class _Open:
    request_ids: list[str]
    audit_ids: set[str]
    system: str
    record_type: str
    record_id: str
    person_id: str | None
    # Every request for this record is already the stored Lever manual action (no new one).
    settled_manual: bool


def _open_requests(con: duckdb.DuckDBPyConnection, retry_manual: bool) -> list[_Open]:
    """Requests a pass works on, one entry per ATS record (a record erased twice is asked
    once). Manual ones come back only when they can change on their own: not connected (the
    credentials may be set now), Lever (a person may have done it), or on request."""
    manual_reasons = [REASON_NOT_CONNECTED] + ([REASON_REFUSED] if retry_manual else [])
    rows = con.execute(
        f"""
        select list(request_id order by request_id), list(distinct audit_id), system,
            record_type, ats_record_id, any_value(ats_person_id),
            bool_and(status = ? and reason = ?)
        from {REQUESTS_TABLE}
        where status = ?
           or (status = ? and (reason in (select unnest(?)) or system = ?))
        group by system, record_type, ats_record_id
        order by system, ats_record_id""",
        [
            STATUS_MANUAL,
            REASON_NO_API,
            STATUS_PENDING,
            STATUS_MANUAL,
            manual_reasons,
            lever_erasure.SYSTEM,
        ],
    ).fetchall()
    return [_Open(list(r[0]), set(r[1]), *r[2:]) for r in rows]


def _attempt(
    item: _Open,
    client: ApiClient | None,
    writes: bool,
    greenhouse_mode: str,
) -> tuple[UpstreamOutcome | None, bool]:
    """(outcome, whether the source was asked). None = leave the request as it is."""
    if item.system == lever_erasure.SYSTEM:
        if client is None:
            return lever_erasure.not_connected(item.record_id, item.person_id), False
        confirmed = lever_erasure.confirm_erased(client, item.record_id)
        if confirmed is not None:
            return confirmed, True
        if item.settled_manual:
            return None, True  # still open in Lever: the stored manual action stands
        return lever_erasure.manual_action(item.record_id, item.person_id), True
    if item.system == greenhouse_erasure.SYSTEM:
        if client is None:
            return greenhouse_erasure.not_connected(item.record_id, greenhouse_mode), False
        if not writes:
            return writes_disabled(greenhouse_mode, settings.ATS_WRITES_ENV), False
        return greenhouse_erasure.erase_candidate(client, item.record_id, greenhouse_mode), True
    if item.system == ashby_erasure.SYSTEM:
        if client is None:
            return ashby_erasure.not_connected(item.record_id), False
        if not writes:
            return writes_disabled(ashby_erasure.OPERATION, settings.ATS_WRITES_ENV), False
        return ashby_erasure.anonymize_candidate(client, item.record_id), True
    raise ValueError(f"no upstream erasure for system {item.system!r}")


def process_pending(
    db_path: Path,
    now: datetime,
    *,
    writes_enabled: bool | None = None,
    retry_manual: bool = False,
    clients: Mapping[str, ClientFactory] | None = None,
) -> list[UpstreamResult]:
    """Work through every open upstream request; returns each request's state afterwards.

    The database is opened only to read the open requests and to write the outcomes, never
    while a vendor is being called: a slow vendor does not hold DuckDB's lock.
    """
    writes = settings.ats_writes_enabled() if writes_enabled is None else writes_enabled
    factories = default_clients() if clients is None else clients
    con = database.connect(db_path)
    try:
        ensure_requests_table(con)
        items = _open_requests(con, retry_manual)
    finally:
        con.close()
    if not items:
        return []
    greenhouse_mode = settings.greenhouse_erasure_mode()
    built: dict[str, ApiClient | None] = {}
    failing: set[str] = set()  # systems that failed in this pass: not hammered further
    outcomes: list[tuple[_Open, UpstreamOutcome | None, bool]] = []
    for item in items:
        if item.system not in built:
            try:
                factory = factories.get(item.system)
                built[item.system] = factory() if factory is not None else None
            except SourceConfigError:
                built[item.system] = None
        if item.system in failing:
            outcomes.append((item, None, False))
            continue
        try:
            outcome, asked = _attempt(item, built[item.system], writes, greenhouse_mode)
        except ValueError as exc:
            # Our copy holds an id the source cannot have issued: the request cannot be sent;
            # a person checks (the message names the system and id, nothing else).
            outcome, asked = (
                UpstreamOutcome(
                    STATUS_MANUAL,
                    REASON_INVALID_ID,
                    str(exc)[:300],
                    manual_action=f"check {item.system} {item.record_type} {item.record_id} "
                    "in the source by hand: the CRM's copy held an id the API cannot take",
                ),
                False,
            )
        if outcome is not None and outcome.reason == REASON_SOURCE_ERROR:
            failing.add(item.system)
        outcomes.append((item, outcome, asked))
    return _store(db_path, now, outcomes)


def _store(
    db_path: Path, now: datetime, outcomes: list[tuple[_Open, UpstreamOutcome | None, bool]]
) -> list[UpstreamResult]:
    con = database.connect(db_path)
    try:
        con.begin()
        touched: set[str] = set()
        for item, outcome, asked in outcomes:
            ids = sorted(item.request_ids)
            if asked:
                con.execute(
                    f"update {REQUESTS_TABLE} set attempts = attempts + 1, last_attempt_at = ? "
                    "where request_id in (select unnest(?))",
                    [now, ids],
                )
            if outcome is None:
                continue
            con.execute(
                f"update {REQUESTS_TABLE} set status = ?, reason = ?, detail = ?, "
                "manual_action = ?, operation = coalesce(nullif(?, ''), operation), "
                "completed_at = case when ? = 'done' then ? else completed_at end "
                "where request_id in (select unnest(?))",
                [
                    outcome.status,
                    outcome.reason,
                    outcome.detail,
                    outcome.manual_action,
                    outcome.operation,
                    outcome.status,
                    now,
                    ids,
                ],
            )
            touched |= item.audit_ids
        for audit_id in sorted(touched):
            con.execute(
                f"update {AUDIT_TABLE} set upstream = ? where audit_id = ?",
                [audit_summary(con, audit_id), audit_id],
            )
        results = _results(con, [i for i, _, _ in outcomes], {id(i) for i, _, a in outcomes if a})
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
    counts = status_counts(results)
    log.info(
        "upstream erasure: %d request(s): %d done, %d pending, %d manual",
        len(results),
        counts[STATUS_DONE],
        counts[STATUS_PENDING],
        counts[STATUS_MANUAL],
    )
    return results


def _results(
    con: duckdb.DuckDBPyConnection, items: list[_Open], asked: set[int]
) -> list[UpstreamResult]:
    ids = sorted(rid for item in items for rid in item.request_ids)
    asked_ids = {rid for item in items if id(item) in asked for rid in item.request_ids}
    rows = con.execute(
        f"select request_id, audit_id, system, record_type, ats_record_id, status, reason, "
        f"coalesce(detail, ''), manual_action from {REQUESTS_TABLE} "
        "where request_id in (select unnest(?)) order by system, ats_record_id, request_id",
        [ids],
    ).fetchall()
    return [UpstreamResult(*row, attempted=row[0] in asked_ids) for row in rows]


def open_requests(db_path: Path) -> list[UpstreamResult]:
    """Every request not done yet (for `talent-crm gdpr upstream` and reports)."""
    con = database.connect(db_path, read_only=True)
    try:
        if not table_exists(con, REQUESTS_TABLE):
            return []
        rows = con.execute(
            f"select request_id, audit_id, system, record_type, ats_record_id, status, reason, "
            f"coalesce(detail, ''), manual_action from {REQUESTS_TABLE} where status <> ? "
            "order by system, ats_record_id, request_id",
            [STATUS_DONE],
        ).fetchall()
    finally:
        con.close()
    return [UpstreamResult(*row, attempted=False) for row in rows]


def status_counts(results: Iterable[UpstreamResult]) -> dict[str, int]:
    counts = {STATUS_DONE: 0, STATUS_PENDING: 0, STATUS_MANUAL: 0}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


def writes_disabled_in(results: Iterable[UpstreamResult]) -> bool:
    return any(r.reason == REASON_WRITES_DISABLED for r in results)
