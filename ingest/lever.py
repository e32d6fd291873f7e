"""Lever API v1 connector: opportunities, postings, archive reasons, deleted opportunities.

Everything Lever-specific (URLs, Basic auth with the key as user name, `offset` token paging,
epoch-millisecond filters) lives here; validation, landing and cursors are `ingest.sync`'s job.
Plain Python, no Dagster: the ingest assets call `sync_entity`.

Incremental sync: opportunities filter on `updated_at_start`, deletions on `deleted_at_start`
(epoch ms, inclusive). The stored cursor is the highest timestamp seen in a COMPLETE pass (Lever
pages by token, not by time, so only the whole pass proves nothing older is unseen); the next
sync asks from `cursor - overlap` because vendor clocks drift and a record can be written with
an `updatedAt` slightly behind one already served. Re-landing an unchanged record adds nothing.
Postings and archive reasons are small and have no change filter: read in full every run.

Paging: `{"data": [...], "hasNext": true, "next": "<token>"}`; the token goes back as `offset`
and every filter is repeated on every page (Lever applies the filters per request). A token
Lever no longer accepts (HTTP 400 on a follow-up page — tokens are opaque and may expire) makes
the pass restart from its first page once; landing is idempotent, so this adds no duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import duckdb

from checks.lever import CONTRACTS, EPOCH_MS_MAX, EPOCH_MS_MIN, as_epoch_ms
from ingest.http_client import (
    ApiClient,
    SourceConfigError,
    SourceError,
    VendorApi,
    basic_key_as_user,
)
from ingest.sync import Page, SyncResult, run_sync

log = logging.getLogger(__name__)

SOURCE = "lever"
DEFAULT_BASE_URL = "https://api.lever.co/v1"
API_KEY_ENV = "LEVER_API_KEY"
BASE_URL_ENV = "LEVER_BASE_URL"
MAX_LIMIT = 100

# HTTP Basic auth with the API key as user name and an empty password. The rate limit (~10
# requests/s with bursts) is enforced with 429 + Retry-After, which the client honours.
API = VendorApi(
    source=SOURCE,
    default_base_url=DEFAULT_BASE_URL,
    base_url_env=BASE_URL_ENV,
    credentials_env=API_KEY_ENV,
    authorize=basic_key_as_user,
)
make_client = API.make_client
# One restart per pass when Lever rejects its own offset token; a second rejection is a fault.
MAX_OFFSET_RESTARTS = 1


@dataclass(frozen=True)
class EntitySpec:
    path: str
    # The query parameter for "changed since" and the record field it filters on; None = the
    # list is small and has no change filter, so every run reads it in full.
    incremental_param: str | None = None
    cursor_field: str | None = None


ENTITIES: dict[str, EntitySpec] = {
    "opportunities": EntitySpec("opportunities", "updated_at_start", "updatedAt"),
    "postings": EntitySpec("postings"),
    "archive_reasons": EntitySpec("archive_reasons"),
    "deleted_opportunities": EntitySpec("opportunities/deleted", "deleted_at_start", "deletedAt"),
}


class OffsetTokenRejected(SourceError):
    """Lever refused the `offset` token it issued (expired or invalid) on a follow-up page."""


@dataclass
class PagingStats:
    """What happened while paging, for asset metadata (counts only)."""

    offset_restarts: int = 0


def iter_pages(
    client: ApiClient,
    entity: str,
    filters: Mapping[str, Any] | None = None,
    limit: int = MAX_LIMIT,
) -> Iterator[tuple[list[Any], bool]]:
    """Yield `(records, is_last_page)` for one pass over a Lever list.

    Raises OffsetTokenRejected when a follow-up page's token is refused, so the caller decides
    whether to restart the pass.
    """
    spec = ENTITIES[entity]
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"{SOURCE}: limit must be 1..{MAX_LIMIT}, got {limit}")
    base_params: dict[str, Any] = {**(filters or {}), "limit": limit}
    offset: str | None = None
    seen_tokens: set[str] = set()
    while True:
        params = base_params if offset is None else {**base_params, "offset": offset}
        payload, response = client.request_json(
            "GET", spec.path, params=params, ok_statuses=frozenset({200, 400})
        )
        if response.status_code == 400:
            if offset is not None:
                raise OffsetTokenRejected(
                    f"{SOURCE}: /{spec.path} refused the offset token of a follow-up page "
                    f"(HTTP 400); the pass must restart from its first page."
                )
            # Without an offset a 400 means our own parameters are wrong: not retryable.
            raise SourceError(
                f"{SOURCE}: GET /{spec.path} failed with HTTP 400 "
                f"({_error_code(payload)}); check the request parameters."
            )
        records, has_next, next_token = _parse_list(payload, spec.path)
        if has_next and next_token in seen_tokens:
            # A repeated token would page forever; stop loudly instead.
            raise SourceError(f"{SOURCE}: /{spec.path} returned the same page token twice.")
        yield records, not has_next
        if not has_next:
            return
        seen_tokens.add(next_token)
        offset = next_token


def _parse_list(payload: Any, path: str) -> tuple[list[Any], bool, str]:
    """Check the list envelope: a shape we do not understand must never look like 'no data'."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise SourceConfigError(
            f"{SOURCE}: expected {{'data': [...]}} from /{path}, got "
            f"{type(payload).__name__}; is {BASE_URL_ENV} pointing at the Lever v1 API?"
        )
    has_next = payload.get("hasNext") is True
    token = payload.get("next")
    if has_next and not (isinstance(token, str) and token):
        raise SourceError(f"{SOURCE}: /{path} says hasNext but sent no `next` token.")
    return payload["data"], has_next, token or ""


