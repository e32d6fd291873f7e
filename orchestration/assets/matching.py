"""Req matching as Dagster assets (group `matching`) and the web-hook landing asset.

- `raw/greenhouse_webhook_events`: lands spooled Greenhouse web-hook deliveries (see
  ingest/greenhouse_webhooks.py) into raw; `stg_greenhouse__jobs` unions their job objects
  with the Harvest versions, so the dbt lineage orders landing before the req marts.
- `matching/req_matches`: partitioned by req (dynamic partitions, added by the req-open
  sensor or `talent-crm match`); scores the warm pool for one req, replaces that req's rows in
  `matching.req_matches` and writes the recruiter export. Thin: orchestration.matching.run.
- `match_backtest`: asset check on `matching/req_profiles` (job `match_backtest`):
  recall@10/@50 and median rank of real hires in a match computed as of their req's opening.
"""

from datetime import UTC, datetime

import dagster as dg

from ingest.greenhouse_webhooks import WebhookSpool
from ingest.landing import ensure_landing_table, ensure_raw_schema, land_page, new_batch_id
from orchestration import settings
from orchestration.matching.backtest import run_backtest
from orchestration.matching.exports import DEFAULT_TOP_K
from orchestration.matching.openings import DatabaseBusy, connect_read_only
from orchestration.matching.run import match_req
from orchestration.partitions import req_partitions
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

REQ_MATCHES = dg.AssetKey(["matching", "req_matches"])
REQ_PROFILES = dg.AssetKey(["matching", "req_profiles"])
WEBHOOK_EVENTS = dg.AssetKey(["raw", "greenhouse_webhook_events"])
BACKTEST_RECALL50_TARGET = 0.8


def webhook_spool() -> WebhookSpool:
    return WebhookSpool(settings.data_dir() / "landing" / "greenhouse_webhooks")


def now_utc() -> datetime:
    """Match time: TALENT_CRM_AS_OF (end of that day) when set, for reproducible runs."""
    as_of = settings.as_of()
    if as_of is not None:
        return datetime(as_of.year, as_of.month, as_of.day, 23, 59, 59)
    return datetime.now(UTC).replace(tzinfo=None)


