"""Schedules of the hygiene/GDPR area (created stopped: an operator turns them on in the UI).

`nightly_hygiene` runs at 03:00 UTC, after `nightly_crm_refresh` (02:00) has rebuilt the marts.
"""

import dagster as dg

from orchestration.defs.hygiene_gdpr.jobs import monthly_enrichment, nightly_hygiene

nightly_hygiene_schedule = dg.ScheduleDefinition(
    name="nightly_hygiene",
    job=nightly_hygiene,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 03:00 UTC: hygiene lists, GDPR reports, retention purge.",
)

monthly_enrichment_schedule = dg.ScheduleDefinition(
    name="monthly_enrichment",
    job=monthly_enrichment,
    cron_schedule="0 4 1 * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="1st of every month at 04:00 UTC: enrich stale contacts (PDL budget).",
)

HYGIENE_GDPR_SCHEDULES = [nightly_hygiene_schedule, monthly_enrichment_schedule]
