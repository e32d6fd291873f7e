"""Eventbrite API v3 connector: the configured events and their attendees.

Eventbrite has no "all my attendees" list worth syncing: a CRM cares about the events its team
ran, so the events to sync are configured (env `EVENTBRITE_EVENT_IDS`, comma-separated, or the
asset config). Per event:
- `events`: `GET /events/{id}/` (one small object, re-read every run; unchanged ones add nothing);
- `attendees`: `GET /events/{id}/attendees/`, paged with `continuation`, incremental with
  `changed_since`. Each event keeps its OWN cursor (`attendees:<event id>`) = the highest
  `changed` seen, re-read with an overlap: events are synced independently and one event's
  progress must never skip another's unseen changes.

The buyer problem (every attendee on an order carries the buyer's profile) is not "fixed" here:
landing keeps the vendor's records as they are, and staging flags the copies.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from checks.eventbrite import ATTENDEES, EVENTS
from ingest.http_client import (
    ApiClient,
    SourceAuthError,
    SourceConfigError,
    SourceError,
    VendorApi,
    bearer_token,
)
from ingest.landing import bounded_landing, load_cursor
from ingest.sync import FetchAhead, Page, SyncResult, ensure_tables, run_sync

SOURCE = "eventbrite"
DEFAULT_BASE_URL = "https://www.eventbriteapi.com/v3"
API_KEY_ENV = "EVENTBRITE_API_KEY"
BASE_URL_ENV = "EVENTBRITE_BASE_URL"
EVENT_IDS_ENV = "EVENTBRITE_EVENT_IDS"
ENTITIES = ("events", "attendees")
DEFAULT_OVERLAP = timedelta(hours=1)

# A private OAuth token, sent as a bearer token.
API = VendorApi(
    source=SOURCE,
    default_base_url=DEFAULT_BASE_URL,
    base_url_env=BASE_URL_ENV,
    credentials_env=API_KEY_ENV,
    authorize=bearer_token,
)
make_client = API.make_client


def configured_event_ids(
    config_ids: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Event ids to sync: the asset config when non-empty, else `EVENTBRITE_EVENT_IDS`.

    Blank entries and repeats are dropped (order kept); a non-numeric id is a config error named
    here rather than a 404 from the vendor later.
    """
    environ = os.environ if environ is None else environ
    raw: Iterable[str] = [str(i) for i in config_ids or []]
    if not any(s.strip() for s in raw):
        raw = (environ.get(EVENT_IDS_ENV) or "").split(",")
    ids: list[str] = []
    for item in raw:
        event_id = item.strip()
        if not event_id or event_id in ids:
            continue
        if not event_id.isdigit():
            raise SourceConfigError(
                f"{SOURCE}: event ids must be numeric (check {EVENT_IDS_ENV} or the asset "
                f"config event_ids); got an entry of length {len(event_id)}."
            )
        ids.append(event_id)
    return ids


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


# -- events ---------------------------------------------------------------------------------


class EventNotFound(SourceError):
    """A configured event id does not exist (or this token cannot see it)."""


def get_event(client: ApiClient, event_id: str) -> dict[str, Any]:
    payload, response = client.request_json(
        "GET", f"events/{event_id}/", ok_statuses=frozenset({200, 404})
    )
    if response.status_code == 404:
        raise EventNotFound(
            f"{SOURCE}: event {event_id} was not found (HTTP 404); remove it from "
            f"{EVENT_IDS_ENV} / the asset config or check the token's organisation."
        )
    if not isinstance(payload, dict):
        raise SourceError(
            f"{SOURCE}: expected a JSON object from /events/{event_id}/, got "
            f"{type(payload).__name__}; is {BASE_URL_ENV} pointing at the v3 API?"
        )
    return payload


def fetch_events(
    client: ApiClient, event_ids: Sequence[str], not_found: list[str]
) -> Callable[[str | None], Iterator[Page]]:
    """One page per event: each event lands as soon as it is read. Events keep no cursor (a
    handful of small objects, re-read every run; unchanged versions add nothing). Unknown
    events are collected in `not_found` so one typo does not hide the others."""

    def fetch(cursor: str | None) -> Iterator[Page]:
        for index, event_id in enumerate(event_ids):
            is_last = index == len(event_ids) - 1
            try:
                yield Page([get_event(client, event_id)], is_last=is_last)
            except EventNotFound:
                not_found.append(event_id)
                yield Page([], is_last=is_last)

    return fetch


def sync_events(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    event_ids: Sequence[str],
    *,
    full_resync: bool = False,
) -> SyncResult:
    """Land the configured events; raise afterwards (naming the ids) if any was not found."""
    not_found: list[str] = []
    result = run_sync(
        con,
        contract=EVENTS,
        fetch=fetch_events(client, event_ids, not_found),
        full_resync=full_resync,
    )
    if not_found:
        raise EventNotFound(
            f"{SOURCE}: event(s) {', '.join(not_found)} not found (HTTP 404); the other "
            f"{len(event_ids) - len(not_found)} landed. Fix {EVENT_IDS_ENV} / the asset config."
        )
    return result


# -- attendees ------------------------------------------------------------------------------


