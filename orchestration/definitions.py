"""The Dagster code location: `dagster dev -m orchestration.definitions`."""

import dagster as dg

from orchestration import settings
from orchestration.assets.analytics_report import ANALYTICS_ASSETS
from orchestration.assets.identity import identity_resolution
from orchestration.assets.ingest import INGEST_ASSETS
from orchestration.assets.ingest.quality_checks import build_quarantine_checks
from orchestration.assets.segments import SEGMENT_ASSETS
from orchestration.dbt_assets import dbt_after_identity, dbt_before_identity
from orchestration.definitions_matching import MATCHING
from orchestration.hygiene_gdpr_jobs import HYGIENE_GDPR_DEFINITIONS
from orchestration.jobs import analytics_report, crm_pipeline, greenhouse_sync, ingest_all
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
        *HYGIENE_GDPR_DEFINITIONS["assets"],
        *ANALYTICS_ASSETS,
        *MATCHING.assets,
    ],
    asset_checks=[*build_quarantine_checks(INGEST_ASSETS), *MATCHING.asset_checks],
    jobs=[
        crm_pipeline,
        ingest_all,
        greenhouse_sync,
        analytics_report,
        *HYGIENE_GDPR_DEFINITIONS["jobs"],
        *MATCHING.jobs,
    ],
    schedules=[nightly_crm_refresh, *HYGIENE_GDPR_DEFINITIONS["schedules"]],
    sensors=MATCHING.sensors,
    resources=all_resources(),
)
