"""Ingest assets for Greenhouse Harvest: candidates, applications, jobs → raw.greenhouse_*.

Thin on purpose: the connector (ingest.greenhouse) does paging, validation and landing; these
assets wire configuration and resources and report counts — never personal data — as metadata.
"""

from datetime import timedelta

import dagster as dg

from ingest import greenhouse
from orchestration.assets.ingest.common import (
    IngestConfig,
    explain_source_failures,
    skipped_for_missing_credentials,
    sync_metadata,
)
from orchestration.resources import DuckDBWarehouse, SourceCredentials
from orchestration.settings import DUCKDB_WRITE_POOL

ENTITY_DESCRIPTIONS = {
    "candidates": "Greenhouse candidates (people in the ATS: names, emails, phones, profiles, "
    "tags, can_email opt-out), landed incrementally on `updated_after`.",
    "applications": "Greenhouse applications (stage, rejection reason, hire) per candidate and "
    "job, landed incrementally on `last_activity_after`.",
    "jobs": "Greenhouse jobs = reqs (status, opened/closed history, department, office), landed "
    "incrementally on `updated_after`.",
}


class GreenhouseSyncConfig(IngestConfig):
    per_page: int = greenhouse.MAX_PER_PAGE
    overlap_minutes: int = 60  # re-read this much before the cursor: clocks drift


def build_greenhouse_asset(entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", f"greenhouse_{entity}"],
        group_name="ingest",
        kinds={"python", "duckdb"},
        pool=DUCKDB_WRITE_POOL,
        description=ENTITY_DESCRIPTIONS[entity],
        metadata={"source": "greenhouse", "table": f"raw.greenhouse_{entity}"},
    )
    @explain_source_failures("greenhouse")
    def _sync(
        context: dg.AssetExecutionContext,
        config: GreenhouseSyncConfig,
        warehouse: DuckDBWarehouse,
        greenhouse_api: SourceCredentials,
    ) -> dg.MaterializeResult:
        missing = greenhouse_api.missing_credentials()
        if missing:
            return skipped_for_missing_credentials(
                context, warehouse, greenhouse.SOURCE, entity, missing
            )
        client = greenhouse.make_client(
            api_key=greenhouse_api.api_key(),
            base_url=greenhouse_api.base_url(greenhouse.DEFAULT_BASE_URL),
        )
        with warehouse.connect() as con:
            result = greenhouse.sync_entity(
                con,
                client,
                entity,
                full_resync=config.full_resync,
                per_page=config.per_page,
                overlap=timedelta(minutes=config.overlap_minutes),
            )
        context.log.info(
            f"greenhouse {entity}: fetched {result.counts.fetched}, landed {result.counts.landed}, "
            f"quarantined {result.counts.quarantined}, pages {result.pages}, "
            f"http retries {client.stats.retries}, rate-limited {client.stats.rate_limited}"
        )
        return dg.MaterializeResult(metadata=sync_metadata(result))

    return _sync


assets = [build_greenhouse_asset(entity) for entity in greenhouse.ENTITIES]