@dg.asset(
    key=WEBHOOK_EVENTS,
    group_name="ingest",
    pool=DUCKDB_WRITE_POOL,
    kinds={"python", "duckdb"},
    description="Greenhouse web-hook deliveries (job_created/job_updated/job_approved) landed "
    "from the receiver's spool folder; stg_greenhouse__jobs reads their job objects.",
)
def greenhouse_webhook_events(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    spool = webhook_spool()
    events = list(spool.pending())
    deliveries = [
        (
            event.event_id,
            {
                "event_id": event.event_id,
                "action": event.action,
                "received_at": event.received_at,
                "body": event.body,
            },
        )
        for event in events
    ]
    with warehouse.connect() as con:
        # The table exists even before the first delivery: staging reads it.
        ensure_raw_schema(con)
        ensure_landing_table(con, "greenhouse", "webhook_events")
        counts = (
            land_page(
                con,
                source="greenhouse",
                entity="webhook_events",
                batch_id=new_batch_id(),
                records=deliveries,
                tables_ensured=True,
            )
            if deliveries
            else None
        )
    for event in events:
        spool.mark_landed(event)
    landed = counts.landed if counts else 0
    context.log.info(f"web hooks: {landed} new deliveries landed from the spool")
    return dg.MaterializeResult(
        metadata={"landed_events": landed, "duplicates": counts.duplicates if counts else 0}
    )


class MatchConfig(dg.Config):
    top_k: int = DEFAULT_TOP_K
    min_contact_gap_days: int = 30


@dg.asset(
    key=REQ_MATCHES,
    partitions_def=req_partitions,
    group_name="matching",
    pool=DUCKDB_WRITE_POOL,
    kinds={"python", "polars", "duckdb"},
    deps=[
        REQ_PROFILES,
        dg.AssetKey(["crm", "contacts"]),
        dg.AssetKey(["crm", "interactions"]),
        dg.AssetKey(["gdpr", "outreach_eligibility"]),
        dg.AssetKey(["segments", "contact_profiles"]),
    ],
    description="Ranked, explained, consent-safe matches of the warm pool for one req (rows "
    "with any fit signal, score components and a one-line reason) + the recruiter export "
    "data/exports/reqs/<req>/outreach_<timestamp>.csv/.parquet (top K, draft messages).",
)
def req_matches(
    context: dg.AssetExecutionContext, config: MatchConfig, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    key = context.partition_key
    with warehouse.connect() as con:
        outcome = match_req(
            con,
            key,
            settings.data_dir() / "exports",
            now_utc(),
            top_k=config.top_k,
            min_contact_gap_days=config.min_contact_gap_days,
        )
    if outcome.status != "matched":
        # Closed (or unknown) by the time the run started: report it, do not fail the run.
        status = outcome.req.status if outcome.req else "not in matching.req_profiles"
        context.log.warning(f"req {key}: {outcome.status} (status: {status}); no export written")
        return dg.MaterializeResult(metadata={"outcome": outcome.status, "req_status": status})
    assert outcome.export is not None and outcome.req is not None
    context.log.info(
        f"req {key}: {outcome.rows_scored} scored, {outcome.export.rows} exported, "
        f"{outcome.exclusions.excluded_total} excluded"
    )
    return dg.MaterializeResult(
        metadata={
            "outcome": "matched",
            "req_id": outcome.req.req_id,
            "role_family": outcome.req.role_family or "unknown",
            "pool_considered": outcome.exclusions.considered,
            "excluded_total": outcome.exclusions.excluded_total,
            "excluded_by_reason": dg.MetadataValue.json(outcome.exclusions.by_reason),
            "rows_scored": outcome.rows_scored,
            "rows_stored": outcome.rows_stored,
            "exported": outcome.export.rows,
            "top_scores": dg.MetadataValue.json(outcome.top_scores),
            "engagement": "segments.engagement_scores"
            if outcome.engagement_available
            else "neutral (segments.engagement_scores not built)",
            "export_csv": dg.MetadataValue.path(str(outcome.export.csv)),
            "export_parquet": dg.MetadataValue.path(str(outcome.export.parquet)),
            "seconds": dg.MetadataValue.json({k: round(v, 3) for k, v in outcome.seconds.items()}),
        }
    )


@dg.asset_check(
    asset=REQ_PROFILES,
    name="match_backtest",
    description="Closed reqs whose hire was already a contact: the hire's rank in a match "
    f"computed as of the req's opened_at. WARN when recall@50 < {BACKTEST_RECALL50_TARGET}.",
)
def match_backtest(warehouse: DuckDBWarehouse) -> dg.AssetCheckResult:
    try:
        con = connect_read_only(warehouse.resolved_path(), attempts=20, wait_seconds=1.0)
    except DatabaseBusy as exc:
        return dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.WARN, metadata={"skipped": str(exc)}
        )
    try:
        result = run_backtest(con)
    finally:
        con.close()
    recall50 = result.recall_at(50)
    return dg.AssetCheckResult(
        # No closed req with a known-contact hire yet: nothing to measure, nothing wrong.
        passed=recall50 is None or recall50 >= BACKTEST_RECALL50_TARGET,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            name: value
            for name, value in {
                "reqs": result.reqs,
                "recall_at_10": result.recall_at(10),
                "recall_at_50": recall50,
                "recall_at_50_among_eligible_hires": result.recall_at_among_eligible(50),
                "median_rank": result.median_rank,
                "hires_not_ranked": result.misses,
                # Why each hire outside the top 50 is there (components vs the 50th row's
                # score, or the exclusion rules then): ids and fit facts, no personal data.
                "hires_outside_top_50": "\n".join(
                    f"{key}: {why}" for key, why in result.outside(50).items()
                )
                or None,
            }.items()
            if value is not None
        },
    )


MATCHING_ASSETS = [greenhouse_webhook_events, req_matches]
MATCHING_CHECKS = [match_backtest]
