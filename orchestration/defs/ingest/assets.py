"""Every landing asset (group `ingest`): one per source entity, writing `raw.<source>_<entity>`.

Thin on purpose: the connectors in `ingest/` page, validate and land; these assets wire
configuration and resources and report counts — never personal data — as metadata.
- API feeds (Greenhouse, Lever, Ashby): one factory over `API_FEEDS`, the per-vendor run options
  and extra counts as data.
- Eventbrite: events and attendees of the configured event ids.
- People Data Labs: the budgeted enrichment (asks questions, is not a feed).
- CSV drop folders: one asset per feed folder.
- Greenhouse web hooks: deliveries the receiver spooled to disk.
- Review decisions: what recruiters decided on the review page (or a re-imported export).
"""

# No `from __future__ import annotations`: Dagster reads the config class of each factory-built
# asset from its (evaluated) parameter annotation.
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Any

import dagster as dg

from checks import greenhouse_webhooks as webhook_contracts
from checks import review_decisions as decision_contracts
from checks.validation import validate_records
from ingest import (
    ashby,
    csv_drop,
    eventbrite,
    greenhouse,
    greenhouse_reconciliation,
    lever,
    pdl,
    review_decisions,
)
from ingest.csv_drop import CsvFeedSpec, FolderResult
from ingest.greenhouse_webhooks import WebhookSpool
from ingest.http_client import ApiClient
from ingest.landing import (
    QuarantinedRecord,
    ensure_landing_table,
    ensure_raw_schema,
    land_page,
    new_batch_id,
)
from ingest.sync import SyncResult
from orchestration import settings
from orchestration.defs.ingest.common import (
    IngestConfig,
    PdlEnrichmentConfig,
    explain_source_failures,
    report_source_failures,
    run_enrichment,
    skipped,
    skipped_for_missing_credentials,
    sync_metadata,
)
from orchestration.resources import (
    DropFolders,
    DuckDBWarehouse,
    GreenhouseCredentials,
    SourceCredentials,
)

POOL = settings.DUCKDB_WRITE_POOL
WEBHOOK_EVENTS = dg.AssetKey(["raw", "greenhouse_webhook_events"])
CANDIDATE_DELETIONS = dg.AssetKey(["raw", "greenhouse_candidate_deletions"])
REVIEW_DECISIONS = dg.AssetKey(["raw", "review_decisions"])

# -- API feeds: Greenhouse, Lever, Ashby ------------------------------------------------------


class GreenhouseSyncConfig(IngestConfig):
    per_page: int = greenhouse.MAX_PER_PAGE
    # Each run reads the closed window [last end - overlap, run start - lag] on updated_at.
    overlap_minutes: int = 60  # re-read this much before the last window's end: clocks drift
    lag_seconds: int = 120  # end the window this long before the run started


class LeverSyncConfig(IngestConfig):
    limit: int = lever.MAX_LIMIT  # records per page (Lever allows 1..100)
    overlap_minutes: int = 60  # re-read this much before the cursor: clocks drift


class AshbySyncConfig(IngestConfig):
    limit: int = ashby.MAX_LIMIT  # records per page (Ashby allows 1..100)


@dataclass(frozen=True)
class ApiFeed:
    """How one vendor's entities are synced: its connector module, run options, the keyword
    arguments its `sync_entity` takes from them, and the extra counts it reports."""

    connector: Any
    config_class: type[IngestConfig]
    descriptions: dict[str, str]
    sync_options: Callable[[Any], dict[str, Any]]
    extra_counts: Callable[[SyncResult, ApiClient], dict[str, Any]] = field(
        default=lambda result, client: {}
    )


