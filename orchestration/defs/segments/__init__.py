"""Segments area: the daily touchpoint export and its blocking consent check."""

import dagster as dg

from orchestration.defs.segments.assets import SEGMENTS_ASSETS
from orchestration.defs.segments.checks import SEGMENTS_CHECKS

defs = dg.Definitions(assets=SEGMENTS_ASSETS, asset_checks=SEGMENTS_CHECKS)
