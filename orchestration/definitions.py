"""The Dagster code location: `dagster dev -m orchestration.definitions`.

Every area under `orchestration/defs/` contributes one `Definitions`; they are merged with the
resources. Loading sets no environment variable; it applies one fix to Dagster's waiting for a
pool slot (`recovery.fix_pool_wait_busy_loop`).
"""

import dagster as dg

from orchestration import recovery
from orchestration.defs import (
    analytics,
    hygiene_gdpr,
    ingest,
    matching,
    publish,
    segments,
    transform,
)
from orchestration.resources import all_resources

AREAS = (ingest, transform, segments, hygiene_gdpr, matching, publish, analytics)

# Every process that runs these jobs (CLI, run workers) loads this module: a step waiting for
# the duckdb_write slot must sleep between claims, not spin (a Dagster 1.13 bug).
recovery.fix_pool_wait_busy_loop()

defs = dg.Definitions.merge(
    *(area.defs for area in AREAS),
    dg.Definitions(resources=all_resources()),
)