API_FEEDS: dict[str, ApiFeed] = {
    "greenhouse": ApiFeed(
        connector=greenhouse,
        config_class=GreenhouseSyncConfig,
        descriptions={
            "candidates": "Greenhouse candidates (people in the ATS: names, emails, phones, "
            "profiles, tags, can_email opt-out) from Harvest v3, landed in closed `updated_at` "
            "windows.",
            "applications": "Greenhouse applications (stage, rejection reason id, source id, "
            "job id) per candidate, landed in closed `updated_at` windows.",
            "jobs": "Greenhouse jobs = reqs (status, opened/closed, department id, office ids, "
            "custom fields with the skills), landed in closed `updated_at` windows.",
            "application_stages": "Greenhouse stage history per application (which interview "
            "stage, entered/exited when: who reached the final round), closed windows.",
            "rejection_details": "Greenhouse rejection details (application, reason, rejected "
            "at/by), closed `updated_at` windows.",
            "prospect_details": "Greenhouse prospect details (pool, stage, owner per prospect "
            "application), closed `updated_at` windows.",
            "rejection_reasons": "Greenhouse rejection reasons incl. the built-in ones "
            "(`include_defaults=true`), re-read every run.",
            "job_interview_stages": "Greenhouse interview stages per job (names of the stage "
            "ids), re-read every run.",
            "sources": "Greenhouse candidate sources (names of `source_id`), re-read every run.",
            "departments": "Greenhouse departments (names of `department_id`), re-read every run.",
            "offices": "Greenhouse offices (names and locations of `office_ids`), re-read every "
            "run.",
            "users": "Greenhouse users incl. service accounts (`show_service_accounts=true`), "
            "re-read every run.",
            "custom_fields": "Greenhouse custom field definitions (which keys hold skills, "
            "seniority, graduation year), re-read every run.",
            "prospect_pools": "Greenhouse prospect pools and their stages, re-read every run.",
        },
        sync_options=lambda c: {
            "per_page": c.per_page,
            "overlap": timedelta(minutes=c.overlap_minutes),
            "lag": timedelta(seconds=c.lag_seconds),
        },
        extra_counts=lambda result, client: {
            "rate_limited": client.stats.rate_limited,
            "tokens_minted": getattr(client.auth, "minted", 0),
        },
    ),
    "lever": ApiFeed(
        connector=lever,
        config_class=LeverSyncConfig,
        descriptions={
            "opportunities": "Lever opportunities (a person's candidacy: contact id, name, "
            "emails, phones, links, stage, origin, archive reason id, data-protection consent), "
            "landed incrementally on `updated_at_start` (epoch ms).",
            "postings": "Lever postings (jobs: state, team/department/location/commitment/"
            "level), read in full each run (small list, no change filter).",
            "archive_reasons": "Lever archive reasons (id → text and hired/non-hired type) that "
            "resolve `archived.reason` on opportunities; read in full each run.",
            "deleted_opportunities": "Lever deleted-opportunity signals "
            "(`/opportunities/deleted`: id, deletedAt), landed incrementally so GDPR work can "
            "propagate deletions.",
        },
        sync_options=lambda c: {"limit": c.limit, "overlap": timedelta(minutes=c.overlap_minutes)},
        extra_counts=lambda result, client: {
            "offset_restarts": result.offset_restarts,
            "rate_limited": client.stats.rate_limited,
        },
    ),
    "ashby": ApiFeed(
        connector=ashby,
        config_class=AshbySyncConfig,
        descriptions={
            "candidates": "Ashby candidates (names, primary and other emails, phones, social "
            "links, tags, position/company), landed incrementally with Ashby's syncToken.",
            "jobs": "Ashby jobs (reqs of the acquired subsidiary: status, department, location, "
            "opened/closed), landed incrementally with Ashby's syncToken.",
        },
        sync_options=lambda c: {"limit": c.limit},
        extra_counts=lambda result, client: {
            "full_resync_reason": result.full_resync_reason or "none",
            "api_version": result.api_version or "unknown",
            "api_version_status": result.api_version_status or "not reported",
            "rate_limited": client.stats.rate_limited,
        },
    ),
}


