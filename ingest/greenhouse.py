"""Greenhouse Harvest API v1 connector: candidates, applications, jobs.

Everything Harvest-version-specific (URLs, auth, Link paging, incremental parameter names)
lives in this module, so the announced move to Harvest v3 (OAuth, cursor paging) replaces one
file. Plain Python, no Dagster: the ingest asset calls `sync_entity`.

Incremental sync: candidates/jobs filter on `updated_after`, applications on
`last_activity_after` (Harvest has no `updated_after` there). The stored cursor is the highest
timestamp seen; the next sync asks from `cursor - overlap` (the filter is inclusive and vendor
clocks drift), and re-landing an unchanged record adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import requests

from checks.greenhouse import CONTRACTS
from ingest.http_client import ApiClient, SourceConfigError, VendorApi, basic_key_as_user
from ingest.sync import Page, SyncResult, run_sync

SOURCE = "greenhouse"
DEFAULT_BASE_URL = "https://harvest.greenhouse.io/v1"
API_KEY_ENV = "GREENHOUSE_API_KEY"
BASE_URL_ENV = "GREENHOUSE_BASE_URL"
MAX_PER_PAGE = 500

# Harvest v1: HTTP Basic auth with the API token as user name and an empty password; the rate
# limit is a fixed 10-second window announced in X-RateLimit-Remaining.
API = VendorApi(
    source=SOURCE,
    default_base_url=DEFAULT_BASE_URL,
    base_url_env=BASE_URL_ENV,
    credentials_env=API_KEY_ENV,
    authorize=basic_key_as_user,
    rate_limit_window_seconds=10.0,
)
make_client = API.make_client


@dataclass(frozen=True)
class EntitySpec:
    path: str
    incremental_param: str  # the Harvest query parameter for "changed since"
    cursor_field: str  # the record field that parameter filters on


ENTITIES: dict[str, EntitySpec] = {
    "candidates": EntitySpec("candidates", "updated_after", "updated_at"),
    "applications": EntitySpec("applications", "last_activity_after", "last_activity_at"),
    "jobs": EntitySpec("jobs", "updated_after", "updated_at"),
}


def iter_pages(
    client: ApiClient,
    entity: str,
    since: datetime | None = None,
    per_page: int = MAX_PER_PAGE,
) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """Yield `(records, is_last_page)`, following the `Link: <...>; rel="next"` URL exactly."""
    spec = ENTITIES[entity]
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"{SOURCE}: per_page must be 1..{MAX_PER_PAGE}, got {per_page}")
    params: dict[str, Any] | None = {"per_page": per_page, "skip_count": "true"}
    if since is not None:
        params[spec.incremental_param] = format_timestamp(since)
    url: str | None = spec.path
    while url is not None:
        payload, response = client.get_json(url, params=params)
        if not isinstance(payload, list):
            raise SourceConfigError(
                f"{SOURCE}: expected a JSON array from /{spec.path}, got "
                f"{type(payload).__name__}; is {BASE_URL_ENV} pointing at Harvest v1?"
            )
        url = next_link(response)
        yield payload, url is None
        params = None  # the next URL already carries every parameter


def next_link(response: requests.Response) -> str | None:
    """The `rel="next"` URL of a Link header, or None (no header = single page)."""
    return (response.links.get("next") or {}).get("url")


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def fetch_since_cursor(
    client: ApiClient, entity: str, per_page: int, overlap: timedelta
) -> Callable[[str | None], Iterator[Page]]:
    """The `fetch` for run_sync: ask from `cursor - overlap`, end with the new high-water mark.

    Harvest does not promise ordering by update time, so only a complete pass proves nothing
    older is unseen: the high-water mark is handed over with the last page only.
    """
    cursor_field = ENTITIES[entity].cursor_field

    def fetch(cursor: str | None) -> Iterator[Page]:
        high_water = parse_timestamp(cursor) if cursor else None
        since = high_water - overlap if high_water else None
        for records, is_last in iter_pages(client, entity, since=since, per_page=per_page):
            for record in records:
                stamp = record.get(cursor_field) if isinstance(record, dict) else None
                try:
                    ts = parse_timestamp(stamp) if isinstance(stamp, str) else None
                except ValueError:
                    ts = None  # the record is quarantined by the contract; no cursor effect
                if ts is not None and (high_water is None or ts > high_water):
                    high_water = ts
            new_cursor = format_timestamp(high_water) if is_last and high_water else None
            yield Page(records, is_last, new_cursor)

    return fetch


def sync_entity(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    entity: str,
    *,
    full_resync: bool = False,
    per_page: int = MAX_PER_PAGE,
    overlap: timedelta = timedelta(hours=1),
) -> SyncResult:
    """Fetch one entity incrementally and land it; return counts for asset metadata."""
    return run_sync(
        con,
        contract=CONTRACTS[entity],
        fetch=fetch_since_cursor(client, entity, per_page, overlap),
        full_resync=full_resync,
    )
