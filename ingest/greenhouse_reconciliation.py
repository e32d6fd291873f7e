"""Greenhouse deletions found by reconciliation: landed candidates Greenhouse no longer lists.

Harvest v3 has no deleted list and no `deleted_at`. Deletions, merges and anonymisation reach
us through the signed web hooks (ingest.greenhouse_webhooks), but a web hook can be missed: the
receiver was down longer than Greenhouse retries (about 15 hours), the hook was never set up, or
the candidate was deleted before it was. The reconciliation is the backstop: it lists every
candidate id Greenhouse still has and compares them with the ids landed in
`raw.greenhouse_candidates`.

An id that is not listed once is not yet a deletion: a listing can miss a row that is being
merged or moved at that moment, and a Site Admin can briefly lose access to a private
candidate. So a missing id is only PENDING until it was missing in at least two reconciliations
that lie `grace` apart (and not listed in between: a reappearance clears it). Then it is landed
in `raw.greenhouse_candidate_deletions` (`{id, detected_at, first_missing_at, times_missing}`,
ids only), which `stg_greenhouse__candidate_erasures` turns into the same `deleted` erasure
signal a `delete_candidate` web hook gives; the nightly retention purge erases the record.

Two safety rules, because a wrong listing would otherwise erase people:
- the listing must complete: any error while paging raises before anything is written;
- when more than `max_missing_share` of the landed candidates are missing at once (a credential
  pointed at another account, a sandbox, a lost scope), nothing is written and the run fails
  with counts only.
Plain Python, no Dagster; the asset in orchestration/defs/ingest wires it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import polars as pl

from checks.greenhouse import CONTRACTS
from checks.validation import validate_records
from ingest import greenhouse
from ingest.http_client import ApiClient, SourceError
from ingest.landing import (
    RAW_SCHEMA,
    ensure_landing_table,
    ensure_raw_schema,
    land_page,
    new_batch_id,
    table_exists,
)

ENTITY = "candidate_deletions"
PENDING_TABLE = f"{RAW_SCHEMA}.greenhouse_reconciliation_pending"
DEFAULT_GRACE = timedelta(days=3)
DEFAULT_MAX_MISSING_SHARE = 0.2


class ReconciliationRefused(SourceError):
    """Too many landed candidates are missing from the listing to trust it."""


@dataclass(frozen=True)
class ReconciliationResult:
    listed: int  # candidate ids Greenhouse lists now
    landed: int  # candidate ids in raw (not yet known as deleted)
    missing: int  # landed but not listed this time
    newly_missing: int  # of those, missing for the first time
    reappeared: int  # pending ids listed again: cleared
    pending: int  # missing, still inside the grace period
    confirmed: int  # deletions landed by this run
    batch_id: str


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The deletions landing table and the pending list. Staging reads the former, so it must
    exist even before the first reconciliation ran."""
    ensure_raw_schema(con)
    ensure_landing_table(con, greenhouse.SOURCE, ENTITY)
    con.execute(
        f"""
        create table if not exists {PENDING_TABLE} (
            candidate_id varchar primary key,
            first_missing_at timestamp not null,
            last_missing_at timestamp not null,
            times_missing integer not null
        )"""
    )


def reconcile_candidates(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    *,
    grace: timedelta = DEFAULT_GRACE,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
    now: datetime | None = None,
) -> ReconciliationResult:
    """List every candidate id in Greenhouse, then record what is missing (see module doc)."""
    # The whole listing first: an error while paging must leave nothing half-compared.
    listed = greenhouse.listed_ids(client, "candidates")
    return reconcile(
        con, listed, grace=grace, max_missing_share=max_missing_share, now=now or _utcnow()
    )


