"""The read copy as a Dagster asset (group `published`). Thin: `orchestration.publish` copies
the mart schemas into a fresh file and swaps it in.

It depends on every asset that writes a mart table, so in any job that selects it, it runs
after all of them: each job that changes the marts (crm_pipeline, nightly_hygiene,
monthly_enrichment, analytics_report, req_refresh, req_match) selects it, and its last
materialization is the copy's age. The GDPR erasure path publishes on its own, outside any run.
"""

from datetime import UTC

import dagster as dg

from orchestration import settings
from orchestration.defs.hygiene_gdpr.assets import (
    GDPR_LEDGERS,
    RETENTION_PURGE,
    SUPPRESSED_RECORDS,
)
from orchestration.defs.matching.assets import REQ_MATCHES
from orchestration.defs.transform.assets import TRANSFORM_ASSETS
from orchestration.defs.transform.dbt_project import NIGHTLY_MART_FRESHNESS
from orchestration.publish import Publication, publish_read_copy
from orchestration.resources import DuckDBWarehouse

READ_COPY = dg.AssetKey(["published", "read_copy"])


def mart_tables() -> list[dg.AssetKey]:
    """Every asset that writes a table of a mart schema: the dbt marts, the suppression gate,
    the retention purge, the GDPR ledgers and the per-req matches."""
    dbt_marts = [
        spec.key
        for assets in TRANSFORM_ASSETS
        for spec in assets.specs
        if spec.key.path[0] in settings.MART_SCHEMAS
    ]
    ledgers = [spec.key for spec in GDPR_LEDGERS]
    return sorted({*dbt_marts, *ledgers, SUPPRESSED_RECORDS, RETENTION_PURGE, REQ_MATCHES})


def publication_metadata(publication: Publication) -> dict[str, dg.MetadataValue]:
    return {
        "path": dg.MetadataValue.path(settings.display_path(publication.path)),
        "published_at": dg.MetadataValue.timestamp(publication.published_at.replace(tzinfo=UTC)),
        "reason": dg.MetadataValue.text(publication.reason),
        "tables": dg.MetadataValue.int(publication.tables),
        "rows": dg.MetadataValue.int(publication.rows),
        "bytes": dg.MetadataValue.int(publication.bytes),
        "seconds": dg.MetadataValue.float(round(publication.seconds, 3)),
    }


@dg.asset(
    key=READ_COPY,
    deps=mart_tables(),
    group_name="published",
    kinds={"duckdb"},
    # Reads the pipeline file, which a writer in another process would hold exclusively.
    pool=settings.DUCKDB_WRITE_POOL,
    freshness_policy=NIGHTLY_MART_FRESHNESS,
    description=(
        "The read copy analysts query (TALENT_CRM_READ_DB, default "
        "data/talent_crm_read.duckdb): the mart schemas (crm, segments, hygiene, gdpr, "
        "matching, analytics; not raw or the identity internals) copied from the pipeline's "
        "file into a fresh file and swapped in atomically. Open it read-only, for as long as "
        "you like: the pipeline never writes the file you hold; reconnect to see a newer copy. "
        "Its `meta` table says when and why it was published."
    ),
)
def read_copy(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    publication = publish_read_copy(
        warehouse.resolved_path(), reason=context.job_name, run_id=context.run.run_id
    )
    context.log.info(
        f"read copy published: {publication.tables} tables, {publication.rows:,} rows, "
        f"{publication.bytes / 1e6:.1f} MB in {publication.seconds:.1f}s"
    )
    return dg.MaterializeResult(metadata=publication_metadata(publication))


PUBLISH_ASSETS = [read_copy]