def build_api_feed_asset(source: str, entity: str) -> dg.AssetsDefinition:
    feed = API_FEEDS[source]
    connector = feed.connector
    credentials_key = f"{source}_api"

    @dg.asset(
        key=["raw", f"{source}_{entity}"],
        group_name="ingest",
        kinds={"python", "duckdb"},
        pool=POOL,
        description=feed.descriptions[entity],
        metadata={"source": source, "table": f"raw.{source}_{entity}"},
        # By key, not as parameters: the credentials resource is named after the vendor.
        required_resource_keys={"warehouse", credentials_key},
    )
    @report_source_failures(source, entity)
    def _sync(
        context: dg.AssetExecutionContext,
        config: feed.config_class,  # type: ignore[valid-type]
    ) -> dg.MaterializeResult:
        warehouse: DuckDBWarehouse = context.resources.warehouse
        credentials: SourceCredentials | GreenhouseCredentials = getattr(
            context.resources, credentials_key
        )
        skip_message = credentials.skip_message(source)
        if skip_message:
            return skipped(context, warehouse, source, entity, skip_message)
        client = credentials.make_client(connector)
        with warehouse.connect() as con:
            result = connector.sync_entity(
                con, client, entity, full_resync=config.full_resync, **feed.sync_options(config)
            )
        if getattr(result, "full_resync_reason", None):
            context.log.warning(
                f"{source} {entity}: stored sync state rejected ({result.full_resync_reason}); "
                "ran a full resync (adds no duplicates)."
            )
        extra = feed.extra_counts(result, client)
        warnings = list(getattr(result, "warnings", None) or [])
        for warning in warnings:
            context.log.warning(warning)
        context.log.info(
            f"{source} {entity}: fetched {result.counts.fetched}, landed {result.counts.landed}, "
            f"unchanged {result.counts.duplicates}, quarantined {result.counts.quarantined}, "
            f"pages {result.pages}, http retries {client.stats.retries}, rate-limited "
            f"{client.stats.rate_limited}"
            + "".join(f", {name.replace('_', ' ')} {value}" for name, value in extra.items())
        )
        metadata = sync_metadata(result)
        metadata.update(
            {
                name: dg.MetadataValue.text(value)
                if isinstance(value, str)
                else dg.MetadataValue.int(value)
                for name, value in extra.items()
            }
        )
        if warnings:
            metadata["warnings"] = dg.MetadataValue.text("\n".join(warnings))
        return dg.MaterializeResult(metadata=metadata)

    return _sync


# -- Eventbrite -------------------------------------------------------------------------------


class EventbriteSyncConfig(IngestConfig):
    # Event ids to sync; empty = use env EVENTBRITE_EVENT_IDS (comma-separated).
    event_ids: list[str] = []
    overlap_minutes: int = 60  # attendees: re-read this much before each event's cursor


def _eventbrite_client_and_events(
    context: dg.AssetExecutionContext,
    config: EventbriteSyncConfig,
    warehouse: DuckDBWarehouse,
    eventbrite_api: SourceCredentials,
    entity: str,
) -> tuple[ApiClient, list[str]] | dg.MaterializeResult:
    """The client and event ids to sync, or the skip result when either is not configured."""
    missing = eventbrite_api.missing_credentials()
    if missing:
        return skipped_for_missing_credentials(
            context, warehouse, eventbrite.SOURCE, entity, missing
        )
    event_ids = eventbrite.configured_event_ids(config.event_ids)
    if not event_ids:
        message = (
            f"eventbrite: skipped — no events configured, set env var "
            f"{settings.EVENTBRITE_EVENT_IDS_ENV} (comma-separated event ids) or the asset "
            "config event_ids."
        )
        return skipped(context, warehouse, eventbrite.SOURCE, entity, message)
    client = eventbrite.make_client(
        api_key=eventbrite_api.api_key(),
        base_url=eventbrite_api.base_url(eventbrite.DEFAULT_BASE_URL),
    )
    return client, event_ids


