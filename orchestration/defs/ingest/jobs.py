"""Jobs of the ingest area: land sources into raw without rebuilding the marts."""

import dagster as dg

# People Data Labs bills per match: its look-ups run only in `monthly_enrichment` or when
# someone materializes this asset on purpose, never as a side effect of a sync job.
BILLED_ENRICHMENT = dg.AssetKey(["raw", "pdl_person_enrichments"])

ingest_all = dg.define_asset_job(
    name="ingest_all",
    selection=dg.AssetSelection.groups("ingest") - dg.AssetSelection.assets(BILLED_ENRICHMENT),
    description="Incremental sync of every source (APIs and CSV drop folders) into raw; not "
    "the billed PDL enrichment.",
)

greenhouse_sync = dg.define_asset_job(
    name="greenhouse_sync",
    selection=dg.AssetSelection.assets(
        ["raw", "greenhouse_candidates"],
        ["raw", "greenhouse_applications"],
        ["raw", "greenhouse_jobs"],
    ),
    description="Incremental sync of Greenhouse candidates, applications and jobs into raw.",
)

INGEST_JOBS = [ingest_all, greenhouse_sync]
