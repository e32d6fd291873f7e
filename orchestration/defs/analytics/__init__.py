"""Analytics area: the HTML report over the analytics marts, and the job that rebuilds both."""

import dagster as dg

from orchestration.defs.analytics.assets import ANALYTICS_ASSETS
from orchestration.defs.analytics.jobs import ANALYTICS_JOBS

defs = dg.Definitions(assets=ANALYTICS_ASSETS, jobs=ANALYTICS_JOBS)
