"""Jobs and schedules of the hygiene/GDPR area, and what definitions.py imports from it.

- `nightly_hygiene` (03:00 UTC, after nightly_crm_refresh): rebuilds the hygiene and GDPR marts
  (stale, undeliverable, tagging gaps, verification list, job changes, lawful basis, consent
  gaps, Art. 14, retention), refreshes the suppression gate, purges contacts past retention
  and records the sources deleted (the erasure path), and reports counts.
- `monthly_enrichment` (1st of the month, 04:00 UTC): enriches stale contacts through PDL
  within a budget; skipped with a message when PDL_API_KEY is not set.
Both are created stopped, like nightly_crm_refresh: an operator turns them on in the UI.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.gdpr import GDPR_ASSETS, RETENTION_PURGE
from orchestration.assets.hygiene import HYGIENE_ASSETS, STALE_ENRICHMENT

# Destructive or billed steps run only on their own schedules, never in crm_pipeline (which
# `make demo` and every test run): a demo must not purge the sample market or spend credits.
NOT_IN_FULL_PIPELINE = dg.AssetSelection.assets(RETENTION_PURGE, STALE_ENRICHMENT)

nightly_hygiene = dg.define_asset_job(
    name="nightly_hygiene",
    selection=dg.AssetSelection.groups("hygiene", "gdpr")
    - dg.AssetSelection.assets(STALE_ENRICHMENT),
    description="Hygiene and GDPR marts, suppression gate, retention purge (erasure path) "
    "and the hygiene summary.",
)

monthly_enrichment = dg.define_asset_job(
    name="monthly_enrichment",
    selection=dg.AssetSelection.assets(STALE_ENRICHMENT, ["hygiene", "stale_contacts"]),
    description="Enrich stale contacts through People Data Labs (budgeted; skipped without "
    "PDL_API_KEY).",
)

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

HYGIENE_GDPR_DEFINITIONS = {
    "assets": [*HYGIENE_ASSETS, *GDPR_ASSETS],
    "jobs": [nightly_hygiene, monthly_enrichment],
    "schedules": [nightly_hygiene_schedule, monthly_enrichment_schedule],
}
