"""Ashby API connector: candidates (`candidate.list`) and jobs (`job.list`).

Everything Ashby-specific lives here: RPC-style `POST <base>/<endpoint>` with Basic auth (key as
user name), body `{"limit", "cursor", "syncToken"}`, and the reply envelope
`{"success", "results", "moreDataAvailable", "nextCursor", "syncToken"}`. Validation, landing and
cursors are `ingest.sync`'s job. Plain Python, no Dagster.

Incremental sync: the stored cursor is Ashby's `syncToken`, which arrives on the LAST page of a
pass only, so it is handed to `run_sync` with the last page and lands in the same transaction.
Follow-up pages repeat the `syncToken` next to the `cursor`.

Ashby reports API errors as HTTP 200 with `success: false`: that is always an error, never
"no data". The token and cursor errors (`sync_token_expired`, `sync_token_invalid`,
`next_cursor_expired`, `invalid_next_cursor`) and, since 2026-05-14, `incremental_sync_too_large`
(an incremental sync that would page too deep) mean: drop the stored token and list everything
again — `sync_entity` does that in the same run (landing is idempotent, so re-reading everything
adds no duplicates) and reports the reason. Any other error code raises a SourceError naming the
source, endpoint and code.

API versions are dated and chosen per request with the `Ashby-Version` header
(ASHBY_API_VERSION, default the active `2026-01-01`), so an Ashby release cannot change the
shapes we read under us. Replies echo `Ashby-Version` and say `Ashby-Version-Status`; a
deprecated version still answers, so the sync goes on and the run warns (before it is removed).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import requests

from checks.ashby import CONTRACTS
from ingest.http_client import (
    ApiClient,
    RetryPolicy,
    SourceConfigError,
    SourceError,
    VendorApi,
    basic_key_as_user,
)
from ingest.sync import Page, SyncResult, run_sync

log = logging.getLogger(__name__)

SOURCE = "ashby"
DEFAULT_BASE_URL = "https://api.ashbyhq.com"
API_KEY_ENV = "ASHBY_API_KEY"
BASE_URL_ENV = "ASHBY_BASE_URL"
API_VERSION_ENV = "ASHBY_API_VERSION"
DEFAULT_API_VERSION = "2026-01-01"
VERSION_HEADER = "Ashby-Version"
VERSION_STATUS_HEADER = "Ashby-Version-Status"
MAX_LIMIT = 100

# HTTP Basic auth with the API key as user name and an empty password.
API = VendorApi(
    source=SOURCE,
    default_base_url=DEFAULT_BASE_URL,
    base_url_env=BASE_URL_ENV,
    credentials_env=API_KEY_ENV,
    authorize=basic_key_as_user,
)


def configured_api_version(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """ASHBY_API_VERSION, else the default; a value that is not a date is a config error (Ashby
    would answer every call with an error, which is harder to read than this)."""
    env = os.environ if environ is None else environ
    version = (env.get(API_VERSION_ENV) or "").strip() or DEFAULT_API_VERSION
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
        raise SourceConfigError(
            f"{SOURCE}: {API_VERSION_ENV} must be a dated Ashby API version such as "
            f"{DEFAULT_API_VERSION}."
        )
    return version


def make_client(
    api_key: str | None = None,
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    api_version: str | None = None,
) -> ApiClient:
    """The Ashby client; every request names the API version it was written against."""
    version = api_version or configured_api_version()
    client = API.make_client(api_key=api_key, base_url=base_url, retry=retry, sleep=sleep)
    client.session.headers[VERSION_HEADER] = version
    return client


@dataclass
class VersionReport:
    """What the replies said about the API version we asked for (headers only, no data)."""

    requested: str | None = None
    served: str | None = None
    status: str | None = None

    def observe(self, response: requests.Response) -> None:
        self.requested = response.request.headers.get(VERSION_HEADER) if response.request else None
        served = response.headers.get(VERSION_HEADER)
        status = response.headers.get(VERSION_STATUS_HEADER)
        # Bounded text: these end up in run metadata.
        self.served = served[:40] if served else self.served
        self.status = status.strip().lower()[:40] if status else self.status

    @property
    def deprecated(self) -> bool:
        return self.status is not None and "deprecat" in self.status

    def warning(self) -> str | None:
        if not self.deprecated:
            return None
        return (
            f"{SOURCE}: Ashby API version {self.served or self.requested} is deprecated "
            f"({VERSION_STATUS_HEADER}: {self.status}); set {API_VERSION_ENV} to the active "
            "version after checking the changes, before Ashby removes this one."
        )


ENDPOINTS: dict[str, str] = {"candidates": "candidate.list", "jobs": "job.list"}
ENTITIES = tuple(ENDPOINTS)

# Error codes that mean "your sync state is unusable: start over without it". Since 2026-05-14
# an incremental sync that would page too deep fails with incremental_sync_too_large: the
# documented remedy is the same, a full sync without the token.
RESYNC_ERRORS = frozenset(
    {
        "sync_token_expired",
        "sync_token_invalid",
        "next_cursor_expired",
        "invalid_next_cursor",
        "incremental_sync_too_large",
    }
)


class SyncStateRejected(SourceError):
    """Ashby refused our sync token or page cursor; a full resync is the documented remedy."""

    def __init__(self, endpoint: str, code: str) -> None:
        super().__init__(f"{SOURCE}: {endpoint} rejected the sync state with error {code}.")
        self.code = code


class AshbyApiError(SourceError):
    """Ashby answered `success: false` with an error that a resync does not fix."""


def iter_pages(
    client: ApiClient,
    entity: str,
    sync_token: str | None = None,
    limit: int = MAX_LIMIT,
    versions: VersionReport | None = None,
) -> Iterator[tuple[list[Any], bool, str | None]]:
    """Yield `(records, is_last_page, sync_token_of_last_page)` for one pass over a list."""
    endpoint = ENDPOINTS[entity]
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"{SOURCE}: limit must be 1..{MAX_LIMIT}, got {limit}")
    body: dict[str, Any] = {"limit": limit}
    if sync_token:
        body["syncToken"] = sync_token
    seen_cursors: set[str] = set()
    while True:
        payload, response = client.post_json(endpoint, body)
        if versions is not None:
            versions.observe(response)
        records, more, next_cursor, new_token = parse_reply(payload, endpoint)
        if not more:
            yield records, True, new_token
            return
        if next_cursor in seen_cursors:
            raise SourceError(f"{SOURCE}: {endpoint} returned the same page cursor twice.")
        seen_cursors.add(next_cursor)
        yield records, False, None
        body = {**body, "cursor": next_cursor}


def parse_reply(payload: Any, endpoint: str) -> tuple[list[Any], bool, str, str | None]:
    """Check the envelope; `success: false` (even with HTTP 200) is an error, never 'no data'."""
    if not isinstance(payload, dict) or "success" not in payload:
        raise SourceConfigError(
            f"{SOURCE}: unexpected reply shape from {endpoint} ({type(payload).__name__}); "
            f"is {BASE_URL_ENV} pointing at the Ashby API?"
        )
    if payload.get("success") is not True:
        codes = error_codes(payload)
        resync = sorted(set(codes) & RESYNC_ERRORS)
        if resync:
            raise SyncStateRejected(endpoint, resync[0])
        raise AshbyApiError(
            f"{SOURCE}: {endpoint} answered success:false with error(s) "
            f"{', '.join(codes) or 'unspecified'}."
        )
    records = payload.get("results")
    if not isinstance(records, list):
        raise SourceConfigError(f"{SOURCE}: {endpoint} reply has no `results` list.")
    more = payload.get("moreDataAvailable") is True
    next_cursor = payload.get("nextCursor")
    if more and not (isinstance(next_cursor, str) and next_cursor):
        raise SourceError(f"{SOURCE}: {endpoint} says moreDataAvailable but sent no nextCursor.")
    token = payload.get("syncToken")
    return records, more, next_cursor or "", token if isinstance(token, str) and token else None


def error_codes(payload: dict[str, Any]) -> list[str]:
    """Ashby's error codes (bounded, text only): they name a condition, never record data."""
    raw = payload.get("errors")
    if raw is None and "errorInfo" in payload:
        info = payload.get("errorInfo")
        raw = [info.get("code")] if isinstance(info, dict) else []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    return [str(code)[:80] for code in raw if code is not None][:5]


