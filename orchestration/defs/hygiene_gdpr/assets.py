"""Hygiene and GDPR assets. Thin: the work is in `orchestration/gdpr/` and
`orchestration/hygiene/` (plain Python, tested directly); metadata carries counts only.

- `gdpr/suppressed_records`: the suppression gate (after identity, before the marts).
- `gdpr/retention_purge`: the nightly retention purge (the erasure path).
- `gdpr/suppression_list`, `gdpr/audit_log`: the two ledgers, declared so the graph shows them.
- `hygiene/summary`: counts of every hygiene and GDPR list, as metadata.
- `hygiene/stale_contact_enrichment`: the monthly, budgeted PDL enrichment of stale contacts.
"""

from datetime import UTC, date, datetime

import dagster as dg

from ingest import pdl
from orchestration import settings
from orchestration.contact_list_export import export_contact_list
from orchestration.defs.ingest.common import (
    PdlEnrichmentConfig,
    run_enrichment,
    skipped_for_missing_credentials,
)
from orchestration.gdpr.hashing import MissingPepperError
from orchestration.gdpr.purge import drop_suppressed_records, run_retention_purge
from orchestration.gdpr.suppression import refresh_suppressed_records
from orchestration.hygiene.enrichment import stale_contact_lookups
from orchestration.hygiene.summary import hygiene_summary
from orchestration.resources import DuckDBWarehouse, SourceCredentials

DUCKDB_WRITE_POOL = settings.DUCKDB_WRITE_POOL

