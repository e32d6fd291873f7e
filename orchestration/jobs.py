"""Jobs named for what an operator wants to do."""

from __future__ import annotations

import dagster as dg

# Everything: ingest every source, then rebuild every dbt model and run its tests.
crm_pipeline = dg.define_asset_job(
    name="crm_pipeline",
    selection=dg.AssetSelection.all(),
    description="Sync every source into raw, then dbt build staging → identity → marts.",
)

greenhouse_sync = dg.define_asset_job(
    name="greenhouse_sync",
    selection=dg.AssetSelection.groups("ingest") & dg.AssetSelection.key_prefixes(["raw"]),
    description="Incremental sync of Greenhouse candidates, applications and jobs into raw.",
)
