"""Matching area: the per-req match and its export, the backtest check, the req-open sensor."""

import dagster as dg

from orchestration.defs.matching.assets import MATCHING_ASSETS
from orchestration.defs.matching.checks import MATCHING_CHECKS
from orchestration.defs.matching.jobs import MATCHING_JOBS
from orchestration.defs.matching.sensors import MATCHING_SENSORS

defs = dg.Definitions(
    assets=MATCHING_ASSETS,
    asset_checks=MATCHING_CHECKS,
    jobs=MATCHING_JOBS,
    sensors=MATCHING_SENSORS,
)
