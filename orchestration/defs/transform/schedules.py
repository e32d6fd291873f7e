"""Schedules of the transform area (created stopped: an operator turns them on in the UI)."""

import dagster as dg

from orchestration.defs.transform.jobs import crm_pipeline

nightly_crm_refresh = dg.ScheduleDefinition(
    name="nightly_crm_refresh",
    job=crm_pipeline,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 UTC: incremental sync of all sources and a full dbt build.",
)

TRANSFORM_SCHEDULES = [nightly_crm_refresh]