SUPPRESSED_RECORDS = dg.AssetKey(["gdpr", "suppressed_records"])
RETENTION_PURGE = dg.AssetKey(["gdpr", "retention_purge"])


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dg.asset(
    key=SUPPRESSED_RECORDS,
    group_name="gdpr",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITE_POOL,
    deps=[
        dg.AssetKey(["identity", "record_identifiers"]),
        dg.AssetKey(["identity", "record_contacts"]),
        dg.AssetKey(["intermediate", "int_record_consent_signals"]),
    ],
    description="Suppression gate. Adds the keyed hashes (HMAC-SHA256, TALENT_CRM_PEPPER) of "
    "source opt-outs (outreach unsubscribes, ATS do-not-contact flags) to gdpr.suppression_list, "
    "matches every person record against it (gdpr.suppressed_records → outreach_eligibility "
    "`suppressed`), and erases records a feed re-delivered for an erased person, or that a "
    "sourcing/enrichment feed brought in after the person objected.",
)
def suppressed_records(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    now = _now()
    try:
        with warehouse.connect() as con:
            gate = refresh_suppressed_records(con, now)
    except MissingPepperError as error:
        raise dg.Failure(str(error)) from None
    if gate.skipped_reason:
        context.log.warning(gate.skipped_reason)
    dropped = drop_suppressed_records(
        warehouse.resolved_path(), settings.data_dir(), gate.records_to_drop, now
    )
    context.log.info(
        f"suppression: {gate.list_entries} hashes ({gate.new_source_opt_outs} new source "
        f"opt-outs), {gate.suppressed_records} records suppressed, "
        f"{dropped.signal_records_erased} re-delivered records erased"
    )
    metadata = {
        "suppression_hashes": gate.list_entries,
        "new_source_opt_out_hashes": gate.new_source_opt_outs,
        "suppressed_records": gate.suppressed_records,
        "redelivered_records_erased": dropped.signal_records_erased,
        "rows_removed": dropped.rows_removed,
    }
    if gate.skipped_reason:
        metadata["skip_reason"] = dg.MetadataValue.text(gate.skipped_reason)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=RETENTION_PURGE,
    group_name="gdpr",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITE_POOL,
    deps=[
        dg.AssetKey(["gdpr", "retention_due"]),
        dg.AssetKey(["intermediate", "int_record_consent_signals"]),
    ],
    description="Erases (the erasure path: every layer, drop-folder files, exports, audit "
    "log) contacts whose retention period ended (gdpr.retention_due.is_purge_due) and source "
    "records a source marked anonymised or deleted; carries purges to the ATSs they came from "
    "and retries upstream erasures still open (gdpr.upstream_erasure_requests; ATS writes "
    "only with TALENT_CRM_ATS_WRITES=1). Runs in the nightly_hygiene job only.",
)
def retention_purge(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    try:
        result = run_retention_purge(warehouse.resolved_path(), settings.data_dir(), _now())
    except MissingPepperError as error:
        raise dg.Failure(str(error)) from None
    context.log.info(
        f"retention purge: {result.contacts_purged} contacts, "
        f"{result.signal_records_erased} source-deleted records, {result.rows_removed} rows; "
        f"upstream {result.upstream_done} done, {result.upstream_pending} pending, "
        f"{result.upstream_manual} manual"
    )
    return dg.MaterializeResult(
        metadata={
            "contacts_purged": result.contacts_purged,
            "source_deleted_records_erased": result.signal_records_erased,
            "rows_removed": result.rows_removed,
            "files_rewritten": result.files_rewritten,
            "database_rewritten": result.database_rewritten,
            "residual_bytes_found": result.residual_bytes_found,
            "upstream_done": result.upstream_done,
            "upstream_pending": result.upstream_pending,
            "upstream_manual_actions": result.upstream_manual,
        }
    )


# The two GDPR ledgers are appended to by several writers (the suppression gate above, the
# nightly purge, the `talent-crm gdpr` commands), so none of them "materializes" the ledger;
# they are declared as external assets so the graph shows what they hold and the analytics
# marts (dbt sources `gdpr_ledgers`) hang off them.
GDPR_LEDGERS = [
    dg.AssetSpec(
        ["gdpr", "suppression_list"],
        description="Keyed hashes (HMAC-SHA256 with TALENT_CRM_PEPPER) of suppressed "
        "identifiers, with reason and time added: no identifier in clear.",
        group_name="gdpr",
        kinds={"duckdb"},
    ),
    dg.AssetSpec(
        ["gdpr", "audit_log"],
        description="One row per erasure or retention purge: subject hash, action, time, rows "
        "removed per table, files rewritten. No personal data.",
        group_name="gdpr",
        kinds={"duckdb"},
    ),
]


HYGIENE_MARTS = [
    dg.AssetKey(["hygiene", name])
    for name in (
        "stale_contacts",
        "undeliverable",
        "tagging_gaps",
        "verification_list",
        "duplicate_review",
        "job_changes",
    )
]
GDPR_MARTS = [
    dg.AssetKey(["gdpr", name])
    for name in ("consent_gaps", "art14_notices_due", "art14_overdue", "retention_due")
]
SUMMARY = dg.AssetKey(["hygiene", "summary"])
STALE_ENRICHMENT = dg.AssetKey(["hygiene", "stale_contact_enrichment"])


@dg.asset(
    key=SUMMARY,
    group_name="hygiene",
    kinds={"python"},
    # Reads only, but DuckDB refuses a read-only open while another process writes: queue
    # with the writers.
    pool=DUCKDB_WRITE_POOL,
    deps=[*HYGIENE_MARTS, *GDPR_MARTS, dg.AssetKey(["gdpr", "retention_purge"])],
    description="Counts of every hygiene and GDPR list (stale, undeliverable, verification, "
    "duplicates, job changes, consent gaps, Art. 14 due/overdue, retention due) and the three "
    "most common tagging gaps, as metadata. Reads only.",
)
def hygiene_report(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    with warehouse.connect(read_only=True) as con:
        summary = hygiene_summary(con)
    gaps = summary.pop("top_tagging_gaps", [])
    context.log.info("hygiene: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    metadata: dict[str, dg.MetadataValue] = {
        name: dg.MetadataValue.int(value) for name, value in summary.items()
    }
    metadata["top_tagging_gaps"] = dg.MetadataValue.text(", ".join(gaps) or "none")
    return dg.MaterializeResult(metadata=metadata)


class StaleEnrichmentConfig(PdlEnrichmentConfig):
    """Run-time options, editable in the Launchpad (the PDL ingest options, own budget)."""

    max_calls: int = 100  # budget: questions per run (PDL bills every match)


@dg.asset(
    key=STALE_ENRICHMENT,
    group_name="hygiene",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITE_POOL,
    deps=[dg.AssetKey(["hygiene", "stale_contacts"])],
    description="Monthly: asks People Data Labs about stale contacts (budget `max_calls`, rate "
    "limit, `min_likelihood`), landing answers in raw.pdl_person_enrichments with provenance. "
    "ATS data is never overwritten (source priority); hygiene.job_changes flags moves. "
    "Skipped without PDL_API_KEY.",
)
def stale_contact_enrichment(
    context: dg.AssetExecutionContext,
    config: StaleEnrichmentConfig,
    warehouse: DuckDBWarehouse,
    pdl_api: SourceCredentials,
) -> dg.MaterializeResult:
    missing = pdl_api.missing_credentials()
    if missing:
        return skipped_for_missing_credentials(
            context, warehouse, pdl.SOURCE, pdl.ENRICHMENTS_ENTITY, missing
        )
    run, client = run_enrichment(
        warehouse,
        pdl_api,
        config,
        label="stale enrichment",
        # Candidates: stale contacts, a few more than the budget (some were asked lately).
        lookup_sources=[stale_contact_lookups(limit=config.max_calls * 3)],
    )
    context.log.info(
        f"stale enrichment: asked {run.asked} (budget {config.max_calls}), matched "
        f"{run.matched}, no match {run.no_match}, skipped {run.skipped_recently_asked} asked "
        "recently"
    )
    return dg.MaterializeResult(
        metadata={
            "lookups_considered": run.considered,
            "skipped_recently_asked": run.skipped_recently_asked,
            "asked": run.asked,
            "max_calls": config.max_calls,
            "matched": run.matched,
            "no_match": run.no_match,
            "matches_billed": run.matches_billed,
            "landed": run.enrichments.landed,
        }
    )


VERIFICATION_EXPORT = dg.AssetKey(["exports", "verification_list"])


@dg.asset(
    key=VERIFICATION_EXPORT,
    deps=[
        dg.AssetKey(["hygiene", "verification_list"]),
        dg.AssetKey(["gdpr", "outreach_eligibility"]),
    ],
    group_name="hygiene",
    kinds={"duckdb", "csv", "parquet"},
    pool=DUCKDB_WRITE_POOL,
    description="Today's verification list (hygiene.verification_list: stale contacts to ask "
    '"still at <company>?", most recently active first) written to '
    "data/exports/verification/<date>.csv and .parquet for the recruiters who send it. Refuses "
    "to write if any contact gdpr.outreach_eligibility blocks is on the list.",
)
def verification_export(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    with warehouse.connect(read_only=True) as con:
        export = export_contact_list(
            con,
            "hygiene.verification_list",
            order_by="priority",
            out_dir=settings.verification_exports_dir(),
            as_of=settings.as_of() or date.today(),
        )
    context.log.info(f"verification list {export.as_of}: {export.rows} rows exported")
    return dg.MaterializeResult(
        metadata={
            "as_of": export.as_of.isoformat(),
            "rows": export.rows,
            "csv": dg.MetadataValue.path(str(export.csv_path)),
            "parquet": dg.MetadataValue.path(str(export.parquet_path)),
        }
    )


HYGIENE_GDPR_ASSETS = [
    suppressed_records,
    retention_purge,
    *GDPR_LEDGERS,
    hygiene_report,
    stale_contact_enrichment,
    verification_export,
]