def reconcile(
    con: duckdb.DuckDBPyConnection,
    listed: set[str],
    *,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> ReconciliationResult:
    """Compare `listed` with the landed candidate ids at `now`; land confirmed deletions and
    keep the pending list, in one transaction."""
    ensure_tables(con)
    moment = now.astimezone(UTC).replace(tzinfo=None)
    batch_id = new_batch_id()
    con.register(
        "_listed_ids",
        pl.DataFrame({"candidate_id": sorted(listed)}, schema={"candidate_id": pl.String}),
    )
    try:
        con.begin()
        try:
            result = _reconcile_in_transaction(
                con, len(listed), moment, grace, max_missing_share, batch_id
            )
        except BaseException:
            con.rollback()
            raise
        con.commit()
    finally:
        con.unregister("_listed_ids")
    return result


def _reconcile_in_transaction(
    con: duckdb.DuckDBPyConnection,
    listed_count: int,
    moment: datetime,
    grace: timedelta,
    max_missing_share: float,
    batch_id: str,
) -> ReconciliationResult:
    deletions = f"{RAW_SCHEMA}.greenhouse_{ENTITY}"
    landed_source = (
        f"select distinct _source_record_id as candidate_id from {RAW_SCHEMA}.greenhouse_candidates"
        if table_exists(con, f"{RAW_SCHEMA}.greenhouse_candidates")
        else "select cast(null as varchar) as candidate_id where false"
    )
    con.execute(
        f"""
        create or replace temp table _landed as
        select candidate_id from ({landed_source})
        where candidate_id not in (select _source_record_id from {deletions})
        """
    )
    [(landed,)] = con.execute("select count(*) from _landed").fetchall()
    con.execute(
        """
        create or replace temp table _missing as
        select candidate_id from _landed
        where candidate_id not in (select candidate_id from _listed_ids)
        """
    )
    [(missing,)] = con.execute("select count(*) from _missing").fetchall()
    if landed and missing / landed > max_missing_share:
        raise ReconciliationRefused(
            f"{greenhouse.SOURCE}: reconciliation stopped — {missing:,} of {landed:,} landed "
            f"candidates ({missing / landed:.0%}) are not listed by Greenhouse, more than the "
            f"allowed {max_missing_share:.0%}. Is {greenhouse.BASE_URL_ENV} or the credential "
            "pointed at another account, or has it lost harvest:candidates:list? Nothing was "
            "marked deleted. If Greenhouse really lost that many candidates, re-run with a "
            "higher max_missing_share."
        )
    [(reappeared,)] = con.execute(
        f"""
        select count(*) from {PENDING_TABLE}
        where candidate_id in (select candidate_id from _listed_ids)
        """
    ).fetchall()
    # Listed again (or no longer landed, e.g. erased meanwhile): no longer a deletion candidate.
    con.execute(
        f"delete from {PENDING_TABLE} where candidate_id not in (select candidate_id from _missing)"
    )
    [(newly_missing,)] = con.execute(
        f"""
        select count(*) from _missing
        where candidate_id not in (select candidate_id from {PENDING_TABLE})
        """
    ).fetchall()
    con.execute(
        f"""
        insert into {PENDING_TABLE}
        select candidate_id, $now, $now, 1 from _missing
        on conflict (candidate_id) do update set
            last_missing_at = excluded.last_missing_at,
            times_missing = {PENDING_TABLE}.times_missing + 1
        """,
        {"now": moment},
    )
    due = con.execute(
        f"""
        select candidate_id, first_missing_at, times_missing from {PENDING_TABLE}
        where times_missing >= 2 and last_missing_at - first_missing_at >= $grace
        order by candidate_id
        """,
        {"grace": grace},
    ).fetchall()
    records = [
        {
            "id": int(candidate_id) if str(candidate_id).isdigit() else candidate_id,
            "detected_at": _iso(moment),
            "first_missing_at": _iso(first_missing_at),
            "times_missing": times_missing,
        }
        for candidate_id, first_missing_at, times_missing in due
    ]
    valid, rejected = validate_records(CONTRACTS[ENTITY], records)
    if rejected:
        # Ids we landed ourselves; an unusable one is a bug, not a deletion to act on.
        raise SourceError(
            f"{greenhouse.SOURCE}: reconciliation found {len(rejected)} landed candidate ids "
            "that are not Greenhouse ids; nothing was marked deleted."
        )
    if valid:
        land_page(
            con,
            source=greenhouse.SOURCE,
            entity=ENTITY,
            batch_id=batch_id,
            records=[(str(records[i]["id"]), records[i]) for i in valid],
            tables_ensured=True,
            in_transaction=True,
        )
        con.execute(
            f"delete from {PENDING_TABLE} where candidate_id in (select unnest($ids))",
            {"ids": [str(records[i]["id"]) for i in valid]},
        )
    return ReconciliationResult(
        listed=listed_count,
        landed=landed,
        missing=missing,
        newly_missing=newly_missing,
        reappeared=reappeared,
        pending=missing - len(valid),
        confirmed=len(valid),
        batch_id=batch_id,
    )


def _iso(value: datetime) -> str:
    return value.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utcnow() -> datetime:
    return datetime.now(UTC)
