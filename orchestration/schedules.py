"""Schedules (created stopped: an operator turns them on in the UI)."""

from __future__ import annotations

import dagster as dg

from orchestration.jobs import crm_pipeline

nightly_crm_refresh = dg.ScheduleDefinition(
    name="nightly_crm_refresh",
    job=crm_pipeline,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 UTC: incremental sync of all sources and a full dbt build.",
)
