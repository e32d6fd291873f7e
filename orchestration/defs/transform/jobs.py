"""The full pipeline job."""

import dagster as dg

from orchestration.defs.hygiene_gdpr.jobs import NOT_IN_FULL_PIPELINE
from orchestration.defs.ingest.jobs import NOT_IN_REGULAR_SYNC
from orchestration.defs.matching.assets import ATS_PUSHES, REQ_MATCHES, REQ_PROFILES

# Everything: ingest every source, then rebuild every dbt model and run its tests. Not in it:
# the retention purge, the billed enrichment and the Greenhouse reconciliation (their own
# schedules), and the assets partitioned per req (req matching, the ATS push) and the match
# backtest (their own jobs).
crm_pipeline = dg.define_asset_job(
    name="crm_pipeline",
    selection=dg.AssetSelection.all()
    - NOT_IN_FULL_PIPELINE
    - NOT_IN_REGULAR_SYNC
    - dg.AssetSelection.assets(REQ_MATCHES, ATS_PUSHES)
    - dg.AssetSelection.checks(dg.AssetCheckKey(REQ_PROFILES, "match_backtest")),
    description="Sync every source into raw, then dbt build staging → identity → marts.",
)

TRANSFORM_JOBS = [crm_pipeline]
