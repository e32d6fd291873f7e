"""The Talent CRM report as a Dagster asset (group `analytics`).

Thin: `orchestration.reporting.talent_report` reads the analytics marts and renders the HTML.
It reads them from the published read copy (after `published/read_copy`), so it needs no slot
of the `duckdb_write` pool and never holds the pipeline's file.
The asset links the file from its metadata and records the key numbers as numeric metadata,
so the UI plots them over time (Asset → Plots).
"""

from datetime import UTC, datetime

import dagster as dg

from orchestration import database, settings
from orchestration.defs.publish.assets import READ_COPY
from orchestration.reporting.talent_report import REPORT_MARTS, write_report
from orchestration.resources import DuckDBWarehouse

REPORT_KEY = dg.AssetKey(["analytics", "talent_crm_report"])


@dg.asset(
    key=REPORT_KEY,
    deps=[*(dg.AssetKey(["analytics", mart]) for mart in REPORT_MARTS), READ_COPY],
    group_name="analytics",
    kinds={"python", "plotly", "html"},
    description=(
        "Self-contained HTML report (plotly.js inlined, opens offline) charting the analytics "
        "marts: source of hire, warm vs cold hires, time to fill, silver-medalist and event "
        "conversion, pool growth (overall, by segment, by role family), nurture response (by "
        "step, by segment and step), tagging and stale share, GDPR health (today, and erasures, "
        "purges and suppression list by month). Written to "
        "data/exports/reports/talent_crm_report_<date>.html; key numbers (incl. the GDPR "
        "figures that exist only as current state, gdpr_*) are metadata plotted over time."
    ),
)
def talent_crm_report(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    as_of = settings.as_of() or datetime.now(UTC).date()
    read_copy = settings.read_db_path(warehouse.resolved_path())
    with database.opened(read_copy, read_only=True) as con:
        path, report = write_report(con, settings.report_dir(), as_of)
    charted = sum(chart.has_data for chart in report.charts)
    context.log.info(f"report written: {path} ({charted}/{len(report.charts)} charts with data)")
    return dg.MaterializeResult(
        metadata={
            "report_path": dg.MetadataValue.path(str(path)),
            "report_url": dg.MetadataValue.url(path.as_uri()),
            "charts_with_data": charted,
            "report_bytes": path.stat().st_size,
            **{name: value for name, value in report.key_numbers.items()},
        }
    )


ANALYTICS_ASSETS = [talent_crm_report]
