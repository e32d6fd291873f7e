"""Greenhouse Harvest API v3 connector: candidates, applications, jobs and the lists they point to.

Harvest v1/v2 (Basic auth with an API key, page-number paging, `updated_after`) was removed on
2026-08-31. Everything Harvest-version-specific lives here; plain Python, no Dagster: the ingest
assets call `sync_entity`, the reconciliation calls `listed_ids`.

v3 in short (docs/sources.md has the sources):
- OAuth 2.0 client credentials (`ingest.http_client.OAuthClientCredentials`), on behalf of a
  Site Admin (`sub`); list endpoints only, bare JSON arrays, ordered by id DESCENDING.
- Paging: the first request carries `per_page` and the filters; after that we follow the `Link`
  `rel="next"` URL exactly and send nothing else (a cursor with any other parameter is a 422).
  Only a missing next link ends a listing, never a short page.
- Incremental reads are CLOSED windows on `updated_at` in the pipe syntax,
  `gte|<last end - overlap>|lte|<run start - lag>`: because results come by id, not by update
  time, a "since" filter alone has no natural high-water mark. The stored cursor is the window
  end and moves only with the last page (same transaction, see ingest.sync). A record updated
  while we page gets an `updated_at` after the window end, so the next window (which starts
  `overlap` before this end) reads it: nothing is lost.
- Objects no longer embed each other: applications carry `job_id`, `rejection_reason_id`,
  `source_id`, `stage_id`; jobs `department_id` and `office_ids`. The small lists those ids
  point to are re-read in full every run (they are small and have no reliable change filter).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import duckdb
import requests

from checks.greenhouse import CONTRACTS
from ingest.http_client import (
    ApiClient,
    OAuthClientCredentials,
    RetryPolicy,
    SourceConfigError,
)
from ingest.sync import Page, SyncResult, run_sync

SOURCE = "greenhouse"
DEFAULT_BASE_URL = "https://harvest.greenhouse.io/v3"
DEFAULT_TOKEN_URL = "https://auth.greenhouse.io/token"
CLIENT_ID_ENV = "GREENHOUSE_CLIENT_ID"
CLIENT_SECRET_ENV = "GREENHOUSE_CLIENT_SECRET"
USER_ID_ENV = "GREENHOUSE_USER_ID"
BASE_URL_ENV = "GREENHOUSE_BASE_URL"
TOKEN_URL_ENV = "GREENHOUSE_TOKEN_URL"
# Harvest v1's variable: read only to tell an operator that it stopped working.
LEGACY_API_KEY_ENV = "GREENHOUSE_API_KEY"
V1_REMOVED_ON = "2026-08-31"
CREDENTIAL_ENVS = f"{CLIENT_ID_ENV} / {CLIENT_SECRET_ENV} / {USER_ID_ENV}"
MAX_PER_PAGE = 500
# v3 windows are 30 s; the headers say how many requests each allows (it varies by integration).
RATE_LIMIT_WINDOW_SECONDS = 30.0
# The window ends this long before the run started: rows written in the last moments may not be
# visible to a list request yet (replication lag on the vendor side).
DEFAULT_WINDOW_LAG = timedelta(minutes=2)
DEFAULT_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class EntitySpec:
    path: str
    # The field of the closed window, or None: re-read the whole (small) list every run.
    window_field: str | None = "updated_at"
    # Parameters the first request always sends (defaults that would otherwise hide rows).
    params: dict[str, str] = field(default_factory=dict)


ENTITIES: dict[str, EntitySpec] = {
    "candidates": EntitySpec("candidates"),
    "applications": EntitySpec("applications"),
    "jobs": EntitySpec("jobs"),
    # Stage history (who reached the final round, and when) and rejection details: big lists,
    # read in windows like the objects they describe.
    "application_stages": EntitySpec("application_stages"),
    "rejection_details": EntitySpec("rejection_details"),
    "prospect_details": EntitySpec("prospect_details"),
    # Small lists the flat ids point to: read in full.
    # Without include_defaults the built-in reasons ("Hired another candidate"...) are missing.
    "rejection_reasons": EntitySpec("rejection_reasons", None, {"include_defaults": "true"}),
    "job_interview_stages": EntitySpec("job_interview_stages", None),
    "sources": EntitySpec("sources", None),
    "departments": EntitySpec("departments", None),
    "offices": EntitySpec("offices", None),
    # Without show_service_accounts the API users (who may own records) are missing.
    "users": EntitySpec("users", None, {"show_service_accounts": "true"}),
    "custom_fields": EntitySpec("custom_fields", None),
    "prospect_pools": EntitySpec("prospect_pools", None),
}


def scope_for(endpoint: str) -> str:
    """The scope a list endpoint needs, named in 403 messages (`harvest:<resource>:list`)."""
    resource = endpoint.rstrip("/").rsplit("/", 1)[-1] or "<resource>"
    return f"the scope harvest:{resource}:list"


def legacy_key_message() -> str:
    return (
        f"{SOURCE}: skipped — only {LEGACY_API_KEY_ENV} is set, and Harvest v1 API keys stopped "
        f"working on {V1_REMOVED_ON} when Greenhouse removed Harvest v1. Create a Harvest V3 "
        f"(OAuth) credential in Greenhouse and set {CLIENT_ID_ENV} and {CLIENT_SECRET_ENV} (and "
        f"{USER_ID_ENV}, a Site Admin's user id); then unset {LEGACY_API_KEY_ENV}."
    )


def missing_credentials_message(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """Why the Greenhouse assets are skipped, or "" when the credentials are set."""
    env = os.environ if environ is None else environ
    if env.get(CLIENT_ID_ENV) and env.get(CLIENT_SECRET_ENV):
        return ""
    if env.get(LEGACY_API_KEY_ENV):
        return legacy_key_message()
    return (
        f"{SOURCE}: skipped — no credentials, set env vars {CLIENT_ID_ENV} and "
        f"{CLIENT_SECRET_ENV} (a Harvest V3 OAuth credential) and {USER_ID_ENV}."
    )


def make_client(
    client_id: str | None = None,
    client_secret: str | None = None,
    user_id: str | None = None,
    base_url: str | None = None,
    token_url: str | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> ApiClient:
    """The Harvest v3 client from explicit arguments, else the GREENHOUSE_* env vars."""
    client_id = client_id if client_id is not None else os.environ.get(CLIENT_ID_ENV)
    client_secret = (
        client_secret if client_secret is not None else os.environ.get(CLIENT_SECRET_ENV)
    )
    if not client_id or not client_secret:
        raise SourceConfigError(missing_credentials_message())
    user_id = user_id if user_id is not None else os.environ.get(USER_ID_ENV)
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    if urlsplit(base).path.rstrip("/").endswith("/v1"):
        raise SourceConfigError(
            f"{SOURCE}: {BASE_URL_ENV} points at Harvest v1, removed on {V1_REMOVED_ON}; "
            f"use {DEFAULT_BASE_URL} (or unset it)."
        )
    auth = OAuthClientCredentials(
        SOURCE,
        token_url or os.environ.get(TOKEN_URL_ENV) or DEFAULT_TOKEN_URL,
        client_id,
        client_secret,
        user_id or None,
        env_names=CREDENTIAL_ENVS,
        scope_hint=scope_for,
    )
    optional: dict[str, Any] = {}
    if retry is not None:
        optional["retry"] = retry
    if sleep is not None:
        optional["sleep"] = sleep
    return ApiClient(
        source=SOURCE,
        base_url=base,
        credentials_env=CREDENTIAL_ENVS,
        auth=auth,
        rate_limit_window_seconds=RATE_LIMIT_WINDOW_SECONDS,
        **optional,
    )


def window_filter(start: datetime | None, end: datetime) -> str:
    """`gte|<start>|lte|<end>` (pipe syntax; one parameter, never brackets)."""
    if start is None:
        return f"lte|{format_timestamp(end)}"
    return f"gte|{format_timestamp(start)}|lte|{format_timestamp(end)}"


def iter_pages(
    client: ApiClient,
    entity: str,
    window: tuple[datetime | None, datetime] | None = None,
    per_page: int = MAX_PER_PAGE,
    extra_params: dict[str, str] | None = None,
) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """Yield `(records, is_last_page)`; after the first request only the next link is sent."""
    spec = ENTITIES[entity]
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"{SOURCE}: per_page must be 1..{MAX_PER_PAGE}, got {per_page}")
    params: dict[str, Any] | None = {"per_page": per_page, **spec.params, **(extra_params or {})}
    if window is not None and spec.window_field is not None:
        params[spec.window_field] = window_filter(*window)
    url: str | None = spec.path
    while url is not None:
        payload, response = client.get_json(url, params=params)
        if not isinstance(payload, list):
            raise SourceConfigError(
                f"{SOURCE}: expected a JSON array from /{spec.path}, got "
                f"{type(payload).__name__}; is {BASE_URL_ENV} pointing at Harvest v3?"
            )
        url = next_link(response)
        yield payload, url is None
        params = None  # the next URL is followed verbatim: its cursor is all it may carry


def next_link(response: requests.Response) -> str | None:
    """The `rel="next"` URL of a Link header, or None (no header = last page)."""
    return (response.links.get("next") or {}).get("url")


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def fetch_window(
    client: ApiClient,
    entity: str,
    per_page: int,
    overlap: timedelta,
    window_end: datetime,
) -> Callable[[str | None], Iterator[Page]]:
    """The `fetch` for run_sync: one closed window from `cursor - overlap` to `window_end`,
    handing `window_end` over as the new cursor with the last page. Lists without a window
    field are read in full and keep no cursor."""
    windowed = ENTITIES[entity].window_field is not None

    def fetch(cursor: str | None) -> Iterator[Page]:
        start = parse_timestamp(cursor) - overlap if cursor and windowed else None
        window = (start, window_end) if windowed else None
        new_cursor = format_timestamp(window_end) if windowed else None
        for records, is_last in iter_pages(client, entity, window=window, per_page=per_page):
            yield Page(records, is_last, new_cursor if is_last else None)

    return fetch


def sync_entity(
    con: duckdb.DuckDBPyConnection,
    client: ApiClient,
    entity: str,
    *,
    full_resync: bool = False,
    per_page: int = MAX_PER_PAGE,
    overlap: timedelta = DEFAULT_OVERLAP,
    lag: timedelta = DEFAULT_WINDOW_LAG,
    now: datetime | None = None,
) -> SyncResult:
    """Fetch one entity (one closed window, or the whole small list) and land it."""
    window_end = (now or datetime.now(UTC)) - lag
    return run_sync(
        con,
        contract=CONTRACTS[entity],
        fetch=fetch_window(client, entity, per_page, overlap, window_end),
        full_resync=full_resync,
    )


def listed_ids(client: ApiClient, entity: str = "candidates") -> set[str]:
    """Every id Greenhouse still lists for `entity` (v3 has no deleted list: an id landed here
    but no longer listed was deleted, merged away or hidden in Greenhouse)."""
    ids: set[str] = set()
    for records, _ in iter_pages(client, entity, window=None, per_page=MAX_PER_PAGE):
        for record in records:
            if isinstance(record, dict) and record.get("id") is not None:
                ids.add(str(record["id"]))
    return ids
