"""The daily touchpoint export (group `segments`). Thin: `orchestration.nurture.export` does
the work. Metadata carries counts and file names (dates only), never personal data. The dbt
models (segments.*) come from the transform area.
"""

from datetime import date

import dagster as dg

from orchestration import settings
from orchestration.nurture.export import export_touchpoints
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

TOUCHPOINTS_DUE = dg.AssetKey(["segments", "touchpoints_due"])
OUTREACH_ELIGIBILITY = dg.AssetKey(["gdpr", "outreach_eligibility"])
EXPORT_KEY = dg.AssetKey(["exports", "touchpoints"])


@dg.asset(
    key=EXPORT_KEY,
    deps=[TOUCHPOINTS_DUE, OUTREACH_ELIGIBILITY],
    group_name="segments",
    description="Today's nurture due-list (segments.touchpoints_due as of TALENT_CRM_AS_OF) "
    "written to data/exports/touchpoints/<date>.csv and .parquet for recruiters. Refuses to "
    "write if any contact gdpr.outreach_eligibility blocks is on the list.",
    kinds={"duckdb", "csv", "parquet"},
    pool=DUCKDB_WRITE_POOL,
)
def touchpoints_export(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    with warehouse.connect(read_only=True) as con:
        export = export_touchpoints(
            con, settings.touchpoint_exports_dir(), settings.as_of() or date.today()
        )
    context.log.info(f"touchpoints due {export.as_of}: {export.rows} rows exported")
    return dg.MaterializeResult(
        metadata={
            "as_of": export.as_of.isoformat(),
            "rows": export.rows,
            "due_by_segment_step": dg.MetadataValue.json(export.counts),
            "csv": dg.MetadataValue.path(str(export.csv_path)),
            "parquet": dg.MetadataValue.path(str(export.parquet_path)),
        }
    )


SEGMENTS_ASSETS = [touchpoints_export]
