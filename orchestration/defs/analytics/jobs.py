"""Jobs of the analytics area."""

import dagster as dg

from orchestration.defs.hygiene_gdpr.jobs import READ_COPY

# Rebuild the analytics marts from the current crm marts, publish the read copy and render the
# HTML report from it.
analytics_report = dg.define_asset_job(
    name="analytics_report",
    selection=dg.AssetSelection.groups("analytics") | READ_COPY,
    description="Rebuild the analytics marts (dbt) and render the Talent CRM HTML report.",
)

ANALYTICS_JOBS = [analytics_report]
