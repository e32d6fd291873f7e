"""Asset checks on every landing table: how much of what arrived was quarantined.

The feed contracts (checks/) decide record by record; this check watches the rate, so a vendor
that silently changes a field's format shows up as a failed check in the UI instead of as a
slowly emptying CRM. WARN severity: landing the valid rest is still the right thing to do.
"""

import dagster as dg

from orchestration.defs.ingest.assets import INGEST_ASSETS
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

MAX_QUARANTINE_SHARE = 0.02


def quarantine_share(warehouse: DuckDBWarehouse, table: str) -> tuple[int, int]:
    """(records landed in raw.<table>, records quarantined for it)."""
    with warehouse.connect(read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchall()[0][0]
        landed = (
            con.execute(f"select count(distinct _source_record_id) from raw.{table}").fetchall()[0][
                0
            ]
            if exists
            else 0
        )
        has_quarantine = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'quarantine'"
        ).fetchall()[0][0]
        quarantined = (
            con.execute(
                "select count(*) from raw.quarantine where _source || '_' || _entity = ?", [table]
            ).fetchall()[0][0]
            if has_quarantine
            else 0
        )
    return landed, quarantined


def build_quarantine_check(asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    table = asset_key.path[-1]

    @dg.asset_check(
        asset=asset_key,
        name="quarantine_share_below_2_percent",
        description=f"At most {MAX_QUARANTINE_SHARE:.0%} of raw.{table} records are quarantined.",
        pool=DUCKDB_WRITE_POOL,
    )
    def _check(warehouse: DuckDBWarehouse) -> dg.AssetCheckResult:
        landed, quarantined = quarantine_share(warehouse, table)
        total = landed + quarantined
        share = quarantined / total if total else 0.0
        return dg.AssetCheckResult(
            passed=share <= MAX_QUARANTINE_SHARE,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"landed": landed, "quarantined": quarantined, "share": round(share, 4)},
        )

    return _check


INGEST_CHECKS = [build_quarantine_check(key) for asset in INGEST_ASSETS for key in asset.keys]
