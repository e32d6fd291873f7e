"""Checks of the segments area: the consent gate on the touchpoint export (blocking)."""

import dagster as dg

from orchestration.defs.segments.assets import EXPORT_KEY
from orchestration.nurture.export import blocked_contacts_in_due_list
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL


@dg.asset_check(asset=EXPORT_KEY, blocking=True, pool=DUCKDB_WRITE_POOL)
def no_blocked_contact_due(warehouse: DuckDBWarehouse) -> dg.AssetCheckResult:
    """No contact that gdpr.outreach_eligibility blocks is on the due-list (must be zero)."""
    with warehouse.connect(read_only=True) as con:
        blocked = blocked_contacts_in_due_list(con)
    return dg.AssetCheckResult(passed=blocked == 0, metadata={"blocked_rows": blocked})


SEGMENTS_CHECKS = [no_blocked_contact_due]
