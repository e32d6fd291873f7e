"""The Dagster code location: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import dagster as dg

from orchestration import settings
from orchestration.assets.ingest import INGEST_ASSETS
from orchestration.dbt_assets import dbt_cli_resource, talent_crm_dbt_models
from orchestration.jobs import crm_pipeline, greenhouse_sync
from orchestration.resources import DuckDBWarehouse, GreenhouseResource
from orchestration.schedules import nightly_crm_refresh

# dbt runs in dbt_project/ and must open the same database file as the Python assets.
settings.export_absolute_db_path()

defs = dg.Definitions(
    assets=[*INGEST_ASSETS, talent_crm_dbt_models],
    jobs=[crm_pipeline, greenhouse_sync],
    schedules=[nightly_crm_refresh],
    resources={
        "warehouse": DuckDBWarehouse(),
        "greenhouse_api": GreenhouseResource(),
        "dbt": dbt_cli_resource(),
    },
)
