"""Sensors of the matching area.

`req_open_sensor`: when a req opens (in the ATS data or via a Greenhouse web hook), add its
dynamic partition and request one `req_match` run per (req, opening) with a stable run key.
Web-hook deliveries still in the spool first get a `req_refresh` run (land them, rebuild
crm.reqs and matching.req_profiles); the next tick then sees the req open. The logic and the
cursor format live in orchestration/matching/openings.py; this module only wires Dagster.

The sensor reads the published read copy (TALENT_CRM_READ_DB), never the pipeline's file, so a
tick neither waits for a running step nor makes one wait. Runs that change reqs (crm_pipeline,
req_refresh) republish the copy, and the next tick sees them. Should someone hold the copy open
for writing by hand, the tick waits briefly, then skips with a message and tries again next
interval (the cursor is unchanged, so nothing is lost).
"""

from datetime import UTC, datetime

import dagster as dg

from ingest.greenhouse_webhooks import WebhookSpool
from orchestration import settings
from orchestration.database import DatabaseBusy
from orchestration.defs.matching.jobs import req_match_job, req_refresh_job
from orchestration.defs.matching.partitions import req_partitions
from orchestration.matching.openings import (
    SensorState,
    pending_webhook_files,
    plan_runs,
    read_open_reqs,
)

SENSOR_INTERVAL_SECONDS = 30


@dg.sensor(
    name="req_open_sensor",
    jobs=[req_match_job, req_refresh_job],
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A req opened (ATS sync or Greenhouse web hook) → one req_match run for its "
    "partition, per opening. Web-hook deliveries first trigger a req_refresh run.",
)
def req_open_sensor(context: dg.SensorEvaluationContext):
    state = SensorState.from_cursor(context.cursor)
    try:
        open_reqs = read_open_reqs(settings.read_db_path())
    except DatabaseBusy as exc:
        return dg.SkipReason(f"{exc}; will look again next tick")
    plan = plan_runs(
        open_reqs,
        pending_webhook_files(WebhookSpool(settings.webhook_spool_dir())),
        state,
        datetime.now(UTC),
    )
    new_keys = sorted({m.partition_key for m in plan.matches})
    run_requests = [
        dg.RunRequest(
            run_key=m.run_key,
            job_name=req_match_job.name,
            partition_key=m.partition_key,
            tags={"talent_crm/req_id": m.req_id, "talent_crm/opened_at": m.opened_at},
        )
        for m in plan.matches
    ]
    if plan.refresh_for_files:
        run_requests.append(
            dg.RunRequest(
                run_key="webhook:" + ",".join(sorted(plan.refresh_for_files))[:200],
                job_name=req_refresh_job.name,
            )
        )
    context.update_cursor(plan.state.to_cursor())
    if not run_requests:
        return dg.SkipReason(f"{len(open_reqs)} open reqs, none newly opened")
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[req_partitions.build_add_request(new_keys)]
        if new_keys
        else [],
    )


MATCHING_SENSORS = [req_open_sensor]
