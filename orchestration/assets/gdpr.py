"""GDPR assets: the suppression gate (after identity, before the marts) and the nightly
retention purge. Thin: the work is in `orchestration/gdpr/` (plain Python, tested directly).
Metadata carries counts only.
"""

from datetime import UTC, datetime

import dagster as dg

from orchestration import settings
from orchestration.gdpr.hashing import MissingPepperError
from orchestration.gdpr.purge import drop_suppressed_records, run_retention_purge
from orchestration.gdpr.suppression import refresh_suppressed_records
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

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
    "records a source marked anonymised or deleted. Runs in the nightly_hygiene job only.",
)
def retention_purge(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    try:
        result = run_retention_purge(warehouse.resolved_path(), settings.data_dir(), _now())
    except MissingPepperError as error:
        raise dg.Failure(str(error)) from None
    context.log.info(
        f"retention purge: {result.contacts_purged} contacts, "
        f"{result.signal_records_erased} source-deleted records, {result.rows_removed} rows"
    )
    return dg.MaterializeResult(
        metadata={
            "contacts_purged": result.contacts_purged,
            "source_deleted_records_erased": result.signal_records_erased,
            "rows_removed": result.rows_removed,
            "files_rewritten": result.files_rewritten,
            "database_rewritten": result.database_rewritten,
            "residual_bytes_found": result.residual_bytes_found,
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

GDPR_ASSETS = [suppressed_records, retention_purge, *GDPR_LEDGERS]
