"""Everything req matching adds to the code location, as one import for definitions.py."""

from dataclasses import dataclass

from orchestration.assets.matching import MATCHING_ASSETS, MATCHING_CHECKS
from orchestration.jobs_matching import MATCHING_JOBS
from orchestration.sensors import MATCHING_SENSORS


@dataclass(frozen=True)
class AreaDefinitions:
    assets: list
    asset_checks: list
    jobs: list
    sensors: list


MATCHING = AreaDefinitions(
    assets=MATCHING_ASSETS,
    asset_checks=MATCHING_CHECKS,
    jobs=MATCHING_JOBS,
    sensors=MATCHING_SENSORS,
)
