"""Checks of the matching area.

`match_backtest` (on `matching/req_profiles`, job `match_backtest`): recall@10/@50 and median
rank of real hires in a match computed as of their req's opening.
"""

import dagster as dg

from orchestration import database
from orchestration.defs.matching.assets import REQ_PROFILES
from orchestration.matching.backtest import run_backtest
from orchestration.resources import DuckDBWarehouse

BACKTEST_RECALL50_TARGET = 0.8


@dg.asset_check(
    asset=REQ_PROFILES,
    name="match_backtest",
    description="Closed reqs whose hire was already a contact: the hire's rank in a match "
    f"computed as of the req's opened_at. WARN when recall@50 < {BACKTEST_RECALL50_TARGET}.",
)
def match_backtest(warehouse: DuckDBWarehouse) -> dg.AssetCheckResult:
    try:
        con = database.connect(warehouse.resolved_path(), read_only=True, wait_seconds=20.0)
    except database.DatabaseBusy as exc:
        return dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.WARN, metadata={"skipped": str(exc)}
        )
    try:
        result = run_backtest(con)
    finally:
        con.close()
    recall50 = result.recall_at(50)
    return dg.AssetCheckResult(
        # No closed req with a known-contact hire yet: nothing to measure, nothing wrong.
        passed=recall50 is None or recall50 >= BACKTEST_RECALL50_TARGET,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            name: value
            for name, value in {
                "reqs": result.reqs,
                "recall_at_10": result.recall_at(10),
                "recall_at_50": recall50,
                "recall_at_50_among_eligible_hires": result.recall_at_among_eligible(50),
                "median_rank": result.median_rank,
                "hires_not_ranked": result.misses,
                # Why each hire outside the top 50 is there (components vs the 50th row's
                # score, or the exclusion rules then): ids and fit facts, no personal data.
                "hires_outside_top_50": "\n".join(
                    f"{key}: {why}" for key, why in result.outside(50).items()
                )
                or None,
            }.items()
            if value is not None
        },
    )


MATCHING_CHECKS = [match_backtest]
