"""Hygiene and GDPR area: suppression gate, retention purge, ledgers, hygiene summary, stale
enrichment; jobs nightly_hygiene and monthly_enrichment and their schedules."""

import dagster as dg

from orchestration.defs.hygiene_gdpr.assets import HYGIENE_GDPR_ASSETS
from orchestration.defs.hygiene_gdpr.jobs import HYGIENE_GDPR_JOBS
from orchestration.defs.hygiene_gdpr.schedules import HYGIENE_GDPR_SCHEDULES

defs = dg.Definitions(
    assets=HYGIENE_GDPR_ASSETS, jobs=HYGIENE_GDPR_JOBS, schedules=HYGIENE_GDPR_SCHEDULES
)
