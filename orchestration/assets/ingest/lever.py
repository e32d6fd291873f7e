"""Ingest assets for Lever: opportunities, postings, archive reasons, deleted opportunities.

Thin on purpose: the connector (ingest.lever) does paging, validation and landing; these assets
wire configuration and resources and report counts — never personal data — as metadata.
"""

from datetime import timedelta

import dagster as dg

from ingest import lever
from orchestration.assets.ingest.common import (
    IngestConfig,
    explain_source_failures,
    skipped_for_missing_credentials,
    sync_metadata,
)
from orchestration.resources import DuckDBWarehouse, SourceCredentials
from orchestration.settings import DUCKDB_WRITE_POOL

ENTITY_DESCRIPTIONS = {
    "opportunities": "Lever opportunities (a person's candidacy: contact id, name, emails, "
    "phones, links, stage, origin, archive reason id, data-protection consent), landed "
    "incrementally on `updated_at_start` (epoch ms).",
    "postings": "Lever postings (jobs: state, team/department/location/commitment/level), read "
    "in full each run (small list, no change filter).",
    "archive_reasons": "Lever archive reasons (id → text and hired/non-hired type) that resolve "
    "`archived.reason` on opportunities; read in full each run.",
    "deleted_opportunities": "Lever deleted-opportunity signals (`/opportunities/deleted`: id, "
    "deletedAt), landed incrementally so GDPR work can propagate deletions.",
}


class LeverSyncConfig(IngestConfig):
    limit: int = lever.MAX_LIMIT  # records per page (Lever allows 1..100)
    overlap_minutes: int = 60  # re-read this much before the cursor: clocks drift


def build_lever_asset(entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", f"lever_{entity}"],
        group_name="ingest",
        kinds={"python", "duckdb"},
        pool=DUCKDB_WRITE_POOL,
        description=ENTITY_DESCRIPTIONS[entity],
        metadata={"source": "lever", "table": f"raw.lever_{entity}"},
    )
    @explain_source_failures("lever")
    def _sync(
        context: dg.AssetExecutionContext,
        config: LeverSyncConfig,
        warehouse: DuckDBWarehouse,
        lever_api: SourceCredentials,
    ) -> dg.MaterializeResult:
        missing = lever_api.missing_credentials()
        if missing:
            return skipped_for_missing_credentials(
                context, warehouse, lever.SOURCE, entity, missing
            )
        client = lever.make_client(
            api_key=lever_api.api_key(), base_url=lever_api.base_url(lever.DEFAULT_BASE_URL)
        )
        with warehouse.connect() as con:
            result = lever.sync_entity(
                con,
                client,
                entity,
                full_resync=config.full_resync,
                limit=config.limit,
                overlap=timedelta(minutes=config.overlap_minutes),
            )
        context.log.info(
            f"lever {entity}: fetched {result.counts.fetched}, landed {result.counts.landed}, "
            f"unchanged {result.counts.duplicates}, quarantined {result.counts.quarantined}, "
            f"pages {result.pages}, offset restarts {result.offset_restarts}, "
            f"http retries {client.stats.retries}, rate-limited {client.stats.rate_limited}"
        )
        metadata = sync_metadata(result)
        metadata["offset_restarts"] = dg.MetadataValue.int(result.offset_restarts)
        metadata["rate_limited"] = dg.MetadataValue.int(client.stats.rate_limited)
        return dg.MaterializeResult(metadata=metadata)

    return _sync


assets = [build_lever_asset(entity) for entity in lever.ENTITIES]
