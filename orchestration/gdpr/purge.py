"""Nightly purges through the erasure path: retention, source deletion signals, and records of
suppressed people re-delivered by a feed.

- Retention: contacts whose `gdpr.retention_due.is_purge_due` is true (their retention period
  by jurisdiction has ended) are erased as one batch (`retention_purge`; one audit row).
- Source signals: records a source marked anonymised or deleted (Lever, Ashby; see
  `intermediate.int_record_consent_signals`) are erased record by record — every landed
  version, including older ones that still hold the personal data the source removed. The
  contact lives on if other sources still hold the person.
- Suppression gate: records `suppression.refresh_suppressed_records` marked for dropping.

Retention purges are carried to the ATSs the people came from like any erasure (upstream.py),
and every nightly run works through the upstream requests still open from earlier runs — also
on a night with nothing to purge — so a vendor that was down yesterday is asked again today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ingest.landing import table_exists
from orchestration import database
from orchestration.gdpr import upstream
from orchestration.gdpr.erasure import ErasureReport, attach_upstream, erase_many

ACTION_RETENTION = "retention_purge"
ACTION_SOURCE_SIGNAL = "source_deletion_signal"
ACTION_SUPPRESSED_REDELIVERY = "suppressed_redelivery"
ERASURE_SIGNALS = ("anonymized", "deleted")


def contacts_due_for_purge(db_path: Path) -> list[str]:
    con = database.connect(db_path, read_only=True)
    try:
        if not table_exists(con, "gdpr.retention_due"):
            return []
        rows = con.execute(
            "select contact_id from gdpr.retention_due where is_purge_due order by 1"
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        con.close()


def records_with_erasure_signals(db_path: Path) -> list[str]:
    con = database.connect(db_path, read_only=True)
    try:
        if not table_exists(con, "intermediate.int_record_consent_signals"):
            return []
        rows = con.execute(
            "select distinct record_key from intermediate.int_record_consent_signals "
            "where signal in (select unnest(?)) order by 1",
            [list(ERASURE_SIGNALS)],
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        con.close()


@dataclass
class PurgeResult:
    contacts_purged: int
    signal_records_erased: int
    rows_removed: int
    files_rewritten: int
    database_rewritten: bool
    residual_bytes_found: bool
    # Upstream requests worked on by this run (this purge's and earlier ones), by status.
    upstream_done: int = 0
    upstream_pending: int = 0
    upstream_manual: int = 0


def summarise(
    reports: list[ErasureReport],
    contacts: int,
    records: int,
    upstream_results: list[upstream.UpstreamResult] | None = None,
) -> PurgeResult:
    counts = upstream.status_counts(upstream_results or [])
    return PurgeResult(
        contacts_purged=contacts,
        signal_records_erased=records,
        rows_removed=sum(r.total_rows for r in reports),
        files_rewritten=sum(len(r.files_rewritten) for r in reports),
        database_rewritten=any(r.database_rewritten for r in reports),
        residual_bytes_found=any(r.residual_bytes_found for r in reports),
        upstream_done=counts[upstream.STATUS_DONE],
        upstream_pending=counts[upstream.STATUS_PENDING],
        upstream_manual=counts[upstream.STATUS_MANUAL],
    )


def run_retention_purge(db_path: Path, data_dir: Path, now: datetime) -> PurgeResult:
    """Erase every contact past retention and every record a source asked us to forget."""
    contacts = contacts_due_for_purge(db_path)
    reports: list[ErasureReport] = []
    if contacts:
        reports += erase_many(
            db_path,
            data_dir,
            [{"contact_ids": contacts}],
            action=ACTION_RETENTION,
            now=now,
            upstream_pass=False,  # one pass below, after every local erasure of this run
        )
    records = records_with_erasure_signals(db_path)
    if records:
        # A source's own deletion is not the person's objection: no suppression hash, so no
        # pepper is needed and a later application through another channel is welcome.
        reports += erase_many(
            db_path,
            data_dir,
            [{"record_keys": records}],
            action=ACTION_SOURCE_SIGNAL,
            now=now,
            suppress=False,
            whole_contacts=False,
            upstream_pass=False,
        )
    results = upstream.process_pending(db_path, now)
    attach_upstream(reports, results)
    return summarise(reports, len(contacts), len(records), results)


def drop_suppressed_records(
    db_path: Path, data_dir: Path, record_keys: list[str], now: datetime
) -> PurgeResult:
    """Erase records of erased/suppressed people that a feed delivered again."""
    if not record_keys:
        return summarise([], 0, 0)
    reports = erase_many(
        db_path,
        data_dir,
        [{"record_keys": record_keys}],
        action=ACTION_SUPPRESSED_REDELIVERY,
        now=now,
        suppress=False,  # their hashes are what matched: already on the list
        whole_contacts=False,
        # Not carried upstream (see upstream.py), and the pipeline's gate is no place to
        # retry vendor calls: the nightly purge and `talent-crm gdpr upstream` do that.
        upstream_pass=False,
    )
    return summarise(reports, 0, len(record_keys))