@dg.asset(
    key=["raw", "eventbrite_events"],
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool=POOL,
    description="Eventbrite events (name, start/end, venue ids, status) for the configured "
    "event ids (config `event_ids` or env EVENTBRITE_EVENT_IDS), re-read every run.",
    metadata={"source": "eventbrite", "table": "raw.eventbrite_events"},
)
@report_source_failures("eventbrite", "events")
def eventbrite_events(
    context: dg.AssetExecutionContext,
    config: EventbriteSyncConfig,
    warehouse: DuckDBWarehouse,
    eventbrite_api: SourceCredentials,
) -> dg.MaterializeResult:
    prepared = _eventbrite_client_and_events(context, config, warehouse, eventbrite_api, "events")
    if isinstance(prepared, dg.MaterializeResult):
        return prepared
    client, event_ids = prepared
    with warehouse.connect() as con:
        result = eventbrite.sync_events(con, client, event_ids, full_resync=config.full_resync)
    context.log.info(
        f"eventbrite events: {len(event_ids)} configured, fetched {result.counts.fetched}, "
        f"landed {result.counts.landed}, quarantined {result.counts.quarantined}"
    )
    metadata = sync_metadata(result)
    metadata["events_configured"] = dg.MetadataValue.int(len(event_ids))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=["raw", "eventbrite_attendees"],
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool=POOL,
    description="Eventbrite attendees of the configured events (profile, answers incl. "
    "marketing consent, check-in/cancel/refund status), paged by `continuation` and landed "
    "incrementally on `changed_since` with one cursor per event. Rows of a multi-ticket order "
    "carry the BUYER's profile: staging flags them.",
    metadata={"source": "eventbrite", "table": "raw.eventbrite_attendees"},
)
@report_source_failures("eventbrite", "attendees")
def eventbrite_attendees(
    context: dg.AssetExecutionContext,
    config: EventbriteSyncConfig,
    warehouse: DuckDBWarehouse,
    eventbrite_api: SourceCredentials,
) -> dg.MaterializeResult:
    prepared = _eventbrite_client_and_events(
        context, config, warehouse, eventbrite_api, "attendees"
    )
    if isinstance(prepared, dg.MaterializeResult):
        return prepared
    client, event_ids = prepared
    with warehouse.connect() as con:
        summary = eventbrite.sync_attendees(
            con,
            client,
            event_ids,
            full_resync=config.full_resync,
            overlap=timedelta(minutes=config.overlap_minutes),
        )
    context.log.info(
        f"eventbrite attendees: {len(summary.results)} events, fetched "
        f"{summary.total('fetched')}, landed {summary.total('landed')}, quarantined "
        f"{summary.total('quarantined')}, pages {summary.pages}, http retries "
        f"{client.stats.retries}, rate-limited {client.stats.rate_limited}"
    )
    metadata: dict[str, dg.MetadataValue] = {
        "events_synced": dg.MetadataValue.int(len(summary.results)),
        "fetched": dg.MetadataValue.int(summary.total("fetched")),
        "landed": dg.MetadataValue.int(summary.total("landed")),
        "unchanged_skipped": dg.MetadataValue.int(summary.total("duplicates")),
        "quarantined": dg.MetadataValue.int(summary.total("quarantined")),
        "pages": dg.MetadataValue.int(summary.pages),
        "full_resync": dg.MetadataValue.bool(config.full_resync),
        # Event ids and timestamps only: no attendee data.
        "cursors_after": dg.MetadataValue.json(
            {event_id: r.cursor_after for event_id, r in summary.results.items()}
        ),
        "batch_ids": dg.MetadataValue.json(
            {event_id: r.batch_id for event_id, r in summary.results.items()}
        ),
    }
    reasons = summary.quarantine_reasons()
    if reasons:
        metadata["quarantine_reasons"] = dg.MetadataValue.json(reasons)
    return dg.MaterializeResult(metadata=metadata)


# -- People Data Labs -------------------------------------------------------------------------


@dg.asset(
    key=["raw", "pdl_person_enrichments"],
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool=POOL,
    deps=[dg.AssetKey(["raw", "greenhouse_candidates"])],
    description="People Data Labs person enrichments (current job, title, company, location, "
    "LinkedIn URL, emails, likelihood) for landed Greenhouse candidates, keyed by a stable "
    "lookup id; misses are kept in raw.pdl_no_matches so nobody is re-asked within the "
    "re-ask window. Budgeted per run (`max_calls`); skipped without PDL_API_KEY.",
    metadata={"source": "pdl", "table": "raw.pdl_person_enrichments"},
)
@explain_source_failures("pdl")
def pdl_person_enrichments(
    context: dg.AssetExecutionContext,
    config: PdlEnrichmentConfig,
    warehouse: DuckDBWarehouse,
    pdl_api: SourceCredentials,
) -> dg.MaterializeResult:
    """PDL bills per match, so this is a budgeted question-asker, not a feed sync: it picks
    people from already-landed raw ATS records (SQL over raw JSON — depending on dbt models
    would put a cycle in the asset graph), skips anyone asked within `reask_after_days`
    (matches AND misses are remembered), asks at most `max_calls` questions per run and keeps
    only matches with likelihood >= `min_likelihood`."""
    missing = pdl_api.missing_credentials()
    if missing:
        result = skipped_for_missing_credentials(
            context, warehouse, pdl.SOURCE, pdl.ENRICHMENTS_ENTITY, missing
        )
        with warehouse.connect() as con:
            ensure_raw_schema(con)
            ensure_landing_table(con, pdl.SOURCE, pdl.NO_MATCHES_ENTITY)
        return result
    run, client = run_enrichment(warehouse, pdl_api, config, label="pdl")
    context.log.info(
        f"pdl: considered {run.considered} look-ups, skipped {run.skipped_recently_asked} asked "
        f"within {config.reask_after_days} days, asked {run.asked} (budget {config.max_calls}), "
        f"matched {run.matched}, no match {run.no_match}, billed {run.matches_billed}, "
        f"http retries {client.api.stats.retries}, rate-limited {client.api.stats.rate_limited}"
    )
    metadata: dict[str, dg.MetadataValue] = {
        "lookups_considered": dg.MetadataValue.int(run.considered),
        "skipped_recently_asked": dg.MetadataValue.int(run.skipped_recently_asked),
        "asked": dg.MetadataValue.int(run.asked),
        "max_calls": dg.MetadataValue.int(config.max_calls),
        "matched": dg.MetadataValue.int(run.matched),
        "no_match": dg.MetadataValue.int(run.no_match),
        "below_min_likelihood": dg.MetadataValue.int(run.below_min_likelihood),
        "matches_billed": dg.MetadataValue.int(run.matches_billed),
        "landed": dg.MetadataValue.int(run.enrichments.landed),
        "no_matches_landed": dg.MetadataValue.int(run.no_matches.landed),
        "quarantined": dg.MetadataValue.int(
            run.enrichments.quarantined + run.no_matches.quarantined
        ),
        "rate_limited_429": dg.MetadataValue.int(client.api.stats.rate_limited),
        "throttle_waited_seconds": dg.MetadataValue.float(client.limiter.waited_seconds),
        "batch_id": dg.MetadataValue.text(run.batch_id),
    }
    if run.quarantine_reasons:
        metadata["quarantine_reasons"] = dg.MetadataValue.json(run.quarantine_reasons)
    return dg.MaterializeResult(metadata=metadata)


