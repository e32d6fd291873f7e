"""Transform area: dbt before identity, identity resolution, dbt after identity; the full
pipeline job crm_pipeline and its nightly schedule."""

import dagster as dg

from orchestration.defs.transform.assets import TRANSFORM_ASSETS
from orchestration.defs.transform.jobs import TRANSFORM_JOBS
from orchestration.defs.transform.schedules import TRANSFORM_SCHEDULES

defs = dg.Definitions(assets=TRANSFORM_ASSETS, jobs=TRANSFORM_JOBS, schedules=TRANSFORM_SCHEDULES)
