"""Schedules of the ingest area (created stopped: an operator turns them on in the UI).

`greenhouse_reconciliation` runs at 01:00 UTC, before `nightly_crm_refresh` (02:00) rebuilds the
erasure signals from its findings and `nightly_hygiene` (03:00) erases the deleted records.
"""

import dagster as dg

from orchestration.defs.ingest.jobs import greenhouse_reconciliation

greenhouse_reconciliation_schedule = dg.ScheduleDefinition(
    name="greenhouse_reconciliation",
    job=greenhouse_reconciliation,
    cron_schedule="0 1 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 01:00 UTC: find candidates deleted in Greenhouse (ids no longer "
    "listed, past the grace period) for the erasure path.",
)

INGEST_SCHEDULES = [greenhouse_reconciliation_schedule]