# -- CSV drop folders -------------------------------------------------------------------------

FEED_DESCRIPTIONS = {
    "events": "Event sign-up CSVs (Luma, Hopin, career fairs, form exports) from the `events` "
    "drop folder: names, email, company, title, graduation year, attendance, consent answer.",
    "sourcing": "LinkedIn-style sourcing exports from the `sourcing` drop folder: names, "
    "headline, current title/company, location, profile URL, tags, project, sourcer.",
    "outreach": "Sequencing-tool event logs from the `outreach` drop folder: one row per "
    "message event (sent, delivered, opened, clicked, replied, bounced, unsubscribed).",
    "hris": "Northwind Labs' HRIS export from the `hris` drop folder: current employees and "
    "alumni with start/end dates, termination type and rehire eligibility.",
}


class DropFolderConfig(IngestConfig):
    """`full_resync` re-reads files already landed (adds no duplicates)."""

    batch_rows: int = csv_drop.DEFAULT_BATCH_ROWS


def folder_metadata(result: FolderResult) -> dict[str, dg.MetadataValue]:
    """Counts per outcome; file names and rejection reasons (headers, never values)."""
    landed = result.files(csv_drop.STATUS_LANDED)
    rejected = result.files(csv_drop.STATUS_REJECTED)
    empty = result.files(csv_drop.STATUS_EMPTY)
    skipped_files = result.files(csv_drop.STATUS_SKIPPED)
    changed = result.files(csv_drop.STATUS_CHANGED)
    meta: dict[str, dg.MetadataValue] = {
        "drop_folder": dg.MetadataValue.path(str(result.folder)),
        "files_seen": dg.MetadataValue.int(len(result.outcomes)),
        "files_landed": dg.MetadataValue.int(len(landed)),
        "files_skipped_already_processed": dg.MetadataValue.int(len(skipped_files)),
        "files_rejected": dg.MetadataValue.int(len(rejected)),
        "files_empty": dg.MetadataValue.int(len(empty)),
        "files_changed_while_read": dg.MetadataValue.int(len(changed)),
        "rows_read": dg.MetadataValue.int(result.rows_read),
        "rows_landed": dg.MetadataValue.int(result.rows_landed),
        "rows_unchanged_skipped": dg.MetadataValue.int(result.rows_unchanged),
        "rows_quarantined": dg.MetadataValue.int(result.rows_quarantined),
        "batch_id": dg.MetadataValue.text(result.batch_id),
    }
    for name, outcomes in (
        ("rejected_files", rejected),
        ("changed_files", changed),
        ("empty_files", empty),
    ):
        if outcomes:
            meta[name] = dg.MetadataValue.json({o.file_name: o.reason for o in outcomes})
    if landed:
        meta["landed_files"] = dg.MetadataValue.json(
            {
                o.file_name: {
                    "rows": o.rows,
                    "landed": o.landed,
                    "unchanged": o.unchanged,
                    "quarantined": o.quarantined,
                    "encoding": o.encoding,
                    "windows_1252_lines": o.windows_1252_lines,
                    "delimiter": o.delimiter,
                }
                for o in landed
            }
        )
    meta["lines_decoded_as_windows_1252"] = dg.MetadataValue.int(
        sum(o.windows_1252_lines for o in result.outcomes)
    )
    if result.quarantine_reasons:
        meta["quarantine_reasons"] = dg.MetadataValue.json(result.quarantine_reasons)
    return meta


