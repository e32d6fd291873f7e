"""The Dagster code location: `dagster dev -m orchestration.definitions`."""

import dagster as dg

from orchestration import settings
from orchestration.assets.identity import identity_resolution
from orchestration.assets.ingest import INGEST_ASSETS
from orchestration.assets.ingest.quality_checks import build_quarantine_checks
from orchestration.assets.segments import SEGMENT_ASSETS
from orchestration.dbt_assets import dbt_after_identity, dbt_before_identity
from orchestration.definitions_matching import MATCHING
from orchestration.jobs import crm_pipeline, greenhouse_sync, ingest_all
from orchestration.resources import all_resources
from orchestration.schedules import nightly_crm_refresh

# dbt runs in dbt_project/ and must open the same database file as the Python assets.
settings.export_absolute_db_path()

defs = dg.Definitions(
    assets=[
        *INGEST_ASSETS,
        dbt_before_identity,
        identity_resolution,
        dbt_after_identity,
        *SEGMENT_ASSETS,
        *MATCHING.assets,
    ],
    asset_checks=[*build_quarantine_checks(INGEST_ASSETS), *MATCHING.asset_checks],
    jobs=[crm_pipeline, ingest_all, greenhouse_sync, *MATCHING.jobs],
    schedules=[nightly_crm_refresh],
    sensors=MATCHING.sensors,
    resources=all_resources(),
)
