"""Jobs of the ingest area: land sources into raw without rebuilding the marts."""

import dagster as dg

ingest_all = dg.define_asset_job(
    name="ingest_all",
    selection=dg.AssetSelection.groups("ingest"),
    description="Incremental sync of every source (APIs and CSV drop folders) into raw.",
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
