"""Jobs of the ingest area: land sources into raw without rebuilding the marts."""

import dagster as dg

from ingest import greenhouse
from orchestration.defs.ingest.assets import CANDIDATE_DELETIONS

# People Data Labs bills per match: its look-ups run only in `monthly_enrichment` or when
# someone materializes this asset on purpose, never as a side effect of a sync job.
BILLED_ENRICHMENT = dg.AssetKey(["raw", "pdl_person_enrichments"])
# The reconciliation pages every Greenhouse candidate id: its own job and schedule, not part of
# the regular incremental syncs (the full pipeline leaves it out too).
NOT_IN_REGULAR_SYNC = dg.AssetSelection.assets(CANDIDATE_DELETIONS)

ingest_all = dg.define_asset_job(
    name="ingest_all",
    selection=dg.AssetSelection.groups("ingest")
    - dg.AssetSelection.assets(BILLED_ENRICHMENT)
    - NOT_IN_REGULAR_SYNC,
    description="Incremental sync of every source (APIs and CSV drop folders) into raw; not "
    "the billed PDL enrichment nor the Greenhouse reconciliation.",
)

greenhouse_sync = dg.define_asset_job(
    name="greenhouse_sync",
    selection=dg.AssetSelection.assets(
        *(["raw", f"greenhouse_{entity}"] for entity in greenhouse.ENTITIES)
    ),
    description="Incremental sync of Greenhouse (Harvest v3) candidates, applications, jobs and "
    "the lists their ids point to into raw.",
)

greenhouse_reconciliation = dg.define_asset_job(
    name="greenhouse_reconciliation",
    selection=NOT_IN_REGULAR_SYNC,
    description="Compare the candidate ids Greenhouse still lists with the landed ones; ids "
    "missing past the grace period become deletions (the erasure path removes them).",
)

INGEST_JOBS = [ingest_all, greenhouse_sync, greenhouse_reconciliation]