def fetch_with_sync_token(
    client: ApiClient, entity: str, limit: int = MAX_LIMIT, versions: VersionReport | None = None
) -> Callable[[str | None], Iterator[Page]]:
    """The `fetch` for run_sync: the stored cursor IS the syncToken; the new one rides on the
    last page. A last page without a token leaves no cursor, so the next run reads in full."""

    def fetch(cursor: str | None) -> Iterator[Page]:
        for records, is_last, new_token in iter_pages(client, entity, cursor, limit, versions):
            if is_last and new_token is None:
                log.warning("%s: %s last page carried no syncToken", SOURCE, ENDPOINTS[entity])
            yield Page(records, is_last, new_token)

    return fetch


@dataclass
class AshbySyncResult(SyncResult):
    # The Ashby error code that forced a full resync in this run (None = no forced resync).
    full_resync_reason: str | None = None
    api_version: str | None = None  # as the replies named it
    api_version_status: str | None = None  # Ashby-Version-Status of the replies
    warnings: list[str] = field(default_factory=list)  # for the run's metadata


def sync_entity(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    entity: str,
    *,
    full_resync: bool = False,
    limit: int = MAX_LIMIT,
) -> AshbySyncResult:
    """Sync one entity; when Ashby rejects the stored token, drop it and resync fully now.

    The rejected attempt stays in raw.batches as `failed` (the audit trail shows why a full read
    followed). Pages it already landed stay landed; the full pass re-lands nothing twice.
    """
    if entity not in ENDPOINTS:
        raise ValueError(f"{SOURCE}: unknown entity {entity!r}; expected one of {list(ENTITIES)}")
    contract = CONTRACTS[entity]
    versions = VersionReport()
    fetch = fetch_with_sync_token(client, entity, limit, versions)
    reason: str | None = None
    try:
        result = run_sync(con, contract=contract, fetch=fetch, full_resync=full_resync)
    except SyncStateRejected as rejected:
        reason = rejected.code
        log.warning("%s: %s sync state rejected (%s); full resync", SOURCE, entity, reason)
        try:
            result = run_sync(con, contract=contract, fetch=fetch, full_resync=True)
        except SyncStateRejected as again:
            raise SourceError(
                f"{SOURCE}: {ENDPOINTS[entity]} rejected the sync state again ({again.code}) "
                f"during the full resync that followed {reason}; re-run later."
            ) from again
    warning = versions.warning()
    if warning:
        log.warning(warning)
    return AshbySyncResult(
        **vars(result),
        full_resync_reason=reason,
        api_version=versions.served or versions.requested,
        api_version_status=versions.status,
        warnings=[warning] if warning else [],
    )