def _error_code(payload: Any) -> str:
    if isinstance(payload, dict):
        return str(payload.get("code") or "error")[:80]
    return "error"


def fetch_since_cursor(
    client: ApiClient,
    entity: str,
    limit: int = MAX_LIMIT,
    overlap: timedelta = timedelta(hours=1),
    stats: PagingStats | None = None,
) -> Callable[[str | None], Iterator[Page]]:
    """The `fetch` for run_sync.

    Incremental entities ask from `cursor - overlap` and hand the new high-water mark (epoch
    ms, as text) over with the last page only. Full-read entities ignore the cursor and store
    none. A refused offset token restarts the pass (up to MAX_OFFSET_RESTARTS times).
    """
    spec = ENTITIES[entity]
    stats = stats if stats is not None else PagingStats()
    overlap_ms = int(overlap.total_seconds() * 1000)

    def fetch(cursor: str | None) -> Iterator[Page]:
        previous = _parse_cursor(cursor) if spec.incremental_param else None
        filters: dict[str, Any] = {}
        if spec.incremental_param and previous is not None:
            filters[spec.incremental_param] = max(previous - overlap_ms, 0)
        high_water = previous
        restarts = 0
        while True:
            try:
                for records, is_last in iter_pages(client, entity, filters, limit):
                    if spec.cursor_field:
                        high_water = _max_stamp(records, spec.cursor_field, high_water)
                    new_cursor = str(high_water) if is_last and high_water is not None else None
                    yield Page(records, is_last, new_cursor)
                return
            except OffsetTokenRejected:
                if restarts >= MAX_OFFSET_RESTARTS:
                    raise
                restarts += 1
                stats.offset_restarts += 1
                log.warning("%s: offset token refused on /%s; restarting pass", SOURCE, spec.path)

    return fetch


def _parse_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(cursor)
    except ValueError as exc:
        raise SourceError(
            f"{SOURCE}: stored cursor is not epoch milliseconds; run with full_resync to reset it."
        ) from exc


def _max_stamp(records: list[Any], field: str, current: int | None) -> int | None:
    """Highest epoch-ms `field` among well-formed records (bad ones are quarantined anyway)."""
    best = current
    for record in records:
        stamp = as_epoch_ms(record.get(field)) if isinstance(record, dict) else None
        # An absurd future stamp must not push the cursor past everything real.
        if stamp is None or not EPOCH_MS_MIN <= stamp <= EPOCH_MS_MAX:
            continue
        if best is None or stamp > best:
            best = stamp
    return best


@dataclass
class LeverSyncResult(SyncResult):
    offset_restarts: int = 0


def sync_entity(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    entity: str,
    *,
    full_resync: bool = False,
    limit: int = MAX_LIMIT,
    overlap: timedelta = timedelta(hours=1),
) -> LeverSyncResult:
    """Fetch one entity (incrementally where Lever allows) and land it; return counts."""
    if entity not in ENTITIES:
        raise ValueError(f"{SOURCE}: unknown entity {entity!r}; expected one of {list(ENTITIES)}")
    stats = PagingStats()
    result = run_sync(
        con,
        contract=CONTRACTS[entity],
        fetch=fetch_since_cursor(client, entity, limit, overlap, stats),
        full_resync=full_resync,
    )
    return LeverSyncResult(**vars(result), offset_restarts=stats.offset_restarts)