def build_drop_folder_asset(spec: CsvFeedSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", f"{spec.source}_{spec.entity}"],
        group_name="ingest",
        kinds={"python", "duckdb", "csv"},
        pool=POOL,
        description=FEED_DESCRIPTIONS[spec.feed],
        metadata={"source": spec.source, "table": spec.table, "drop_folder_feed": spec.feed},
    )
    def _ingest(
        context: dg.AssetExecutionContext,
        config: DropFolderConfig,
        warehouse: DuckDBWarehouse,
        drop_folders: DropFolders,
    ) -> dg.MaterializeResult:
        folder = drop_folders.folder(spec.feed)
        if not folder.is_dir():
            message = f"{spec.feed}: nothing to do — drop folder {folder} does not exist."
            context.log.info(message)
            with warehouse.connect() as con:
                ensure_raw_schema(con)
                ensure_landing_table(con, spec.source, spec.entity)
                csv_drop.ensure_processed_files_table(con)
            return dg.MaterializeResult(
                metadata={
                    "drop_folder": dg.MetadataValue.path(str(folder)),
                    "nothing_to_do": dg.MetadataValue.text(message),
                    "files_seen": dg.MetadataValue.int(0),
                }
            )
        with warehouse.connect() as con:
            result = csv_drop.ingest_folder(
                con, spec, folder, batch_rows=config.batch_rows, reprocess=config.full_resync
            )
        rejected = result.files(csv_drop.STATUS_REJECTED)
        context.log.info(
            f"{spec.feed}: files seen {len(result.outcomes)}, landed "
            f"{len(result.files(csv_drop.STATUS_LANDED))}, skipped "
            f"{len(result.files(csv_drop.STATUS_SKIPPED))}, rejected {len(rejected)}, empty "
            f"{len(result.files(csv_drop.STATUS_EMPTY))}; rows landed {result.rows_landed}, "
            f"quarantined {result.rows_quarantined}"
        )
        for outcome in rejected + result.files(csv_drop.STATUS_CHANGED):
            context.log.warning(f"{spec.feed}: {outcome.status} {outcome.reason}")
        for outcome in result.outcomes:
            if outcome.windows_1252_lines:
                context.log.warning(
                    f"{spec.feed}: {outcome.file_name} mixes encodings; "
                    f"{outcome.windows_1252_lines} line(s) were read as Windows-1252, the "
                    "rest as UTF-8"
                )
        return dg.MaterializeResult(metadata=folder_metadata(result))

    return _ingest


# -- Greenhouse web hooks ---------------------------------------------------------------------


