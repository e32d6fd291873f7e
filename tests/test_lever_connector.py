"""Lever connector over real loopback HTTP against the sample Lever server, into a real DuckDB.

Covers the bad-input matrix: auth errors, 429 storms, 5xx, timeouts, truncated bodies, duplicate
ids across pages, unknown fields, nulls, malformed emails/dates, refused offset tokens, and a
run killed mid-ingest then re-run. Plus the Dagster asset (skip without key, count metadata) and
the dbt staging models over what the connector landed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from ingest import lever
from ingest.http_client import RetryPolicy, SourceAuthError, SourceConfigError, SourceError
from ingest.landing import load_cursor
from ingest.sample.apis import SampleApis, SampleApiSettings, start_sample_apis

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)
DAY_MS = 86_400_000
T0 = 1_700_000_000_000  # 2023-11-14, epoch ms
REASON_HIRED = "reason-hired"
REASON_FILLED = "reason-filled"


# -- feed builders (Lever wire format) ------------------------------------------------------


def opportunity(n: int, updated: int | None = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"opp-{n:04d}",
        "name": f"Person {n}",
        "contact": f"contact-{n // 2:04d}",  # two opportunities per person
        "headline": "Acme, Globex, TU Berlin",
        "stage": "applicant-new",
        "confidentiality": "non-confidential",
        "location": "Berlin",
        "phones": [{"type": "mobile", "value": "+49 30 1234567"}],
        "emails": [f"person{n}@example.org", f" Person{n}.Work@Example.com "],
        "links": [f"linkedin.com/in/person-{n}"],
        "archived": {"reason": REASON_FILLED, "archivedAt": T0 + n * DAY_MS},
        "tags": ["python"],
        "sources": ["LinkedIn"],
        "origin": "sourced",
        "applications": [f"app-{n}"],
        "createdAt": T0,
        "updatedAt": updated if updated is not None else T0 + n * DAY_MS,
        "lastInteractionAt": T0 + n * DAY_MS,
        "isAnonymized": False,
        "dataProtection": None,
    }
    record.update(extra)
    return record


def posting(n: int, state: str = "published") -> dict[str, Any]:
    return {
        "id": f"post-{n}",
        "text": "Data Engineer",
        "state": state,
        "categories": {
            "team": "Data",
            "department": "Engineering",
            "location": "Berlin",
            "commitment": "Full-time",
            "level": "senior",
        },
        "createdAt": T0,
        "updatedAt": T0 + DAY_MS,
    }


REASONS = [
    {"id": REASON_HIRED, "text": "Hired", "type": "hired"},
    {"id": REASON_FILLED, "text": "Position filled", "type": "non-hired"},
]


def write_feed(
    feed_dir: Path,
    opportunities: list[dict[str, Any]],
    postings: list[dict[str, Any]] | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> Path:
    folder = feed_dir / "lever"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        ("opportunities", opportunities),
        ("postings", postings if postings is not None else [posting(1), posting(2, "closed")]),
        ("archive_reasons", reasons if reasons is not None else REASONS),
    ):
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    (feed_dir / "manifest.json").write_text(json.dumps({"contacts": 0, "seed": 0}))
    return feed_dir


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_feed(tmp_path / "feed", [opportunity(i) for i in range(1, 24)])


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
    return lever.make_client(
        api_key=apis.settings.api_key,
        base_url=apis.base_urls["lever"],
        sleep=recorder.append,
        **kwargs,
    )


def landed(con: duckdb.DuckDBPyConnection, entity: str = "opportunities") -> list[tuple]:
    """(record id, content hash) of every landed row: equal lists = identical landings."""
    return con.execute(
        f"select _source_record_id, _record_hash from raw.lever_{entity} order by 1, 2"
    ).fetchall()


def landed_ids(con: duckdb.DuckDBPyConnection, entity: str = "opportunities") -> list[str]:
    return [row[0] for row in landed(con, entity)]


def rewrite_pages(client, edit: Callable[[int, dict[str, Any]], None]) -> list[int]:
    """Let `edit(page_number, body)` alter list replies as they arrive (1-based count of 200
    list replies). Models a vendor sending something odd inside an otherwise real exchange."""
    seen = [0]

    def hook(response, *args, **kwargs):
        if response.status_code == 200 and response.request.method == "GET":
            seen[0] += 1
            body = response.json()
            edit(seen[0], body)
            response._content = json.dumps(body).encode()
        return response

    client.session.hooks["response"].append(hook)
    return seen


def opportunity_requests(apis: SampleApis) -> list[str]:
    return [p for _, p, _ in apis.lever.request_log if p.startswith("/v1/opportunities?")]


# -- happy path and incremental sync ---------------------------------------------------------


def test_full_sync_pages_with_offset_tokens_and_sets_the_cursor(apis, con):
    result = lever.sync_entity(con, client_for(apis), "opportunities", limit=5)
    assert result.pages == 5  # 23 records, 5 per page
    assert result.counts.landed == 23 and result.counts.quarantined == 0
    assert landed_ids(con) == [f"opp-{i:04d}" for i in range(1, 24)]
    # Cursor = highest updatedAt seen, as epoch ms text.
    assert load_cursor(con, "lever", "opportunities") == str(T0 + 23 * DAY_MS)
    paths = opportunity_requests(apis)
    assert len(paths) == 5
    assert "offset=" not in paths[0] and all("offset=" in p for p in paths[1:])
    assert all("limit=5" in p for p in paths)


def test_rerun_is_incremental_with_overlap_and_repeats_the_filter_on_every_page(apis, con):
    lever.sync_entity(con, client_for(apis), "opportunities", limit=5)
    apis.lever.clear_request_log()
    # A record changed since the last sync, and one changed just before the cursor (inside
    # the overlap window: vendor clocks drift, so it must still be picked up).
    apis.lever.upsert_record("opportunities", opportunity(3, updated=T0 + 30 * DAY_MS))
    late = opportunity(4, updated=T0 + 23 * DAY_MS - 60_000, headline="Late write")
    apis.lever.upsert_record("opportunities", late)
    second = lever.sync_entity(con, client_for(apis), "opportunities", limit=1)
    expected_start = T0 + 23 * DAY_MS - 3_600_000  # cursor - 1 h overlap
    paths = opportunity_requests(apis)
    assert len(paths) == 3  # opp-0003, opp-0004, opp-0023 (the overlap re-read)
    assert all(f"updated_at_start={expected_start}" in p for p in paths)
    assert second.counts.landed == 2  # two changed versions; the re-read one adds nothing
    assert second.counts.duplicates == 1
    assert load_cursor(con, "lever", "opportunities") == str(T0 + 30 * DAY_MS)
    assert len(landed_ids(con)) == 25  # 23 + 2 new versions, nothing twice
    full = lever.sync_entity(con, client_for(apis), "opportunities", full_resync=True)
    assert full.full_resync and full.counts.fetched == 23 and full.counts.landed == 0


def test_postings_and_archive_reasons_are_read_in_full_and_deletions_land(apis, con):
    client = client_for(apis)
    for _ in range(2):
        postings = lever.sync_entity(con, client, "postings")
        reasons = lever.sync_entity(con, client, "archive_reasons")
    assert postings.counts.fetched == 2 and postings.counts.landed == 0  # 2nd run: unchanged
    assert reasons.counts.fetched == 2
    assert landed_ids(con, "postings") == ["post-1", "post-2"]
    assert landed_ids(con, "archive_reasons") == [REASON_FILLED, REASON_HIRED]
    assert load_cursor(con, "lever", "postings") is None  # no change filter, no cursor

    empty = lever.sync_entity(con, client, "deleted_opportunities")
    assert empty.counts.fetched == 0
    assert apis.lever.delete_opportunity("opp-0002")
    deleted = lever.sync_entity(con, client, "deleted_opportunities")
    assert deleted.counts.landed == 1 and landed_ids(con, "deleted_opportunities") == ["opp-0002"]
    cursor = load_cursor(con, "lever", "deleted_opportunities")
    assert cursor is not None and int(cursor) > T0
    apis.lever.clear_request_log()
    lever.sync_entity(con, client, "deleted_opportunities")
    assert "deleted_at_start=" in apis.lever.request_log[0][1]


# -- bad-input matrix: transport and auth ----------------------------------------------------


def test_bad_key_names_the_env_var_without_printing_the_key(apis, con):
    secret = "wrong-key-s3cr3t"
    client = lever.make_client(api_key=secret, base_url=apis.base_urls["lever"], retry=FAST_RETRY)
    with pytest.raises(SourceAuthError, match="LEVER_API_KEY") as error:
        lever.sync_entity(con, client, "opportunities")
    assert secret not in str(error.value)
    assert load_cursor(con, "lever", "opportunities") is None
    assert con.execute("select status from raw.batches").fetchall() == [("failed",)]


def test_injected_401_mid_sync_keeps_landed_pages_but_not_the_cursor(apis, con):
    client = client_for(apis)
    rewrite_pages(client, lambda n, body: apis.lever.inject_faults(["401"]) if n == 1 else None)
    with pytest.raises(SourceAuthError, match="LEVER_API_KEY"):
        lever.sync_entity(con, client, "opportunities", limit=5)
    assert len(landed_ids(con)) == 5
    assert load_cursor(con, "lever", "opportunities") is None


def test_429_storm_honours_retry_after_then_lands_everything(feed, con):
    with start_sample_apis(feed, SampleApiSettings(retry_after=3)) as apis:
        apis.lever.inject_faults(["429"] * 5)
        sleeps: list[float] = []
        client = client_for(
            apis, sleeps, retry=RetryPolicy(max_attempts=8, backoff_base_seconds=0.01)
        )
        result = lever.sync_entity(con, client, "opportunities", limit=10)
    assert result.counts.landed == 23
    assert client.stats.rate_limited == 5
    assert sleeps.count(3.0) == 5  # waited exactly what Retry-After asked, never really slept


def test_5xx_truncated_and_reset_are_retried_then_succeed(apis, con):
    apis.lever.inject_faults(["500", "502", "truncated", "503", "reset"])
    sleeps: list[float] = []
    client = client_for(apis, sleeps, retry=RetryPolicy(max_attempts=8, backoff_base_seconds=0.01))
    result = lever.sync_entity(con, client, "opportunities", limit=10)
    assert result.counts.landed == 23 and len(landed_ids(con)) == 23
    assert client.stats.retries >= 5 and len(sleeps) >= 5


def test_persistent_5xx_fails_clearly_and_records_a_failed_batch(apis, con):
    apis.lever.inject_faults(["500"] * 10)
    with pytest.raises(SourceError, match="lever: GET /v1/opportunities still failing"):
        lever.sync_entity(con, client_for(apis), "opportunities")
    assert load_cursor(con, "lever", "opportunities") is None
    assert con.execute("select status from raw.batches").fetchall() == [("failed",)]


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A loopback server that accepts connections and never answers: a read timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def test_timeouts_are_retried_then_fail_clearly_without_a_cursor(black_hole, con):
    sleeps: list[float] = []
    client = lever.make_client(
        api_key="k", base_url=black_hole, retry=FAST_RETRY, sleep=sleeps.append
    )
    client.limits = dataclasses.replace(client.limits, connect_seconds=1.0, read_seconds=0.2)
    with pytest.raises(SourceError, match="still failing after 4 attempts.*read timeout of 0.2s"):
        lever.sync_entity(con, client, "opportunities")
    assert len(sleeps) == 3  # backoff between the 4 attempts
    assert load_cursor(con, "lever", "opportunities") is None


# -- bad-input matrix: paging ----------------------------------------------------------------


def test_refused_offset_token_restarts_the_pass_once_and_lands_nothing_twice(apis, con):
    client = client_for(apis)

    def corrupt_first_token(page: int, body: dict[str, Any]) -> None:
        if page == 2:  # second page served: its `next` is one Lever will not accept
            body["next"] = "token-lever-no-longer-accepts"

    rewrite_pages(client, corrupt_first_token)
    result = lever.sync_entity(con, client, "opportunities", limit=5)
    assert result.offset_restarts == 1
    statuses = [s for _, p, s in apis.lever.request_log if p.startswith("/v1/opportunities")]
    assert statuses.count(400) == 1
    assert len(landed_ids(con)) == 23  # pages 1-2 re-read after the restart: no duplicates
    assert result.counts.landed == 23 and result.counts.duplicates == 10
    assert load_cursor(con, "lever", "opportunities") == str(T0 + 23 * DAY_MS)


def test_offset_token_refused_again_fails_without_advancing_the_cursor(apis, con):
    client = client_for(apis)
    rewrite_pages(client, lambda page, body: body.update(next="bad") if body.get("next") else None)
    with pytest.raises(lever.OffsetTokenRejected, match="lever: /opportunities refused"):
        lever.sync_entity(con, client, "opportunities", limit=5)
    assert len(landed_ids(con)) == 5  # the first page landed; nothing after it
    assert load_cursor(con, "lever", "opportunities") is None


def test_duplicate_ids_across_pages_land_once(apis, con):
    client = client_for(apis)
    first_page: list[dict[str, Any]] = []

    def repeat_first_page_record(page: int, body: dict[str, Any]) -> None:
        if page == 1:
            first_page.extend(body["data"])
        elif page == 2:
            body["data"].append(first_page[0])  # same record, same content, next page

    rewrite_pages(client, repeat_first_page_record)
    result = lever.sync_entity(con, client, "opportunities", limit=5)
    assert result.counts.fetched == 24 and result.counts.landed == 23
    assert result.counts.duplicates == 1
    assert len(landed_ids(con)) == 23


def test_killed_mid_ingest_then_rerun_equals_an_uninterrupted_run(apis, con, tmp_path):
    reference = connect(tmp_path / "reference.duckdb")
    lever.sync_entity(reference, client_for(apis), "opportunities", limit=5)
    expected = landed(reference)
    expected_cursor = load_cursor(reference, "lever", "opportunities")
    reference.close()

    client = client_for(apis)
    # The server fails for good once page 2 has been served.
    rewrite_pages(
        client, lambda page, body: apis.lever.inject_faults(["500"] * 20) if page == 2 else None
    )
    with pytest.raises(SourceError, match="still failing"):
        lever.sync_entity(con, client, "opportunities", limit=5)
    assert len(landed_ids(con)) == 10 and load_cursor(con, "lever", "opportunities") is None
    apis.clear_faults()
    rerun = lever.sync_entity(con, client_for(apis), "opportunities", limit=5)
    assert rerun.counts.landed == 13
    assert landed(con) == expected
    assert load_cursor(con, "lever", "opportunities") == expected_cursor


# -- bad-input matrix: record content --------------------------------------------------------


def test_bad_records_are_quarantined_with_reasons_and_the_rest_lands(tmp_path, con):
    records = [
        opportunity(1, emails=["not-an-email"]),  # malformed email
        opportunity(2, updatedAt="2024-05-01T10:00:00Z"),  # ISO text, not epoch ms
        opportunity(3, createdAt=1_700_000_000),  # seconds, not milliseconds
        opportunity(4, id=None),  # no usable id
        opportunity(5, emails="person5@example.org"),  # not a list
        opportunity(6, archived={"reason": 7, "archivedAt": "yesterday"}),
        # Nulls everywhere that Lever allows: lands.
        {
            **{key: None for key in opportunity(7)},
            "id": "opp-0007",
            "contact": "contact-0003",
            "createdAt": T0,
            "updatedAt": T0,
        },
        # Unknown extra fields: tolerated and kept.
        opportunity(8, brandNewField={"nested": [1, 2]}, anotherOne="x"),
        opportunity(9),
    ]
    feed = write_feed(tmp_path / "feed", records)
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        result = lever.sync_entity(con, client_for(apis), "opportunities")
        assert result.counts.landed == 3 and result.counts.quarantined == 6
        rows = con.execute(
            "select _source_record_id, field, reason from raw.quarantine order by 1 nulls first"
        ).fetchall()
        assert rows == [
            (None, "id", "id is missing or not of the expected type"),
            ("opp-0001", "emails", "emails failed check well_formed_email_addresses"),
            ("opp-0002", "updatedAt", "updatedAt is missing or not of the expected type"),
            ("opp-0003", "createdAt", "createdAt failed check epoch_ms_between_2000_and_2100"),
            ("opp-0005", "emails_is_list", "emails must be a list"),
            (
                "opp-0006",
                "archived",
                "archived failed check null_or_object_with_reason_id_and_epoch_ms_archivedAt",
            ),
        ]
        assert all("@" not in reason for _, _, reason in rows)  # reasons hold no values
        assert landed_ids(con) == ["opp-0007", "opp-0008", "opp-0009"]
        kept = con.execute(
            "select _record->>'$.brandNewField.nested[1]' from raw.lever_opportunities "
            "where _source_record_id = 'opp-0008'"
        ).fetchall()
        assert kept == [("2",)]
        # The cursor ignores the quarantined record's bogus timestamp and comes from valid ones.
        assert load_cursor(con, "lever", "opportunities") == str(T0 + 9 * DAY_MS)
        # Re-fetching the same bad records does not pile up quarantine rows.
        lever.sync_entity(con, client_for(apis), "opportunities", full_resync=True)
    assert con.execute("select count(*) from raw.quarantine").fetchall() == [(6,)]


def test_non_object_list_entries_are_quarantined_not_fatal(apis, con):
    client = client_for(apis)
    rewrite_pages(client, lambda page, body: body["data"].append("junk") if page == 1 else None)
    result = lever.sync_entity(con, client, "opportunities", limit=5)
    assert result.counts.quarantined == 1 and result.counts.landed == 23


def test_unexpected_envelope_is_an_error_not_an_empty_list(apis, con):
    client = client_for(apis)
    rewrite_pages(client, lambda page, body: body.pop("data"))
    with pytest.raises(SourceConfigError, match="LEVER_BASE_URL"):
        lever.sync_entity(con, client, "opportunities")


# -- configuration ---------------------------------------------------------------------------


def test_missing_key_names_the_env_var_and_plain_http_is_refused(monkeypatch):
    monkeypatch.delenv("LEVER_API_KEY", raising=False)
    with pytest.raises(SourceConfigError, match="LEVER_API_KEY"):
        lever.make_client()
    with pytest.raises(SourceConfigError, match="https"):
        lever.make_client(api_key="k", base_url="http://api.lever.example/v1")


# -- Dagster assets --------------------------------------------------------------------------


def materialize_lever(db: Path) -> dict[str, dict[str, Any]]:
    from orchestration.defs.ingest.assets import assets_for
    from orchestration.resources import DuckDBWarehouse, source_credentials

    result = dg.materialize(
        assets_for("lever"),
        resources={
            "warehouse": DuckDBWarehouse(path=str(db)),
            "lever_api": source_credentials("lever"),
        },
    )
    assert result.success
    return {
        event.asset_key.to_user_string(): {
            k: v.value for k, v in event.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }


def test_assets_skip_without_key_and_report_counts_with_one(apis, tmp_path, monkeypatch):
    from orchestration.defs.ingest.assets import assets_for

    specs = {spec.key.to_user_string(): spec for a in assets_for("lever") for spec in a.specs}
    assert set(specs) == {f"raw/lever_{e}" for e in lever.ENTITIES}
    assert all(spec.group_name == "ingest" and spec.description for spec in specs.values())

    db = tmp_path / "assets.duckdb"
    monkeypatch.delenv("LEVER_API_KEY", raising=False)
    skipped = materialize_lever(db)
    assert set(skipped) == {f"raw/lever_{e}" for e in lever.ENTITIES}
    for meta in skipped.values():
        assert meta["skipped"] is True and "LEVER_API_KEY" in meta["skip_reason"]

    monkeypatch.setenv("LEVER_API_KEY", apis.settings.api_key)
    monkeypatch.setenv("LEVER_BASE_URL", apis.base_urls["lever"])
    synced = materialize_lever(db)
    opportunities = synced["raw/lever_opportunities"]
    assert opportunities["fetched"] == 23 and opportunities["landed"] == 23
    assert opportunities["quarantined"] == 0 and opportunities["unchanged_skipped"] == 0
    assert opportunities["cursor_after"] == str(T0 + 23 * DAY_MS)
    assert synced["raw/lever_archive_reasons"]["landed"] == 2
    # Metadata is counts and ids only: no names or addresses of people.
    assert "@" not in json.dumps(synced, default=str)
    assert "Person" not in json.dumps(synced, default=str)


# -- dbt staging over landed data ------------------------------------------------------------


@pytest.mark.slow
def test_staging_models_resolve_archive_reasons_and_convert_epoch_ms(tmp_path):
    records = [
        opportunity(1, archived={"reason": REASON_HIRED, "archivedAt": T0 + DAY_MS}),
        opportunity(2, archived=None),
        opportunity(3, isAnonymized=True, name="Anonymized Candidate", emails=[], phones=[]),
        opportunity(4, dataProtection={"contact": {"allowed": False, "expiresAt": None}}),
    ]
    feed = write_feed(tmp_path / "feed", records)
    db = tmp_path / "lever_staging_test.duckdb"
    con = connect(db)
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        client = client_for(apis)
        for entity in lever.ENTITIES:
            lever.sync_entity(con, client, entity)
        changed = dict(records[3], updatedAt=T0 + 9 * DAY_MS)
        apis.lever.upsert_record("opportunities", changed)
        apis.lever.delete_opportunity("opp-0002")
        for entity in ("opportunities", "deleted_opportunities"):
            lever.sync_entity(con, client, entity)
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
            "staging.lever",
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
        """
        select opportunity_id, full_name, is_anonymized, is_archived, archive_reason_text,
               archive_reason_type, archived_at::varchar, is_deleted, contact_allowed,
               updated_at::varchar
        from staging.stg_lever__opportunities order by 1
        """
    ).fetchall()
    assert rows == [
        (
            "opp-0001",
            "Person 1",
            False,
            True,
            "Hired",
            "hired",
            "2023-11-15 22:13:20",
            False,
            None,
            "2023-11-15 22:13:20",
        ),
        ("opp-0002", "Person 2", False, False, None, None, None, True, None, "2023-11-16 22:13:20"),
        (
            "opp-0003",
            None,
            True,
            True,
            "Position filled",
            "non-hired",
            "2023-11-17 22:13:20",
            False,
            None,
            "2023-11-17 22:13:20",
        ),
        (
            "opp-0004",
            "Person 4",
            False,
            True,
            "Position filled",
            "non-hired",
            "2023-11-18 22:13:20",
            False,
            False,
            "2023-11-23 22:13:20",
        ),
    ]
    emails = con.execute(
        "select opportunity_id, email_position, email_normalised "
        "from staging.stg_lever__opportunity_emails where opportunity_id = 'opp-0001' order by 2"
    ).fetchall()
    assert emails == [
        ("opp-0001", 1, "person1@example.org"),
        ("opp-0001", 2, "person1.work@example.com"),
    ]
    postings = con.execute(
        "select posting_id, state, department, level from staging.stg_lever__postings order by 1"
    ).fetchall()
    assert postings == [
        ("post-1", "published", "Engineering", "senior"),
        ("post-2", "closed", "Engineering", "senior"),
    ]
    con.close()
