"""Jobs of the analytics area."""

import dagster as dg

# Rebuild the analytics marts from the current crm marts and render the HTML report.
analytics_report = dg.define_asset_job(
    name="analytics_report",
    selection=dg.AssetSelection.groups("analytics"),
    description="Rebuild the analytics marts (dbt) and render the Talent CRM HTML report.",
)

ANALYTICS_JOBS = [analytics_report]