@dg.asset(
    key=WEBHOOK_EVENTS,
    group_name="ingest",
    pool=POOL,
    kinds={"python", "duckdb"},
    description="Greenhouse web-hook deliveries (job_created/job_updated/job_approved) landed "
    "from the receiver's spool folder; stg_greenhouse__jobs unions their job objects with the "
    "Harvest versions, so the dbt lineage orders landing before the req marts.",
    metadata={"source": "greenhouse", "table": "raw.greenhouse_webhook_events"},
)
def greenhouse_webhook_events(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    spool = WebhookSpool(settings.webhook_spool_dir())
    events = list(spool.pending())
    unreadable = spool.unreadable()
    envelopes = [
        {
            "event_id": event.event_id,
            "action": event.action,
            "received_at": event.received_at,
            "body": event.body,
        }
        for event in events
    ]
    # The same contract step as every API record: a signed delivery can still carry a shape
    # that would fail staging's casts every night, so it is quarantined here instead.
    valid, rejections = validate_records(webhook_contracts.JOB_EVENTS, envelopes)
    deliveries = [(envelopes[i]["event_id"], envelopes[i]) for i in valid]
    quarantined = [
        QuarantinedRecord(
            source_record_id=envelopes[r.row]["event_id"],
            field=r.field,
            reason=r.reason,
            payload=envelopes[r.row],
        )
        for r in rejections
    ]
    # A file the receiver did not finish (a full disk) or someone copied in: quarantined by
    # its file name (a hash of the delivery id), its content never copied, and the file set
    # aside for a person to look at.
    quarantined += [
        QuarantinedRecord(
            source_record_id=path.stem, field="file", reason=why, payload={"file": path.name}
        )
        for path, why in unreadable
    ]
    with warehouse.connect() as con:
        # The table exists even before the first delivery: staging reads it. So does the
        # reconciliation's, which has its own schedule and may not have run yet.
        ensure_raw_schema(con)
        ensure_landing_table(con, "greenhouse", "webhook_events")
        ensure_landing_table(con, "greenhouse", greenhouse_reconciliation.ENTITY)
        counts = (
            land_page(
                con,
                source="greenhouse",
                entity="webhook_events",
                batch_id=new_batch_id(),
                records=deliveries,
                quarantined=quarantined,
                tables_ensured=True,
            )
            if envelopes or quarantined
            else None
        )
    # Quarantined deliveries leave incoming/ too: they are in raw.quarantine with the reason,
    # and a replay of the same delivery id is still recognised as a duplicate.
    for event in events:
        spool.mark_landed(event)
    for path, _why in unreadable:
        spool.set_aside(path)
    landed = counts.landed if counts else 0
    context.log.info(
        f"web hooks: {landed} new deliveries landed from the spool, {len(quarantined)} "
        f"quarantined ({len(unreadable)} unreadable files set aside in "
        f"{spool.root.name}/unreadable)"
    )
    metadata: dict[str, Any] = {
        "landed_events": landed,
        "duplicates": counts.duplicates if counts else 0,
        "quarantined": len(quarantined),
        "unreadable_files": len(unreadable),
    }
    if quarantined:
        metadata["quarantine_reasons"] = dg.MetadataValue.json(_count_reasons(quarantined))
    return dg.MaterializeResult(metadata=metadata)


# -- Review decisions -------------------------------------------------------------------------


def _count_reasons(rejections: list[QuarantinedRecord]) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for r in rejections:
        reasons[f"{r.field}: {r.reason}"] = reasons.get(f"{r.field}: {r.reason}", 0) + 1
    return reasons


@dg.asset(
    key=REVIEW_DECISIONS,
    group_name="ingest",
    pool=POOL,
    kinds={"python", "duckdb"},
    description="Recruiter review decisions (match drafts approved/skipped/not a fit, duplicate "
    "pairs same person/different people/not sure) landed from the spool the review page and "
    "`talent-crm review import` write; stg_review__* type them and matching.match_decisions "
    "keeps the latest per (req, contact).",
    metadata={"source": review_decisions.SOURCE, "table": "raw.review_decisions"},
)
def review_decisions_landing(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    spool = review_decisions.DecisionSpool(settings.review_decisions_spool_dir())
    items = list(spool.pending())
    quarantined: list[QuarantinedRecord] = []
    readable: list[review_decisions.SpooledDecision] = []
    for item in items:
        problem = review_decisions.landing_problem(item)
        if problem is None:
            readable.append(item)
        else:
            quarantined.append(
                QuarantinedRecord(item.decision_id, problem[0], problem[1], item.record)
            )
    records = [item.record or {} for item in readable]
    # The writer already applied this contract; a file put into the spool another way (by
    # hand, by an older writer) still must not reach staging's casts.
    valid, rejections = validate_records(decision_contracts.DECISIONS_CONTRACT, records)
    quarantined += [
        QuarantinedRecord(readable[r.row].decision_id, r.field, r.reason, records[r.row])
        for r in rejections
    ]
    decisions = [(readable[i].decision_id, records[i]) for i in valid]
    with warehouse.connect() as con:
        # The table exists before the first decision: staging reads it.
        ensure_raw_schema(con)
        ensure_landing_table(con, review_decisions.SOURCE, review_decisions.ENTITY)
        counts = (
            land_page(
                con,
                source=review_decisions.SOURCE,
                entity=review_decisions.ENTITY,
                batch_id=new_batch_id(),
                records=decisions,
                quarantined=quarantined,
                tables_ensured=True,
            )
            if items
            else None
        )
    # Only after the commit: a crash before it leaves every file in incoming/ for the next run
    # (landing is idempotent on id + content). Quarantined files leave too; the reason is in
    # raw.quarantine.
    for item in items:
        spool.mark_landed(item)
    landed = counts.landed if counts else 0
    context.log.info(
        f"review decisions: {landed} landed from the spool, {len(quarantined)} quarantined"
    )
    metadata: dict[str, Any] = {
        "landed_decisions": landed,
        "duplicates": counts.duplicates if counts else 0,
        "quarantined": len(quarantined),
    }
    if quarantined:
        metadata["quarantine_reasons"] = dg.MetadataValue.json(_count_reasons(quarantined))
    return dg.MaterializeResult(metadata=metadata)


# -- Greenhouse reconciliation (deletions) ----------------------------------------------------


class GreenhouseReconciliationConfig(dg.Config):
    # A landed candidate counts as deleted only when missing from two reconciliations at least
    # this many days apart: one listing can miss a row that is being merged or moved.
    grace_days: float = greenhouse_reconciliation.DEFAULT_GRACE.total_seconds() / 86400
    # Refuse to mark anything when more than this share of landed candidates is missing: that
    # is a credential pointed at another account or a lost scope, not a wave of deletions.
    max_missing_share: float = greenhouse_reconciliation.DEFAULT_MAX_MISSING_SHARE


def _reconciliation_clock() -> datetime:
    """TALENT_CRM_AS_OF (midnight UTC of that day) makes runs reproducible; else the present."""
    as_of = settings.as_of()
    if as_of is None:
        return datetime.now(UTC)
    return datetime.combine(as_of, dt_time(0), tzinfo=UTC)


@dg.asset(
    key=CANDIDATE_DELETIONS,
    group_name="ingest",
    pool=POOL,
    kinds={"python", "duckdb"},
    description="Greenhouse candidates deleted in Greenhouse, found by reconciliation: every "
    "candidate id Harvest v3 still lists is compared with the landed ones; an id missing in two "
    "reconciliations at least `grace_days` apart is landed here (ids only) and becomes the same "
    "erasure signal as a delete_candidate web hook. Runs on its own schedule "
    "(`greenhouse_reconciliation`), not in the regular syncs: it pages every candidate id.",
    metadata={"source": "greenhouse", "table": "raw.greenhouse_candidate_deletions"},
    required_resource_keys={"warehouse", "greenhouse_api"},
)
@explain_source_failures("greenhouse")
def greenhouse_candidate_deletions(
    context: dg.AssetExecutionContext, config: GreenhouseReconciliationConfig
) -> dg.MaterializeResult:
    warehouse: DuckDBWarehouse = context.resources.warehouse
    credentials: GreenhouseCredentials = context.resources.greenhouse_api
    skip_message = credentials.skip_message(greenhouse.SOURCE)
    if skip_message:
        return skipped(
            context, warehouse, greenhouse.SOURCE, greenhouse_reconciliation.ENTITY, skip_message
        )
    client = credentials.make_client(greenhouse)
    with warehouse.connect() as con:
        result = greenhouse_reconciliation.reconcile_candidates(
            con,
            client,
            grace=timedelta(days=config.grace_days),
            max_missing_share=config.max_missing_share,
            now=_reconciliation_clock(),
        )
    context.log.info(
        f"greenhouse reconciliation: listed {result.listed}, landed {result.landed}, missing "
        f"{result.missing} (new {result.newly_missing}), reappeared {result.reappeared}, "
        f"pending {result.pending}, deletions confirmed {result.confirmed}"
    )
    return dg.MaterializeResult(
        metadata={
            "listed": result.listed,
            "landed": result.landed,
            "missing": result.missing,
            "newly_missing": result.newly_missing,
            "reappeared": result.reappeared,
            "pending": result.pending,
            "deletions_confirmed": result.confirmed,
            "grace_days": dg.MetadataValue.float(float(config.grace_days)),
            "requests": client.stats.requests,
            "rate_limited": client.stats.rate_limited,
            "tokens_minted": getattr(client.auth, "minted", 0),
            "batch_id": dg.MetadataValue.text(result.batch_id),
        }
    )


def assets_for(source: str) -> list[dg.AssetsDefinition]:
    """The landing assets of one source system (tests materialize a source on its own)."""
    return [a for a in INGEST_ASSETS if any(k.path[-1].startswith(f"{source}_") for k in a.keys)]


DROP_FOLDER_ASSETS = [build_drop_folder_asset(spec) for spec in csv_drop.all_specs()]

# The nightly vendor feeds: a failure of one is reported (metadata + a failing check), not
# raised, so the rest of the run still builds (see `report_source_failures`).
VENDOR_FEED_ASSETS: list[dg.AssetsDefinition] = [
    *(
        build_api_feed_asset(source, entity)
        for source, feed in API_FEEDS.items()
        for entity in feed.connector.ENTITIES
    ),
    eventbrite_events,
    eventbrite_attendees,
]

INGEST_ASSETS: list[dg.AssetsDefinition] = [
    *VENDOR_FEED_ASSETS,
    pdl_person_enrichments,
    *DROP_FOLDER_ASSETS,
    greenhouse_webhook_events,
    greenhouse_candidate_deletions,
    review_decisions_landing,
]
