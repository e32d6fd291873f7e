"""The Dagster code location: `dagster dev -m orchestration.definitions`.

Every area under `orchestration/defs/` contributes one `Definitions`; they are merged with the
resources. Loading has no side effects on the environment.
"""

import dagster as dg

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

defs = dg.Definitions.merge(
    *(area.defs for area in AREAS),
    dg.Definitions(resources=all_resources()),
)
