"""Ingest assets for Eventbrite: the configured events and their attendees → raw.eventbrite_*.

Thin on purpose: the connector (ingest.eventbrite) does paging, per-event cursors, validation
and landing. Which events to sync is configuration (asset config `event_ids`, else env
EVENTBRITE_EVENT_IDS); with none configured, or no API key, the assets skip with a message
naming the variable to set and leave empty landing tables so staging still builds.
"""

from datetime import timedelta

import dagster as dg

from ingest import eventbrite
from ingest.http_client import ApiClient
from orchestration.assets.ingest.common import (
    IngestConfig,
    explain_source_failures,
    skipped,
    skipped_for_missing_credentials,
    sync_metadata,
)
from orchestration.resources import DuckDBWarehouse, SourceCredentials
from orchestration.settings import DUCKDB_WRITE_POOL


class EventbriteSyncConfig(IngestConfig):
    # Event ids to sync; empty = use env EVENTBRITE_EVENT_IDS (comma-separated).
    event_ids: list[str] = []
    overlap_minutes: int = 60  # attendees: re-read this much before each event's cursor


def _client_and_events(
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
            f"{eventbrite.EVENT_IDS_ENV} (comma-separated event ids) or the asset config "
            "event_ids."
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
    pool=DUCKDB_WRITE_POOL,
    description="Eventbrite events (name, start/end, venue ids, status) for the configured "
    "event ids (config `event_ids` or env EVENTBRITE_EVENT_IDS), re-read every run.",
    metadata={"source": "eventbrite", "table": "raw.eventbrite_events"},
)
@explain_source_failures("eventbrite")
def eventbrite_events(
    context: dg.AssetExecutionContext,
    config: EventbriteSyncConfig,
    warehouse: DuckDBWarehouse,
    eventbrite_api: SourceCredentials,
) -> dg.MaterializeResult:
    prepared = _client_and_events(context, config, warehouse, eventbrite_api, "events")
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
    pool=DUCKDB_WRITE_POOL,
    description="Eventbrite attendees of the configured events (profile, answers incl. "
    "marketing consent, check-in/cancel/refund status), paged by `continuation` and landed "
    "incrementally on `changed_since` with one cursor per event. Rows of a multi-ticket order "
    "carry the BUYER's profile: staging flags them.",
    metadata={"source": "eventbrite", "table": "raw.eventbrite_attendees"},
)
@explain_source_failures("eventbrite")
def eventbrite_attendees(
    context: dg.AssetExecutionContext,
    config: EventbriteSyncConfig,
    warehouse: DuckDBWarehouse,
    eventbrite_api: SourceCredentials,
) -> dg.MaterializeResult:
    prepared = _client_and_events(context, config, warehouse, eventbrite_api, "attendees")
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


assets = [eventbrite_events, eventbrite_attendees]
