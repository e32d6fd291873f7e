"""Publish area: the read copy of the marts that analysts, the req-open sensor and the report
open instead of the pipeline's own file."""

import dagster as dg

from orchestration.defs.publish.assets import PUBLISH_ASSETS

defs = dg.Definitions(assets=PUBLISH_ASSETS)
