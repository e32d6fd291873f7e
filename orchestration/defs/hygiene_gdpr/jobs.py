"""Jobs of the hygiene/GDPR area.

- `nightly_hygiene`: rebuilds the hygiene and GDPR marts (stale, undeliverable, tagging gaps,
  verification list, job changes, lawful basis, consent gaps, Art. 14, retention), refreshes
  the suppression gate, purges contacts past retention and records the sources deleted (the
  erasure path), reports counts and publishes the read copy.
- `monthly_enrichment`: enriches stale contacts through PDL within a budget; skipped with a
  message when PDL_API_KEY is not set. Publishes the read copy (hygiene.stale_contacts).
"""

import dagster as dg

from orchestration.defs.hygiene_gdpr.assets import RETENTION_PURGE, STALE_ENRICHMENT
from orchestration.defs.ingest.jobs import BILLED_ENRICHMENT

# Destructive or billed steps run only on their own schedules, never in crm_pipeline (which
# `make demo` and every test run): a demo must not purge the sample market or spend credits.
NOT_IN_FULL_PIPELINE = dg.AssetSelection.assets(
    RETENTION_PURGE, STALE_ENRICHMENT, BILLED_ENRICHMENT
)
# The read copy (group `published`, orchestration/defs/publish/): every job that changes a mart
# selects it; it runs after every mart step of the job. Named by group, as the publish area
# imports this area's assets.
READ_COPY = dg.AssetSelection.groups("published")

nightly_hygiene = dg.define_asset_job(
    name="nightly_hygiene",
    selection=dg.AssetSelection.groups("hygiene", "gdpr")
    - dg.AssetSelection.assets(STALE_ENRICHMENT)
    | READ_COPY,
    description="Hygiene and GDPR marts, suppression gate, retention purge (erasure path) "
    "and the hygiene summary.",
)

monthly_enrichment = dg.define_asset_job(
    name="monthly_enrichment",
    selection=dg.AssetSelection.assets(STALE_ENRICHMENT, ["hygiene", "stale_contacts"]) | READ_COPY,
    description="Enrich stale contacts through People Data Labs (budgeted; skipped without "
    "PDL_API_KEY).",
)

HYGIENE_GDPR_JOBS = [nightly_hygiene, monthly_enrichment]
