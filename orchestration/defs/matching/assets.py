"""Req matching assets (group `matching`).

`matching/req_matches` is partitioned by req (dynamic partitions, added by the req-open sensor
or `talent-crm match`): it scores the warm pool for one req, replaces that req's rows in
`matching.req_matches` and writes the recruiter export. Thin: orchestration.matching.run.

`matching/ats_pushes` (same partitions; `talent-crm convert`) pushes the req's approved
matches into the ATS the req lives in and records each in `raw.ats_pushes`. Thin:
orchestration.conversion.engine. A dry run unless TALENT_CRM_ATS_WRITES=1.
"""

from datetime import UTC, datetime

import dagster as dg

from orchestration import settings
from orchestration.conversion import clients as conversion_clients
from orchestration.conversion import engine as conversion
from orchestration.conversion.inputs import req_for_partition
from orchestration.defs.matching.partitions import req_partitions
from orchestration.matching.exports import DEFAULT_TOP_K
from orchestration.matching.run import match_req
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

REQ_MATCHES = dg.AssetKey(["matching", "req_matches"])
REQ_PROFILES = dg.AssetKey(["matching", "req_profiles"])
ATS_PUSHES = dg.AssetKey(["matching", "ats_pushes"])


def now_utc() -> datetime:
    """Match time: TALENT_CRM_AS_OF (end of that day) when set, for reproducible runs."""
    as_of = settings.as_of()
    if as_of is not None:
        return datetime(as_of.year, as_of.month, as_of.day, 23, 59, 59)
    return datetime.now(UTC).replace(tzinfo=None)


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
            settings.exports_dir(),
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


class PushConfig(dg.Config):
    # Plan and report only. Without TALENT_CRM_ATS_WRITES=1 every run is a dry run anyway.
    dry_run: bool = False


@dg.asset(
    key=ATS_PUSHES,
    partitions_def=req_partitions,
    group_name="matching",
    pool=DUCKDB_WRITE_POOL,
    kinds={"python", "duckdb"},
    deps=[
        dg.AssetKey(["matching", "match_decisions"]),
        dg.AssetKey(["crm", "reqs"]),
        dg.AssetKey(["crm", "contacts"]),
        dg.AssetKey(["crm", "contact_sources"]),
        dg.AssetKey(["crm", "contact_merges"]),
        dg.AssetKey(["gdpr", "outreach_eligibility"]),
    ],
    description="The req's recruiter-approved matches (matching.match_decisions) pushed into "
    "the ATS the req lives in as prospects/applications, reusing the candidate the ATS already "
    "has; eligibility re-checked at push time; every push in the ledger raw.ats_pushes "
    "(idempotent per req x contact). A dry run unless TALENT_CRM_ATS_WRITES=1.",
)
def ats_pushes(
    context: dg.AssetExecutionContext, config: PushConfig, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    dry_run = config.dry_run or not settings.ats_writes_enabled()
    if dry_run and not config.dry_run:
        context.log.info(f"dry run: set {settings.ATS_WRITES_ENV}=1 to write into the ATS")
    with warehouse.connect() as con:
        req_id = req_for_partition(con, context.partition_key)
        if req_id is None:
            raise dg.Failure(description=f"req {context.partition_key} is not in crm.reqs")
        report = conversion.convert_req(
            con, req_id, writeback_for=conversion_clients.writeback_for, dry_run=dry_run
        )
    counts = report.counts()
    metadata = {
        "req_id": req_id,
        "system": report.system,
        "dry_run": dry_run,
        **{k: v for k, v in counts.items() if k != "skipped_by_reason"},
        "skipped_by_reason": dg.MetadataValue.json(counts["skipped_by_reason"]),
    }
    context.log.info(conversion.writes_summary(report))
    if report.stopped_reason is not None:
        # The ledger keeps what was done; a rerun continues from it.
        raise dg.Failure(
            description=f"{req_id}: push stopped: {report.stopped_reason}", metadata=metadata
        )
    return dg.MaterializeResult(metadata=metadata)


MATCHING_ASSETS = [req_matches, ats_pushes]
