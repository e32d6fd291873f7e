"""Jobs of the ingest area: land sources into raw without rebuilding the marts."""

import dagster as dg

from ingest import greenhouse

ingest_all = dg.define_asset_job(
    name="ingest_all",
    selection=dg.AssetSelection.groups("ingest"),
    description="Incremental sync of every source (APIs and CSV drop folders) into raw.",
)

greenhouse_sync = dg.define_asset_job(
    name="greenhouse_sync",
    selection=dg.AssetSelection.assets(
        *(["raw", f"greenhouse_{entity}"] for entity in greenhouse.ENTITIES)
    ),
    description="Incremental sync of Greenhouse (Harvest v3) candidates, applications, jobs and "
    "the lists their ids point to into raw.",
)

INGEST_JOBS = [ingest_all, greenhouse_sync]