def iter_attendee_pages(
    client: ApiClient, event_id: str, since: datetime | None = None
) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """Yield `(attendees, is_last_page)` following `pagination.continuation`."""
    base: dict[str, Any] = {}
    if since is not None:
        base["changed_since"] = format_timestamp(since)
    params = dict(base)
    path = f"events/{event_id}/attendees/"
    while True:
        payload, response = client.request_json(
            "GET", path, params=params, ok_statuses=frozenset({200, 404})
        )
        if response.status_code == 404:
            raise EventNotFound(
                f"{SOURCE}: event {event_id} was not found (HTTP 404) when listing attendees; "
                f"check {EVENT_IDS_ENV} / the asset config."
            )
        attendees = payload.get("attendees") if isinstance(payload, dict) else None
        pagination = payload.get("pagination") if isinstance(payload, dict) else None
        if not isinstance(attendees, list) or not isinstance(pagination, dict):
            raise SourceError(
                f"{SOURCE}: unexpected reply shape from /events/{event_id}/attendees/ (no "
                f"attendees list / pagination object); is {BASE_URL_ENV} pointing at v3?"
            )
        continuation = pagination.get("continuation")
        has_more = bool(pagination.get("has_more_items")) and bool(continuation)
        yield attendees, not has_more
        if not has_more:
            return
        # The original filter travels with the continuation: Eventbrite expects the same query.
        params = {**base, "continuation": continuation}


def fetch_attendees_since_cursor(
    client: ApiClient, event_id: str, overlap: timedelta = DEFAULT_OVERLAP
) -> Callable[[str | None], Iterator[Page]]:
    """The `fetch` for run_sync: ask from `cursor - overlap`, end with the new high-water mark.

    Pages are in id order, not change order, so only a complete pass proves nothing older is
    unseen: the new cursor rides on the last page only.
    """

    def fetch(cursor: str | None) -> Iterator[Page]:
        high_water = parse_timestamp(cursor) if cursor else None
        since = high_water - overlap if high_water else None
        for records, is_last in iter_attendee_pages(client, event_id, since=since):
            for record in records:
                stamp = record.get("changed") if isinstance(record, dict) else None
                try:
                    ts = parse_timestamp(stamp) if isinstance(stamp, str) else None
                except ValueError:
                    ts = None  # quarantined by the contract; must not move the cursor
                if ts is not None and (high_water is None or ts > high_water):
                    high_water = ts
            new_cursor = format_timestamp(high_water) if is_last and high_water else None
            yield Page(records, is_last, new_cursor)

    return fetch


def attendee_cursor_key(event_id: str) -> str:
    return f"attendees:{event_id}"


@dataclass
class AttendeeSyncSummary:
    """Per-event results of one attendees run, plus the events that failed (ids only)."""

    results: dict[str, SyncResult] = field(default_factory=dict)
    failed_events: dict[str, str] = field(default_factory=dict)  # event id -> error class

    def total(self, name: str) -> int:
        return sum(getattr(r.counts, name) for r in self.results.values())

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results.values())

    def quarantine_reasons(self) -> dict[str, int]:
        reasons: dict[str, int] = {}
        for result in self.results.values():
            for reason, n in result.quarantine_reasons.items():
                reasons[reason] = reasons.get(reason, 0) + n
        return reasons


def sync_attendees(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    event_ids: Sequence[str],
    *,
    full_resync: bool = False,
    overlap: timedelta = DEFAULT_OVERLAP,
    raise_on_failure: bool = True,
) -> AttendeeSyncSummary:
    """Sync every configured event's attendees, each with its own cursor.

    One broken event (deleted, vendor outage on its pages) does not stop the others: their
    attendees land and their cursors advance; the failure is raised at the end naming the event
    ids. Auth errors stop at once — every other event would fail the same way.
    """
    summary = AttendeeSyncSummary()
    last_error: SourceError | None = None
    ensure_tables(con, ATTENDEES)
    keys = {event_id: attendee_cursor_key(event_id) for event_id in event_ids}
    # Each event is a short sync of its own: fetch the next events' pages while one lands.
    ahead = FetchAhead(
        [
            (
                keys[event_id],
                None
                if full_resync
                else load_cursor(con, SOURCE, keys[event_id], schema_ensured=True),
                fetch_attendees_since_cursor(client, event_id, overlap),
            )
            for event_id in event_ids
        ]
    )
    try:
        # One checkpoint for the whole run instead of one whenever the WAL passes 16 MB.
        with bounded_landing(con):
            for event_id in event_ids:
                try:
                    summary.results[event_id] = run_sync(
                        con,
                        contract=ATTENDEES,
                        fetch=ahead.fetch_for(keys[event_id]),
                        full_resync=full_resync,
                        cursor_key=keys[event_id],
                        tables_ensured=True,
                    )
                except SourceAuthError:
                    raise
                except SourceError as exc:
                    summary.failed_events[event_id] = type(exc).__name__
                    last_error = exc
    finally:
        ahead.close()
    # Fails only when another connection of this process holds a transaction; DuckDB then
    # checkpoints later by itself.
    with contextlib.suppress(duckdb.Error):
        con.execute("checkpoint")
    if summary.failed_events and raise_on_failure:
        raise SourceError(
            f"{SOURCE}: attendees of {len(summary.failed_events)} event(s) failed "
            f"({', '.join(summary.failed_events)}); the other events landed. Last error: "
            f"{last_error}"
        ) from last_error
    return summary
