"""Greenhouse connector over real loopback HTTP against the sample Harvest server."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest import greenhouse
from ingest.http_client import RetryPolicy, SourceAuthError, SourceConfigError, SourceError
from ingest.landing import load_cursor
from ingest.sample.apis import SampleApiSettings, start_sample_apis
from tests.greenhouse_fixtures import application, candidate, job, write_feed

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    candidates = [candidate(i, updated=f"2026-10-{1 + i % 20:02d}T10:00:00Z") for i in range(1, 24)]
    apps = [application(i * 10, i, job_id=7) for i in range(1, 24)]
    return write_feed(tmp_path / "feed", candidates, apps, [job(7), job(8, "closed")])


@pytest.fixture
def apis(feed: Path):
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as running:
        yield running


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "talent_crm.duckdb"))
    yield connection
    connection.close()


def client_for(apis, sleeps: list[float] | None = None, **kwargs):
    recorder = sleeps if sleeps is not None else []
    return greenhouse.make_client(
        api_key=apis.settings.api_key,
        base_url=apis.base_urls["greenhouse"],
        retry=FAST_RETRY,
        sleep=recorder.append,
        **kwargs,
    )


def landed_ids(con, entity: str) -> list[str]:
    rows = con.execute(
        f"select _source_record_id from raw.greenhouse_{entity} order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def test_full_sync_follows_link_header_and_lands_every_record_once(apis, con):
    result = greenhouse.sync_entity(con, client_for(apis), "candidates", per_page=5)
    assert result.pages == 5  # 23 records, 5 per page
    assert result.counts.landed == 23
    assert sorted(landed_ids(con, "candidates"), key=int) == [str(i) for i in range(1, 24)]
    assert load_cursor(con, "greenhouse", "candidates") == "2026-10-20T10:00:00Z"
    # Paging followed the server's Link URLs, which carry per_page and page.
    paths = [p for _, p, _ in apis.greenhouse.request_log]
    assert any("page=2" in p for p in paths) and any("page=5" in p for p in paths)


def test_rerun_is_incremental_and_adds_nothing(apis, con):
    greenhouse.sync_entity(con, client_for(apis), "candidates", per_page=5)
    apis.greenhouse.request_log.clear()
    second = greenhouse.sync_entity(con, client_for(apis), "candidates", per_page=5)
    assert second.counts.landed == 0
    # The second run asked only for records changed since cursor - overlap.
    first_request = apis.greenhouse.request_log[0][1]
    assert "updated_after=2026-10-20T09%3A00%3A00Z" in first_request
    assert len(landed_ids(con, "candidates")) == 23
    full = greenhouse.sync_entity(con, client_for(apis), "candidates", full_resync=True)
    assert full.counts.fetched == 23 and full.counts.landed == 0


def test_retries_429_5xx_truncated_and_reset(apis, con):
    apis.greenhouse.inject_faults(["429", "500", "truncated", "reset", "503"])
    sleeps: list[float] = []
    client = greenhouse.make_client(
        api_key=apis.settings.api_key,
        base_url=apis.base_urls["greenhouse"],
        retry=RetryPolicy(max_attempts=8, backoff_base_seconds=0.01, backoff_max_seconds=0.05),
        sleep=sleeps.append,
    )
    result = greenhouse.sync_entity(con, client, "candidates", per_page=10)
    assert result.counts.landed == 23
    assert client.stats.rate_limited == 1
    assert client.stats.retries >= 5
    assert len(sleeps) >= 5


def test_bad_key_names_the_env_var_and_lands_nothing(apis, con):
    client = greenhouse.make_client(
        api_key="wrong", base_url=apis.base_urls["greenhouse"], retry=FAST_RETRY
    )
    with pytest.raises(SourceAuthError, match="GREENHOUSE_API_KEY"):
        greenhouse.sync_entity(con, client, "candidates")
    assert load_cursor(con, "greenhouse", "candidates") is None
    status = con.execute("select status from raw.batches").fetchall()
    assert status == [("failed",)]


def test_failure_mid_sync_keeps_landed_pages_but_not_the_cursor(apis, con):
    client = client_for(apis)

    # The first page arrives, then every retry of the next page fails.
    def break_server_after_first_page(response, *args, **kwargs):
        if not apis.greenhouse.request_log[1:]:
            apis.greenhouse.inject_faults(["500"] * 10)

    client.session.hooks["response"].append(break_server_after_first_page)
    with pytest.raises(SourceError, match="still failing"):
        greenhouse.sync_entity(con, client, "candidates", per_page=5)
    assert load_cursor(con, "greenhouse", "candidates") is None
    assert len(landed_ids(con, "candidates")) == 5  # page 1 landed, nothing lost
    apis.clear_faults()
    client.session.hooks["response"].clear()
    result = greenhouse.sync_entity(con, client, "candidates", per_page=5)
    assert result.cursor_after == "2026-10-20T10:00:00Z"
    assert len(landed_ids(con, "candidates")) == 23


def test_invalid_records_are_quarantined_and_the_rest_lands(tmp_path, con):
    bad_id = candidate(1)
    bad_id["id"] = "not-a-number"
    bad_emails = candidate(2, email_addresses="someone@example.org")
    bad_time = candidate(3, updated_at="yesterday")
    feed = write_feed(tmp_path / "feed", [bad_id, bad_emails, bad_time, candidate(4), candidate(5)])
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        result = greenhouse.sync_entity(con, client_for(apis), "candidates")
    assert result.counts.landed == 2
    assert result.counts.quarantined == 3
    rows = con.execute(
        "select _source_record_id, field, reason from raw.quarantine order by 1"
    ).fetchall()
    assert rows == [
        ("2", "email_addresses_is_list", "email_addresses must be a list"),
        ("3", "updated_at", "updated_at is missing or not of the expected type"),
        ("not-a-number", "id", "id is missing or not of the expected type"),
    ]
    # Reasons never contain record values (privacy): no email text in any reason.
    assert all("@" not in reason for _, _, reason in rows)
    # Re-fetching the same bad records does not pile up duplicates in quarantine.
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        greenhouse.sync_entity(con, client_for(apis), "candidates", full_resync=True)
    assert con.execute("select count(*) from raw.quarantine").fetchall() == [(3,)]


def test_changed_record_lands_as_new_version(tmp_path, con):
    feed = write_feed(tmp_path / "feed", [candidate(1, updated="2026-10-01T10:00:00Z")])
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        greenhouse.sync_entity(con, client_for(apis), "candidates")
    write_feed(tmp_path / "feed", [candidate(1, updated="2026-10-05T10:00:00Z", title="Lead")])
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        result = greenhouse.sync_entity(con, client_for(apis), "candidates")
    assert result.counts.landed == 1
    assert landed_ids(con, "candidates") == ["1", "1"]


def test_plain_http_to_a_remote_host_is_refused():
    with pytest.raises(SourceConfigError, match="https"):
        greenhouse.make_client(api_key="k", base_url="http://harvest.example.com/v1")


def test_missing_key_names_the_env_var(monkeypatch):
    monkeypatch.delenv("GREENHOUSE_API_KEY", raising=False)
    with pytest.raises(SourceConfigError, match="GREENHOUSE_API_KEY"):
        greenhouse.make_client()


def test_applications_and_jobs_use_their_incremental_parameters(apis, con):
    greenhouse.sync_entity(con, client_for(apis), "applications")
    greenhouse.sync_entity(con, client_for(apis), "jobs")
    apis.greenhouse.request_log.clear()
    greenhouse.sync_entity(con, client_for(apis), "applications")
    greenhouse.sync_entity(con, client_for(apis), "jobs")
    paths = [p for _, p, _ in apis.greenhouse.request_log]
    assert any(p.startswith("/v1/applications") and "last_activity_after=" in p for p in paths)
    assert any(p.startswith("/v1/jobs") and "updated_after=" in p for p in paths)
    assert len(landed_ids(con, "applications")) == 23
    assert landed_ids(con, "jobs") == ["7", "8"]
