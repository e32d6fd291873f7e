"""Asset checks on every landing table: how much of what arrived was quarantined.

The feed contracts (checks/) decide record by record; this check watches the rate, so a vendor
that silently changes a field's format shows up as a failed check in the UI instead of as a
slowly emptying CRM. WARN severity: landing the valid rest is still the right thing to do.
"""

import dagster as dg

from orchestration.defs.ingest.assets import INGEST_ASSETS, VENDOR_FEED_ASSETS
from orchestration.defs.ingest.common import SYNC_FAILED
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


def build_sync_check(asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key,
        name="last_sync_succeeded",
        description="The latest sync of this source reached the vendor and landed what it "
        "returned. When it failed, the other sources and every model were still rebuilt; this "
        "check fails (and with it the run) naming the fix and the last successful sync.",
    )
    def _check(context: dg.AssetCheckExecutionContext):
        event = context.instance.get_latest_materialization_event(asset_key)
        metadata = (
            event.asset_materialization.metadata if event and event.asset_materialization else {}
        )
        failed = metadata.get(SYNC_FAILED)
        if failed is None or not failed.value:
            yield dg.AssetCheckResult(passed=True)
            return
        details = {
            name: metadata[name]
            for name in ("source", "error", "fix", "last_successful_sync")
            if name in metadata
        }
        yield dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.ERROR, metadata=details
        )
        # After the result: the check shows red with its facts, and the run ends failed for
        # this source (nothing downstream depends on a check, so nothing is skipped).
        raise dg.Failure(description=metadata["failure"].value, metadata=details)

    return _check


SYNC_CHECKS = [build_sync_check(key) for asset in VENDOR_FEED_ASSETS for key in asset.keys]
