"""Ashby connector over real loopback HTTP against the sample Ashby server, into a real DuckDB.

Covers the bad-input matrix: auth errors, 429 storms, 5xx, truncated bodies, `success:false`
with HTTP 200, expired/invalid sync tokens and page cursors (→ full resync in the same run),
duplicate ids across pages, unknown fields, nulls, malformed emails/dates, anonymised
candidates, and a run killed mid-ingest then re-run. Plus the Dagster asset (skip without key,
count metadata) and the dbt staging models over what the connector landed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from ingest import ashby
from ingest.http_client import RetryPolicy, SourceAuthError, SourceConfigError, SourceError
from ingest.landing import ensure_raw_schema, load_cursor
from ingest.sample.apis import SampleApis, SampleApiSettings, start_sample_apis

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)


# -- feed builders (Ashby wire format) -------------------------------------------------------


def candidate(n: int, updated: str = "2026-01-01T10:00:00.000Z", **extra: Any) -> dict[str, Any]:
    email = {"value": f"person{n}@example.org", "type": "Personal", "isPrimary": True}
    record: dict[str, Any] = {
        "id": f"cand-{n:04d}",
        "createdAt": "2025-06-01T09:00:00.000Z",
        "updatedAt": updated,
        "name": f"Person {n}",
        "primaryEmailAddress": email,
        "emailAddresses": [
            email,
            {"value": f" Person{n}@Work.Example.com ", "type": "Work", "isPrimary": False},
        ],
        "primaryPhoneNumber": {"value": "+49 30 1234567", "type": "Mobile", "isPrimary": True},
        "phoneNumbers": [{"value": "+49 30 1234567", "type": "Mobile", "isPrimary": True}],
        "socialLinks": [{"type": "LinkedIn", "url": f"linkedin.com/in/person-{n}"}],
        "tags": [{"id": "tag-1", "title": "k8s", "isArchived": False}],
        "position": "Data Engineer",
        "company": "Acme GmbH",
        "school": None,
        "applicationIds": [f"app-{n}"],
        "location": {"locationSummary": "Berlin, Germany"},
    }
    record.update(extra)
    return record


def job(n: int, status: str = "Open") -> dict[str, Any]:
    return {
        "id": f"job-{n}",
        "title": "Data Engineer",
        "status": status,
        "employmentType": "FullTime",
        "confidential": False,
        "customRequisitionId": f"ASH-{n}",
        "department": {"id": "d1", "name": "Engineering"},
        "location": {"id": "l1", "name": "Berlin"},
        "createdAt": "2025-01-01T09:00:00.000Z",
        "openedAt": "2025-01-02T09:00:00.000Z",
        "closedAt": None,
        "updatedAt": "2025-06-01T09:00:00.000Z",
    }


def write_feed(
    feed_dir: Path, candidates: list[dict[str, Any]], jobs: list[dict[str, Any]] | None = None
) -> Path:
    folder = feed_dir / "ashby"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("candidates", candidates), ("jobs", jobs or [job(1), job(2, "Closed")])):
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    (feed_dir / "manifest.json").write_text(json.dumps({"contacts": 0, "seed": 0}))
    return feed_dir


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_feed(tmp_path / "feed", [candidate(i) for i in range(1, 24)])


@pytest.fixture
def apis(feed: Path) -> Iterator[SampleApis]:
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as running:
        yield running


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path))


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(tmp_path / "talent_crm.duckdb")
    yield connection
    connection.close()


def client_for(apis: SampleApis, sleeps: list[float] | None = None, **kwargs: Any):
    recorder = sleeps if sleeps is not None else []
    kwargs.setdefault("retry", FAST_RETRY)
    return ashby.make_client(
        api_key=apis.settings.api_key,
        base_url=apis.base_urls["ashby"],
        sleep=recorder.append,
        **kwargs,
    )


def landed(con: duckdb.DuckDBPyConnection, entity: str = "candidates") -> list[tuple]:
    """(record id, content hash) of every landed row: equal lists = identical landings."""
    return con.execute(
        f"select _source_record_id, _record_hash from raw.ashby_{entity} order by 1, 2"
    ).fetchall()


def landed_ids(con: duckdb.DuckDBPyConnection, entity: str = "candidates") -> list[str]:
    return [row[0] for row in landed(con, entity)]


def rewrite_pages(client, edit: Callable[[int, dict[str, Any]], None]) -> None:
    """Let `edit(page_number, body)` alter successful replies as they arrive (1-based)."""
    seen = [0]

    def hook(response, *args, **kwargs):
        if response.status_code == 200:
            body = response.json()
            if body.get("success") is True:
                seen[0] += 1
                edit(seen[0], body)
                response._content = json.dumps(body).encode()
        return response

    client.session.hooks["response"].append(hook)


def request_bodies(apis: SampleApis) -> int:
    return sum(1 for _, p, _ in apis.ashby.request_log if p == "/candidate.list")


def batch_statuses(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select status, full_resync from raw.batches order by started_at, finished_at"
    ).fetchall()


# -- happy path and incremental sync ---------------------------------------------------------


def test_full_sync_pages_and_stores_the_last_pages_sync_token(apis, con):
    result = ashby.sync_entity(con, client_for(apis), "candidates", limit=5)
    assert result.pages == 5 and result.counts.landed == 23
    assert landed_ids(con) == [f"cand-{i:04d}" for i in range(1, 24)]
    token = load_cursor(con, "ashby", "candidates")
    assert token and token == result.cursor_after and result.full_resync_reason is None
    assert request_bodies(apis) == 5

    apis.ashby.upsert_record("candidates", candidate(4, updated="2026-03-01T10:00:00.000Z"))
    apis.ashby.upsert_record("candidates", candidate(30, updated="2026-03-02T10:00:00.000Z"))
    second = ashby.sync_entity(con, client_for(apis), "candidates", limit=1)
    # Only what changed since the token: two pages (cursor + syncToken on the follow-up).
    assert second.pages == 2 and second.counts.fetched == 2 and second.counts.landed == 2
    assert load_cursor(con, "ashby", "candidates") not in (None, token)
    third = ashby.sync_entity(con, client_for(apis), "candidates")
    assert third.counts.fetched == 0 and third.full_resync_reason is None
    full = ashby.sync_entity(con, client_for(apis), "candidates", full_resync=True)
    assert full.counts.fetched == 24 and full.counts.landed == 0  # nothing twice
    jobs = ashby.sync_entity(con, client_for(apis), "jobs")
    assert landed_ids(con, "jobs") == ["job-1", "job-2"] and jobs.cursor_after


# -- sync-state errors: success:false with HTTP 200 ------------------------------------------


def test_expired_sync_token_triggers_a_full_resync_in_the_same_run(apis, con):
    ashby.sync_entity(con, client_for(apis), "candidates", limit=10)
    apis.ashby.upsert_record("candidates", candidate(5, updated="2026-03-01T10:00:00.000Z"))
    apis.ashby.expire_sync_tokens()
    result = ashby.sync_entity(con, client_for(apis), "candidates", limit=10)
    assert result.full_resync_reason == "sync_token_expired" and result.full_resync
    assert result.counts.fetched == 23 and result.counts.landed == 1  # only the changed one
    assert len(landed_ids(con)) == 24  # 23 + one new version, nothing twice
    # The rejected attempt is on record as failed, the resync as a full one.
    assert batch_statuses(con) == [
        ("succeeded", False),
        ("failed", False),
        ("succeeded", True),
    ]
    # The fresh token works: the next run is incremental again.
    after = ashby.sync_entity(con, client_for(apis), "candidates")
    assert after.full_resync_reason is None and after.counts.fetched == 0


def test_invalid_stored_token_triggers_a_full_resync(apis, con):
    ensure_raw_schema(con)
    con.execute(
        "insert into raw.sync_cursors values ('ashby', 'candidates', 'garbage', now(), 'b0')"
    )
    result = ashby.sync_entity(con, client_for(apis), "candidates")
    assert result.full_resync_reason == "sync_token_invalid"
    assert result.counts.landed == 23
    assert load_cursor(con, "ashby", "candidates") not in (None, "garbage")


def test_invalid_next_cursor_mid_pass_resyncs_and_lands_nothing_twice(apis, con):
    client = client_for(apis)
    rewrite_pages(client, lambda page, body: body.update(nextCursor="stale") if page == 2 else None)
    result = ashby.sync_entity(con, client, "candidates", limit=5)
    assert result.full_resync_reason == "invalid_next_cursor"
    assert len(landed_ids(con)) == 23  # pages 1-2 were landed before; re-read adds nothing
    assert result.counts.landed == 13 and result.counts.duplicates == 10


def test_sync_state_rejected_again_during_the_resync_fails_clearly(apis, con):
    client = client_for(apis)
    rewrite_pages(
        client,
        lambda page, body: body.update(nextCursor="stale") if body.get("nextCursor") else None,
    )
    with pytest.raises(SourceError, match="ashby: candidate.list rejected the sync state again"):
        ashby.sync_entity(con, client, "candidates", limit=5)
    assert load_cursor(con, "ashby", "candidates") is None


def test_incremental_sync_too_large_drops_the_token_and_syncs_fully_in_the_same_run(feed, con):
    settings = SampleApiSettings(retry_after=0, ashby_incremental_sync_max_records=3)
    with start_sample_apis(feed, settings) as apis:
        first = ashby.sync_entity(con, client_for(apis), "candidates", limit=10)
        token = load_cursor(con, "ashby", "candidates")
        # A few changes: the incremental sync stays small and keeps its token.
        for n in (1, 2):
            apis.ashby.upsert_record("candidates", candidate(n, updated="2026-03-01T10:00:00Z"))
        small = ashby.sync_entity(con, client_for(apis), "candidates", limit=10)
        assert small.full_resync_reason is None and small.counts.landed == 2
        # Many changes: Ashby refuses the incremental sync; the token goes, a full pass follows.
        for n in range(3, 13):
            apis.ashby.upsert_record("candidates", candidate(n, updated="2026-04-01T10:00:00Z"))
        apis.ashby.clear_request_log()
        big = ashby.sync_entity(con, client_for(apis), "candidates", limit=10)
        assert big.full_resync_reason == "incremental_sync_too_large" and big.full_resync
        assert big.counts.fetched == 23 and big.counts.landed == 10
        bodies = [p for _, p, _ in apis.ashby.request_log if p == "/candidate.list"]
        assert len(bodies) == 1 + 3  # the refused call, then three full pages
        fresh = load_cursor(con, "ashby", "candidates")
        assert fresh not in (None, token) and first.cursor_after == token
        # The new token is from the full pass: the next run is incremental (and empty) again.
        after = ashby.sync_entity(con, client_for(apis), "candidates")
        assert after.full_resync_reason is None and after.counts.fetched == 0


def test_every_request_names_the_api_version_and_a_deprecated_one_warns(apis, con, monkeypatch):
    result = ashby.sync_entity(con, client_for(apis), "candidates", limit=10)
    assert apis.ashby.versions_requested == ["2026-01-01"] * 3
    assert (result.api_version, result.api_version_status) == ("2026-01-01", "active")
    assert result.warnings == []
    # An operator pins an older version that Ashby now marks deprecated: still served, warned.
    apis.ashby.versions["2025-06-01"] = "deprecated"
    monkeypatch.setenv("ASHBY_API_VERSION", "2025-06-01")
    older = ashby.sync_entity(con, client_for(apis), "jobs")
    assert apis.ashby.versions_requested[-1] == "2025-06-01"
    assert older.api_version_status == "deprecated" and older.counts.landed == 2
    [warning] = older.warnings
    assert "2025-06-01" in warning and "ASHBY_API_VERSION" in warning
    # A version Ashby does not know is refused (HTTP 400) and named as a failure, not data.
    monkeypatch.setenv("ASHBY_API_VERSION", "2019-01-01")
    with pytest.raises(SourceError, match="ashby"):
        ashby.sync_entity(con, client_for(apis), "jobs", full_resync=True)
    monkeypatch.setenv("ASHBY_API_VERSION", "latest")
    with pytest.raises(SourceConfigError, match="ASHBY_API_VERSION"):
        client_for(apis)


def test_cursor_error_restarts_the_listing_from_the_first_page(apis, con):
    client = client_for(apis)
    rewrite_pages(client, lambda page, body: body.update(nextCursor="stale") if page == 3 else None)
    result = ashby.sync_entity(con, client, "candidates", limit=5)
    assert result.full_resync_reason == "invalid_next_cursor"
    bodies = [
        p for _, p, _ in apis.ashby.request_log if p == "/candidate.list"
    ]  # 3 pages + the refused one, then 5 from the start
    assert len(bodies) == 4 + 5
    assert len(landed_ids(con)) == 23 and load_cursor(con, "ashby", "candidates")


@pytest.fixture
def canned_ashby() -> Iterator[tuple[str, list[Any]]]:
    """A loopback server answering every POST with the next canned (status, body)."""
    replies: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body = replies.pop(0)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", replies
    server.shutdown()
    server.server_close()


def test_success_false_with_http_200_is_an_error_naming_source_and_code(canned_ashby, con):
    base, replies = canned_ashby
    page_1 = {
        "success": True,
        "results": [candidate(1), candidate(2)],
        "moreDataAvailable": True,
        "nextCursor": "c1",
    }
    replies.extend([(200, page_1), (200, {"success": False, "errors": ["permission_denied"]})])
    client = ashby.make_client(api_key="k", base_url=base, retry=FAST_RETRY)
    with pytest.raises(ashby.AshbyApiError, match="ashby: candidate.list .*permission_denied"):
        ashby.sync_entity(con, client, "candidates")
    assert landed_ids(con) == ["cand-0001", "cand-0002"]  # the good page stays landed
    assert load_cursor(con, "ashby", "candidates") is None
    assert batch_statuses(con) == [("failed", False)]


def test_more_data_without_cursor_and_odd_envelopes_are_errors(canned_ashby, con):
    base, replies = canned_ashby
    client = ashby.make_client(api_key="k", base_url=base, retry=FAST_RETRY)
    replies.append((200, {"success": True, "results": [], "moreDataAvailable": True}))
    with pytest.raises(SourceError, match="moreDataAvailable but sent no nextCursor"):
        ashby.sync_entity(con, client, "candidates")
    replies.append((200, ["not", "an", "object"]))
    with pytest.raises(SourceConfigError, match="ASHBY_BASE_URL"):
        ashby.sync_entity(con, client, "candidates")
    replies.append((200, {"success": True, "moreDataAvailable": False}))
    with pytest.raises(SourceConfigError, match="no `results` list"):
        ashby.sync_entity(con, client, "candidates")


# -- bad-input matrix: transport and auth ----------------------------------------------------


def test_bad_key_names_the_env_var_without_printing_the_key(apis, con):
    secret = "wrong-key-s3cr3t"
    client = ashby.make_client(api_key=secret, base_url=apis.base_urls["ashby"], retry=FAST_RETRY)
    with pytest.raises(SourceAuthError, match="ASHBY_API_KEY") as error:
        ashby.sync_entity(con, client, "candidates")
    assert secret not in str(error.value)
    assert load_cursor(con, "ashby", "candidates") is None


def test_429_storm_5xx_truncated_and_reset_are_retried_then_succeed(feed, con):
    with start_sample_apis(feed, SampleApiSettings(retry_after=2)) as apis:
        apis.ashby.inject_faults(["429", "429", "429", "500", "truncated", "502", "reset", "503"])
        sleeps: list[float] = []
        client = client_for(
            apis, sleeps, retry=RetryPolicy(max_attempts=10, backoff_base_seconds=0.01)
        )
        result = ashby.sync_entity(con, client, "candidates", limit=10)
    assert result.counts.landed == 23 and len(landed_ids(con)) == 23
    assert client.stats.rate_limited == 3 and sleeps.count(2.0) == 3  # Retry-After honoured
    assert client.stats.retries >= 8


def test_persistent_5xx_fails_clearly_without_a_cursor(apis, con):
    apis.ashby.inject_faults(["503"] * 10)
    with pytest.raises(SourceError, match="ashby: POST /candidate.list still failing"):
        ashby.sync_entity(con, client_for(apis), "candidates")
    assert load_cursor(con, "ashby", "candidates") is None


# -- bad-input matrix: paging and records ----------------------------------------------------


def test_duplicate_ids_across_pages_land_once(apis, con):
    client = client_for(apis)
    first: list[dict[str, Any]] = []

    def repeat(page: int, body: dict[str, Any]) -> None:
        if page == 1:
            first.extend(body["results"])
        elif page == 2:
            body["results"].append(first[0])

    rewrite_pages(client, repeat)
    result = ashby.sync_entity(con, client, "candidates", limit=5)
    assert result.counts.fetched == 24 and result.counts.landed == 23
    assert result.counts.duplicates == 1


def test_killed_mid_ingest_then_rerun_equals_an_uninterrupted_run(apis, con, tmp_path):
    reference = connect(tmp_path / "reference.duckdb")
    ashby.sync_entity(reference, client_for(apis), "candidates", limit=5)
    expected = landed(reference)
    reference.close()

    client = client_for(apis)
    rewrite_pages(
        client,
        lambda page, body: apis.ashby.inject_faults(["500"] * 20) if page == 2 else None,
    )
    with pytest.raises(SourceError, match="still failing"):
        ashby.sync_entity(con, client, "candidates", limit=5)
    assert len(landed_ids(con)) == 10 and load_cursor(con, "ashby", "candidates") is None
    apis.clear_faults()
    rerun = ashby.sync_entity(con, client_for(apis), "candidates", limit=5)
    assert rerun.counts.landed == 13
    assert landed(con) == expected
    assert load_cursor(con, "ashby", "candidates") is not None


def anonymised(n: int) -> dict[str, Any]:
    return candidate(
        n,
        name=None,
        primaryEmailAddress=None,
        emailAddresses=[],
        primaryPhoneNumber=None,
        phoneNumbers=[],
        socialLinks=[],
        position=None,
        company=None,
    )


def test_bad_records_are_quarantined_with_reasons_and_the_rest_lands(tmp_path, con):
    records = [
        candidate(1, primaryEmailAddress={"value": "not-an-email", "type": "Personal"}),
        candidate(2, emailAddresses=[{"value": "a@b.com"}, {"value": "broken@"}]),
        candidate(3, updatedAt="last tuesday"),
        candidate(4, id=None),
        candidate(5, phoneNumbers={"value": "+1 555"}),
        anonymised(6),  # anonymised: null name and identifiers → lands (and is flagged later)
        {
            "id": "cand-0007",
            "createdAt": "2025-06-01T09:00:00Z",
            "updatedAt": "2025-06-01T09:00:00Z",
        }
        | dict.fromkeys(["name", "primaryEmailAddress", "emailAddresses", "tags", "company"]),
        candidate(8, brandNewField={"nested": True}),
        candidate(9),
    ]
    feed = write_feed(tmp_path / "feed", records, [job(1), {**job(2), "status": "Paused"}])
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        result = ashby.sync_entity(con, client_for(apis), "candidates")
        jobs = ashby.sync_entity(con, client_for(apis), "jobs")
        assert result.counts.landed == 4 and result.counts.quarantined == 5
        assert jobs.counts.landed == 1 and jobs.counts.quarantined == 1
        rows = con.execute(
            "select _entity, _source_record_id, field, reason from raw.quarantine "
            "order by 1, 2 nulls first"
        ).fetchall()
        assert rows == [
            ("candidates", None, "id", "id is missing or not of the expected type"),
            (
                "candidates",
                "cand-0001",
                "primaryEmailAddress",
                "primaryEmailAddress failed check null_or_object_with_well_formed_value",
            ),
            (
                "candidates",
                "cand-0002",
                "emailAddresses",
                "emailAddresses failed check objects_with_well_formed_value",
            ),
            (
                "candidates",
                "cand-0003",
                "updatedAt",
                "updatedAt is missing or not of the expected type",
            ),
            ("candidates", "cand-0005", "phoneNumbers_is_list", "phoneNumbers must be a list"),
            ("jobs", "job-2", "status", "status has a value outside the allowed set"),
        ]
        assert all("@" not in reason for *_, reason in rows)
        assert landed_ids(con) == ["cand-0006", "cand-0007", "cand-0008", "cand-0009"]
        ashby.sync_entity(con, client_for(apis), "candidates", full_resync=True)
    assert con.execute("select count(*) from raw.quarantine").fetchall() == [(6,)]


# -- configuration and Dagster assets --------------------------------------------------------


def test_missing_key_names_the_env_var_and_plain_http_is_refused(monkeypatch):
    monkeypatch.delenv("ASHBY_API_KEY", raising=False)
    with pytest.raises(SourceConfigError, match="ASHBY_API_KEY"):
        ashby.make_client()
    with pytest.raises(SourceConfigError, match="https"):
        ashby.make_client(api_key="k", base_url="http://api.ashby.example")


def materialize_ashby(db: Path) -> dict[str, dict[str, Any]]:
    from orchestration.defs.ingest.assets import assets_for
    from orchestration.resources import DuckDBWarehouse, source_credentials

    result = dg.materialize(
        assets_for("ashby"),
        resources={
            "warehouse": DuckDBWarehouse(path=str(db)),
            "ashby_api": source_credentials("ashby"),
        },
    )
    assert result.success
    return {
        event.asset_key.to_user_string(): {
            k: v.value for k, v in event.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }


def test_assets_skip_without_key_and_report_counts_and_resync_reason(apis, tmp_path, monkeypatch):
    from orchestration.defs.ingest.assets import assets_for

    specs = {spec.key.to_user_string(): spec for a in assets_for("ashby") for spec in a.specs}
    assert set(specs) == {"raw/ashby_candidates", "raw/ashby_jobs"}
    assert all(spec.group_name == "ingest" and spec.description for spec in specs.values())

    db = tmp_path / "assets.duckdb"
    monkeypatch.delenv("ASHBY_API_KEY", raising=False)
    for meta in materialize_ashby(db).values():
        assert meta["skipped"] is True and "ASHBY_API_KEY" in meta["skip_reason"]

    monkeypatch.setenv("ASHBY_API_KEY", apis.settings.api_key)
    monkeypatch.setenv("ASHBY_BASE_URL", apis.base_urls["ashby"])
    first = materialize_ashby(db)["raw/ashby_candidates"]
    assert first["fetched"] == 23 and first["landed"] == 23 and first["quarantined"] == 0
    assert first["full_resync_reason"] == "none"
    assert (first["api_version"], first["api_version_status"]) == ("2026-01-01", "active")
    assert "warnings" not in first
    apis.ashby.versions["2026-01-01"] = "deprecated"
    apis.ashby.expire_sync_tokens()
    second = materialize_ashby(db)
    assert second["raw/ashby_candidates"]["full_resync_reason"] == "sync_token_expired"
    assert second["raw/ashby_candidates"]["landed"] == 0
    assert second["raw/ashby_candidates"]["unchanged_skipped"] == 23
    # A deprecated API version reaches the run's metadata as a warning.
    assert second["raw/ashby_candidates"]["api_version_status"] == "deprecated"
    assert "ASHBY_API_VERSION" in second["raw/ashby_candidates"]["warnings"]
    assert "@" not in json.dumps(second, default=str)  # counts and codes only


# -- dbt staging over landed data ------------------------------------------------------------


@pytest.mark.slow
def test_staging_models_flag_anonymised_candidates_and_pick_primary_email(tmp_path):
    records = [
        candidate(1),
        anonymised(2),
        # No primaryEmailAddress: the first listed address stands in.
        candidate(3, primaryEmailAddress=None),
        # Primary given only as primaryEmailAddress, not listed.
        candidate(4, emailAddresses=[]),
    ]
    feed = write_feed(tmp_path / "feed", records)
    db = tmp_path / "ashby_staging_test.duckdb"
    con = connect(db)
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        for entity in ashby.ENTITIES:
            ashby.sync_entity(con, client_for(apis), entity)
        apis.ashby.upsert_record(
            "candidates", candidate(1, updated="2026-02-01T10:00:00.000Z", company="NewCo")
        )
        ashby.sync_entity(con, client_for(apis), "candidates")
    con.close()

    project = Path(__file__).resolve().parents[1] / "dbt_project"
    env = {**os.environ, "TALENT_CRM_DB": str(db), "DO_NOT_TRACK": "1"}
    build = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--select",
            "staging.ashby",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stdout[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "select candidate_id, full_name, primary_email, company, is_anonymized, "
        "updated_at::varchar from staging.stg_ashby__candidates order by 1"
    ).fetchall()
    assert rows == [
        ("cand-0001", "Person 1", "person1@example.org", "NewCo", False, "2026-02-01 10:00:00"),
        ("cand-0002", None, None, None, True, "2026-01-01 10:00:00"),
        ("cand-0003", "Person 3", "person3@example.org", "Acme GmbH", False, "2026-01-01 10:00:00"),
        ("cand-0004", "Person 4", "person4@example.org", "Acme GmbH", False, "2026-01-01 10:00:00"),
    ]
    emails = con.execute(
        "select candidate_id, email_position, email_normalised, email_type, is_primary "
        "from staging.stg_ashby__candidate_emails where candidate_id in ('cand-0001', 'cand-0004') "
        "order by 1, 2"
    ).fetchall()
    assert emails == [
        ("cand-0001", 1, "person1@example.org", "personal", True),
        ("cand-0001", 2, "person1@work.example.com", "work", False),
        ("cand-0004", 0, "person4@example.org", "personal", True),
    ]
    jobs = con.execute(
        "select job_id, status, department_name from staging.stg_ashby__jobs order by 1"
    )
    assert jobs.fetchall() == [("job-1", "open", "Engineering"), ("job-2", "closed", "Engineering")]
    con.close()
