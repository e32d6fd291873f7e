"""Jobs of req matching: one match per req, the refresh a web hook needs, the backtest."""

import dagster as dg

from orchestration.defs.hygiene_gdpr.jobs import READ_COPY
from orchestration.defs.ingest.assets import WEBHOOK_EVENTS
from orchestration.defs.matching.assets import ATS_PUSHES, REQ_MATCHES, REQ_PROFILES

req_match_job = dg.define_asset_job(
    name="req_match",
    # The read copy (unpartitioned) follows the partition's match, so the list is queryable.
    selection=dg.AssetSelection.assets(REQ_MATCHES) | READ_COPY,
    description="Match the warm pool against one req (partition), write its outreach export, "
    "publish the read copy.",
)

# What a web hook needs before the match can see its req: land the delivery, rebuild the
# Greenhouse jobs staging view (it unions web-hook job versions), the classifications and the
# req marts.
req_refresh_job = dg.define_asset_job(
    name="req_refresh",
    selection=dg.AssetSelection.assets(
        WEBHOOK_EVENTS,
        # Selected so the run orders landing → staging view → marts (Dagster orders steps by
        # the dependencies between SELECTED assets only).
        dg.AssetKey(["staging", "stg_greenhouse__jobs"]),
        dg.AssetKey(["crm", "reqs"]),
        # A new title must be classified before the req's role family is known.
        dg.AssetKey(["intermediate", "int_title_classifications"]),
        dg.AssetKey(["intermediate", "int_req_classifications"]),
        REQ_PROFILES,
    ).without_checks()
    # The req-open sensor reads the read copy: publish it so the next tick sees the req.
    | READ_COPY,
    description="Land spooled Greenhouse web hooks, rebuild crm.reqs + matching.req_profiles "
    "and publish the read copy.",
)

# The backtest re-runs a match per historical req: on demand (UI or
# `talent-crm materialize --job match_backtest`), not inside every nightly build.
match_backtest_job = dg.define_asset_job(
    name="match_backtest",
    selection=dg.AssetSelection.checks(dg.AssetCheckKey(REQ_PROFILES, "match_backtest")),
    description="Backtest of the req match: recall@10/@50 and median rank of real hires.",
)

# The ATS push of one req (partition): on demand (`talent-crm convert`, or the UI), never in a
# scheduled build. The ledger it writes is raw, so no read copy follows.
ats_push_job = dg.define_asset_job(
    name="ats_push",
    selection=dg.AssetSelection.assets(ATS_PUSHES),
    description="Push one req's approved matches into its ATS (dry run unless "
    "TALENT_CRM_ATS_WRITES=1); ledger raw.ats_pushes.",
)

MATCHING_JOBS = [req_match_job, req_refresh_job, match_backtest_job, ats_push_job]
