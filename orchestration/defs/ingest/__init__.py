"""Ingest area: every landing asset into `raw`, their quarantine and last-sync checks, the
ingest jobs and the Greenhouse reconciliation schedule."""

import dagster as dg

from orchestration.defs.ingest.assets import INGEST_ASSETS
from orchestration.defs.ingest.checks import INGEST_CHECKS, SYNC_CHECKS
from orchestration.defs.ingest.jobs import INGEST_JOBS
from orchestration.defs.ingest.schedules import INGEST_SCHEDULES

defs = dg.Definitions(
    assets=INGEST_ASSETS,
    asset_checks=[*INGEST_CHECKS, *SYNC_CHECKS],
    jobs=INGEST_JOBS,
    schedules=INGEST_SCHEDULES,
)
