"""Jobs named for what an operator wants to do."""

from __future__ import annotations

import dagster as dg

from orchestration.hygiene_gdpr_jobs import NOT_IN_FULL_PIPELINE

# Everything: ingest every source, then rebuild every dbt model and run its tests. Not in it:
# the retention purge and the billed enrichment (their own schedules), and the assets
# partitioned per req (req matching) and the match backtest (their own jobs).
crm_pipeline = dg.define_asset_job(
    name="crm_pipeline",
    selection=dg.AssetSelection.all()
    - NOT_IN_FULL_PIPELINE
    - dg.AssetSelection.assets(["matching", "req_matches"])
    - dg.AssetSelection.checks(
        dg.AssetCheckKey(dg.AssetKey(["matching", "req_profiles"]), "match_backtest")
    ),
    description="Sync every source into raw, then dbt build staging → identity → marts.",
)

ingest_all = dg.define_asset_job(
    name="ingest_all",
    selection=dg.AssetSelection.groups("ingest"),
    description="Incremental sync of every source (APIs and CSV drop folders) into raw.",
)

greenhouse_sync = dg.define_asset_job(
    name="greenhouse_sync",
    selection=dg.AssetSelection.assets(
        ["raw", "greenhouse_candidates"],
        ["raw", "greenhouse_applications"],
        ["raw", "greenhouse_jobs"],
    ),
    description="Incremental sync of Greenhouse candidates, applications and jobs into raw.",
)

# Rebuild the analytics marts from the current crm marts and render the HTML report.
analytics_report = dg.define_asset_job(
    name="analytics_report",
    selection=dg.AssetSelection.groups("analytics"),
    description="Rebuild the analytics marts (dbt) and render the Talent CRM HTML report.",
)
