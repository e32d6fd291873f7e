"""Ingest assets for Ashby: candidates and jobs → raw.ashby_*.

Thin on purpose: the connector (ingest.ashby) does paging, sync tokens, validation and landing;
these assets wire configuration and resources and report counts — never personal data — as
metadata, including why a full resync was forced (an Ashby error code).
"""

import dagster as dg

from ingest import ashby
from orchestration.assets.ingest.common import (
    IngestConfig,
    explain_source_failures,
    skipped_for_missing_credentials,
    sync_metadata,
)
from orchestration.resources import DuckDBWarehouse, SourceCredentials
from orchestration.settings import DUCKDB_WRITE_POOL

ENTITY_DESCRIPTIONS = {
    "candidates": "Ashby candidates (names, primary and other emails, phones, social links, "
    "tags, position/company), landed incrementally with Ashby's syncToken.",
    "jobs": "Ashby jobs (reqs of the acquired subsidiary: status, department, location, "
    "opened/closed), landed incrementally with Ashby's syncToken.",
}


class AshbySyncConfig(IngestConfig):
    limit: int = ashby.MAX_LIMIT  # records per page (Ashby allows 1..100)


def build_ashby_asset(entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", f"ashby_{entity}"],
        group_name="ingest",
        kinds={"python", "duckdb"},
        pool=DUCKDB_WRITE_POOL,
        description=ENTITY_DESCRIPTIONS[entity],
        metadata={"source": "ashby", "table": f"raw.ashby_{entity}"},
    )
    @explain_source_failures("ashby")
    def _sync(
        context: dg.AssetExecutionContext,
        config: AshbySyncConfig,
        warehouse: DuckDBWarehouse,
        ashby_api: SourceCredentials,
    ) -> dg.MaterializeResult:
        missing = ashby_api.missing_credentials()
        if missing:
            return skipped_for_missing_credentials(
                context, warehouse, ashby.SOURCE, entity, missing
            )
        client = ashby.make_client(
            api_key=ashby_api.api_key(), base_url=ashby_api.base_url(ashby.DEFAULT_BASE_URL)
        )
        with warehouse.connect() as con:
            result = ashby.sync_entity(
                con, client, entity, full_resync=config.full_resync, limit=config.limit
            )
        if result.full_resync_reason:
            context.log.warning(
                f"ashby {entity}: stored sync token rejected ({result.full_resync_reason}); "
                "ran a full resync (adds no duplicates)."
            )
        context.log.info(
            f"ashby {entity}: fetched {result.counts.fetched}, landed {result.counts.landed}, "
            f"unchanged {result.counts.duplicates}, quarantined {result.counts.quarantined}, "
            f"pages {result.pages}, http retries {client.stats.retries}, "
            f"rate-limited {client.stats.rate_limited}"
        )
        metadata = sync_metadata(result)
        metadata["full_resync_reason"] = dg.MetadataValue.text(result.full_resync_reason or "none")
        metadata["rate_limited"] = dg.MetadataValue.int(client.stats.rate_limited)
        return dg.MaterializeResult(metadata=metadata)

    return _sync


assets = [build_ashby_asset(entity) for entity in ashby.ENTITIES]
