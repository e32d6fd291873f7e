"""Jobs of the hygiene/GDPR area.

- `nightly_hygiene`: rebuilds the hygiene and GDPR marts (stale, undeliverable, tagging gaps,
  verification list, job changes, lawful basis, consent gaps, Art. 14, retention), refreshes
  the suppression gate, purges contacts past retention and records the sources deleted (the
  erasure path), and reports counts.
- `monthly_enrichment`: enriches stale contacts through PDL within a budget; skipped with a
  message when PDL_API_KEY is not set.
"""

import dagster as dg

from orchestration.defs.hygiene_gdpr.assets import RETENTION_PURGE, STALE_ENRICHMENT
from orchestration.defs.ingest.jobs import BILLED_ENRICHMENT

# Destructive or billed steps run only on their own schedules, never in crm_pipeline (which
# `make demo` and every test run): a demo must not purge the sample market or spend credits.
NOT_IN_FULL_PIPELINE = dg.AssetSelection.assets(
    RETENTION_PURGE, STALE_ENRICHMENT, BILLED_ENRICHMENT
)

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

HYGIENE_GDPR_JOBS = [nightly_hygiene, monthly_enrichment]
