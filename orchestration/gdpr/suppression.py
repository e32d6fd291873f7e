"""The suppression list and the records it matches.

`gdpr.suppression_list` holds one row per (keyed hash, reason) — never an identifier in clear
(see `hashing.py`; kinds: normalised e-mail, profile slug, source record key). Reasons:
- `unsubscribe`      an outreach unsubscribe or spam complaint (outreach log);
- `source_opt_out`   an ATS "do not contact" flag (Greenhouse `can_email=false`, Lever
                     data-protection "contact not allowed");
- `objection`        `talent-crm gdpr opt-out` (Art. 21: an objection to direct contact);
- `erasure`          `talent-crm gdpr erase` (Art. 17);
- `retention_purge`  the nightly retention purge.

Where it is applied
- In segments and exports: `gdpr.suppressed_records` lists every current person record whose
  e-mail / profile hash is on the list; `gdpr.outreach_eligibility` blocks their contacts
  (`suppressed`), and every outreach surface joins that model.
- At ingest, at the identity stage (`records_to_drop`): right after identity resolution and
  before any mart is built, records matching any `erasure` hash, or the record-key hash of an
  erased/purged record, are erased again (a vendor API or drop folder re-delivering an erased
  person must not bring them back); records from indirect sources (sourcing exports,
  enrichment) that first appeared AFTER a person objected, unsubscribed or was purged are
  erased too (a suppressed person is not re-created from a new sourcing feed). A purged
  person who applies again through an ATS is welcome back: a new application is a new record.
  Why there and not in each connector: the identity engine has already
  normalised every identifier of every source in one table, so one hash join covers all nine
  feeds, including ones added later; raw landing stays a faithful, source-agnostic copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from ingest.landing import table_exists
from orchestration.gdpr import hashing

SCHEMA = "gdpr"
SUPPRESSION_TABLE = f"{SCHEMA}.suppression_list"
SUPPRESSED_RECORDS_TABLE = f"{SCHEMA}.suppressed_records"
AUDIT_TABLE = f"{SCHEMA}.audit_log"
# Erasures owed to the source systems (upstream.py): ids and codes only.
UPSTREAM_REQUESTS_TABLE = f"{SCHEMA}.upstream_erasure_requests"

REASON_UNSUBSCRIBE = "unsubscribe"
REASON_SOURCE_OPT_OUT = "source_opt_out"
REASON_OBJECTION = "objection"
REASON_ERASURE = "erasure"
# Matches that mean "this record must not exist": any hash of an erased person, and the
# record-key hash of any erased or purged record (a vendor re-delivering it). A purged person's
# e-mail/profile hash only stops re-sourcing: if they apply again, that new record is welcome.
ERASE_ON_SIGHT_REASONS = (REASON_ERASURE,)
# Sources that re-create people without them acting (Art. 14 sources): a suppressed person
# found there again is not re-created.
INDIRECT_SOURCES = ("sourcing", "pdl")

IDENTIFIERS_TABLE = "identity.record_identifiers"
IDENTITY_MAP_TABLE = "identity.identity_map"
SIGNALS_TABLE = "intermediate.int_record_consent_signals"


def ensure_gdpr_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(
        f"""
        create table if not exists {SUPPRESSION_TABLE} (
            identifier_hash varchar not null,
            identifier_kind varchar not null,
            reason varchar not null,
            added_at timestamp not null,
            primary key (identifier_hash, reason)
        )"""
    )
    con.execute(
        f"""
        create table if not exists {SUPPRESSED_RECORDS_TABLE} (
            record_key varchar not null,
            reasons varchar[] not null,
            first_suppressed_at timestamp
        )"""
    )
    con.execute(
        f"""
        create table if not exists {AUDIT_TABLE} (
            audit_id varchar not null,
            action varchar not null,
            subject_hash varchar,
            performed_at timestamp not null,
            contacts_removed bigint not null,
            rows_removed json not null,
            files_rewritten bigint not null,
            residual_bytes_found boolean not null,
            database_rewritten boolean not null,
            seconds double not null
        )"""
    )
    # The erasure carried to the source systems (upstream.py): per ATS record its system, id,
    # status and reason code. Added to ledgers created before it existed.
    con.execute(f"alter table {AUDIT_TABLE} add column if not exists upstream json")
    # One row per ATS record an erasure is carried to; created with the other ledgers so every
    # database (and its read copy) has it, erasures or not.
    con.execute(
        f"""
        create table if not exists {UPSTREAM_REQUESTS_TABLE} (
            request_id varchar not null,
            audit_id varchar not null,
            action varchar not null,
            system varchar not null,
            record_type varchar not null,
            ats_record_id varchar not null,
            ats_person_id varchar,
            operation varchar,
            status varchar not null,
            reason varchar not null,
            detail varchar,
            manual_action varchar,
            attempts integer not null,
            requested_at timestamp not null,
            last_attempt_at timestamp,
            completed_at timestamp
        )"""
    )


def add_hashes(
    con: duckdb.DuckDBPyConnection,
    hashes: Iterable[tuple[str, str]],
    reason: str,
    now: datetime,
) -> int:
    """Add (hash, kind) pairs under `reason`; returns how many were new."""
    frame = pl.DataFrame(
        list(dict.fromkeys(hashes)),
        schema={"identifier_hash": pl.String, "identifier_kind": pl.String},
        orient="row",
    )
    if frame.height == 0:
        return 0
    ensure_gdpr_tables(con)
    con.register("_new_hashes", frame)
    try:
        rows = con.execute(
            f"""
            insert or ignore into {SUPPRESSION_TABLE}
            select identifier_hash, identifier_kind, ?, ? from _new_hashes""",
            [reason, now],
        ).fetchall()
    finally:
        con.unregister("_new_hashes")
    return int(rows[0][0]) if rows else 0


def identifier_hashes(
    raw_emails: Iterable[str], raw_profiles: Iterable[str]
) -> set[tuple[str, str]]:
    """(hash, kind) of every e-mail / profile URL that normalises (needs the pepper)."""
    key = hashing.pepper()
    out: set[tuple[str, str]] = set()
    for email in raw_emails:
        digest = hashing.email_hash(email, key)
        if digest:
            out.add((digest, hashing.KIND_EMAIL))
    for url in raw_profiles:
        digest = hashing.profile_hash(url, key)
        if digest:
            out.add((digest, hashing.KIND_PROFILE))
    return out


def hashed_record_identifiers(con: duckdb.DuckDBPyConnection, key: bytes) -> pl.DataFrame:
    """record_key, identifier_hash for every evidence e-mail / profile identifier.

    Shared mailboxes (`is_evidence = false`) are skipped: `jobs@acme.com` unsubscribing must
    not suppress everyone who ever wrote from it. Each distinct value is hashed once.
    """
    if not table_exists(con, IDENTIFIERS_TABLE):
        return pl.DataFrame(
            schema={
                "record_key": pl.String,
                "identifier_kind": pl.String,
                "identifier_hash": pl.String,
            }
        )
    ids = con.sql(
        f"""
        select record_key, kind, value from {IDENTIFIERS_TABLE}
        where is_evidence and kind in ('email', 'linkedin', 'github')"""
    ).pl()
    distinct = ids.select("kind", "value").unique()
    digests = [
        hashing.keyed_hash(hashing.identifier_kind(kind) or kind, value, key)
        for kind, value in distinct.iter_rows()
    ]
    distinct = distinct.with_columns(
        pl.Series("identifier_hash", digests, dtype=pl.String),
        pl.when(pl.col("kind") == "email")
        .then(pl.lit(hashing.KIND_EMAIL))
        .otherwise(pl.lit(hashing.KIND_PROFILE))
        .alias("identifier_kind"),
    )
    by_identifier = ids.join(distinct, on=["kind", "value"]).select(
        "record_key", "identifier_kind", "identifier_hash"
    )
    keys = con.sql("select distinct record_key from identity.record_contacts").pl()
    by_record = keys.with_columns(
        pl.lit(hashing.KIND_RECORD).alias("identifier_kind"),
        pl.Series(
            "identifier_hash",
            [hashing.keyed_hash(hashing.KIND_RECORD, k, key) for k in keys["record_key"]],
            dtype=pl.String,
        ),
    )
    return pl.concat([by_identifier, by_record])


def sync_source_opt_outs(
    con: duckdb.DuckDBPyConnection, hashed: pl.DataFrame, now: datetime
) -> int:
    """Put the identifiers of every record carrying a source opt-out signal on the list."""
    if not table_exists(con, SIGNALS_TABLE) or hashed.height == 0:
        return 0
    signals = con.sql(
        f"select distinct record_key, source from {SIGNALS_TABLE} where signal = 'opt_out'"
    ).pl()
    matched = hashed.filter(pl.col("identifier_kind") != hashing.KIND_RECORD).join(
        signals, on="record_key"
    )
    added = 0
    for reason, sources in (
        (REASON_UNSUBSCRIBE, ["outreach"]),
        (REASON_SOURCE_OPT_OUT, None),
    ):
        part = (
            matched.filter(pl.col("source").is_in(sources))
            if sources
            else matched.filter(~pl.col("source").is_in(["outreach"]))
        )
        pairs = part.select("identifier_hash", "identifier_kind").unique().iter_rows()
        added += add_hashes(con, pairs, reason, now)
    return added


@dataclass
class GateResult:
    list_entries: int
    new_source_opt_outs: int
    suppressed_records: int
    records_to_drop: list[str]
    skipped_reason: str | None = None


def refresh_suppressed_records(con: duckdb.DuckDBPyConnection, now: datetime) -> GateResult:
    """Update the list from source opt-outs, then match every person record against it.

    Without TALENT_CRM_PEPPER: if the list is empty there is nothing to match, so the step is
    skipped with a message (source opt-outs still block outreach through
    crm.contacts.is_opted_out); if it holds entries the pepper is needed and its absence is an
    error naming the variable.
    """
    ensure_gdpr_tables(con)
    entries = con.execute(f"select count(*) from {SUPPRESSION_TABLE}").fetchall()[0][0]
    if not hashing.has_pepper():
        if entries:
            hashing.pepper()  # raises MissingPepperError naming the env var
        con.execute(f"delete from {SUPPRESSED_RECORDS_TABLE}")
        return GateResult(
            0,
            0,
            0,
            [],
            skipped_reason=f"{hashing.PEPPER_ENV} not set and the suppression "
            "list is empty: nothing to match (source opt-outs still block outreach).",
        )
    key = hashing.pepper()
    hashed = hashed_record_identifiers(con, key)
    new_opt_outs = sync_source_opt_outs(con, hashed, now)
    con.register("_hashed_ids", hashed)
    try:
        con.execute(f"delete from {SUPPRESSED_RECORDS_TABLE}")
        con.execute(
            f"""
            insert into {SUPPRESSED_RECORDS_TABLE}
            select h.record_key, list_sort(list_distinct(list(s.reason))), min(s.added_at)
            from _hashed_ids h
            inner join {SUPPRESSION_TABLE} s on h.identifier_hash = s.identifier_hash
            group by h.record_key"""
        )
        has_map = table_exists(con, IDENTITY_MAP_TABLE)
        first_seen = (
            f"left join {IDENTITY_MAP_TABLE} m on m.record_key = r.record_key"
            if has_map
            else "left join (select null::varchar as record_key, null::timestamp as assigned_at) m"
            " on false"
        )
        drop = con.execute(
            f"""
            select distinct r.record_key
            from {SUPPRESSED_RECORDS_TABLE} r
            inner join _hashed_ids h on h.record_key = r.record_key
            inner join {SUPPRESSION_TABLE} s on h.identifier_hash = s.identifier_hash
            {first_seen}
            where s.reason in (select unnest(?))
               or s.identifier_kind = ?
               or (split_part(r.record_key, ':', 1) in (select unnest(?))
                   and coalesce(m.assigned_at, ?) > s.added_at)
            order by 1""",
            [list(ERASE_ON_SIGHT_REASONS), hashing.KIND_RECORD, list(INDIRECT_SOURCES), now],
        ).fetchall()
        suppressed = con.execute(f"select count(*) from {SUPPRESSED_RECORDS_TABLE}").fetchall()
    finally:
        con.unregister("_hashed_ids")
    entries = con.execute(f"select count(*) from {SUPPRESSION_TABLE}").fetchall()[0][0]
    return GateResult(
        list_entries=int(entries),
        new_source_opt_outs=new_opt_outs,
        suppressed_records=int(suppressed[0][0]),
        records_to_drop=[row[0] for row in drop],
    )
