"""What every ingest asset shares: run config, the "no credentials" skip and count metadata.

Metadata is visible to every UI user, so it carries counts, cursors and batch ids only —
never record content.
"""

import dagster as dg

from ingest.landing import ensure_landing_table, ensure_raw_schema
from ingest.sync import SyncResult
from orchestration.resources import DuckDBWarehouse


class IngestConfig(dg.Config):
    """Run-time options of an API ingest asset, editable in the Launchpad."""

    full_resync: bool = False  # forget the cursor and re-read everything (adds no duplicates)


def sync_metadata(result: SyncResult) -> dict[str, dg.MetadataValue]:
    meta: dict[str, dg.MetadataValue] = {
        "fetched": dg.MetadataValue.int(result.counts.fetched),
        "landed": dg.MetadataValue.int(result.counts.landed),
        "unchanged_skipped": dg.MetadataValue.int(result.counts.duplicates),
        "quarantined": dg.MetadataValue.int(result.counts.quarantined),
        "pages": dg.MetadataValue.int(result.pages),
        "full_resync": dg.MetadataValue.bool(result.full_resync),
        "cursor_before": dg.MetadataValue.text(result.cursor_before or "none (first sync)"),
        "cursor_after": dg.MetadataValue.text(result.cursor_after or "none"),
        "batch_id": dg.MetadataValue.text(result.batch_id),
    }
    if result.quarantine_reasons:
        meta["quarantine_reasons"] = dg.MetadataValue.json(result.quarantine_reasons)
    return meta


def skipped(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBWarehouse,
    source: str,
    entity: str,
    message: str,
) -> dg.MaterializeResult:
    """Skip a source, say why (and which setting fixes it), keep downstream buildable.

    The landing table is created empty so staging models over it still build: one missing
    source must not stop the others from reaching the marts.
    """
    context.log.warning(message)
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        ensure_landing_table(con, source, entity)
    return dg.MaterializeResult(
        metadata={"skipped": True, "skip_reason": dg.MetadataValue.text(message)}
    )


def skipped_for_missing_credentials(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBWarehouse,
    source: str,
    entity: str,
    env_var: str,
) -> dg.MaterializeResult:
    """Skip a source without credentials, naming the env var to set."""
    message = f"{source}: skipped — no credentials, set env var {env_var}."
    return skipped(context, warehouse, source, entity, message)
