"""Greenhouse deletions by reconciliation, over real loopback HTTP against the strict sample
server: a candidate deleted in Greenhouse (no longer listed) becomes a deletion only after two
misses a grace period apart, and then its record is erased by the existing erasure path."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest import greenhouse, greenhouse_reconciliation
from ingest.greenhouse_reconciliation import PENDING_TABLE, ReconciliationRefused
from ingest.http_client import RetryPolicy, SourceError
from ingest.sample.apis import SampleApiSettings, start_sample_apis
from ingest.sample.apis.greenhouse import GreenhouseApi
from tests.greenhouse_fixtures import application, candidate, job, write_feed

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base_seconds=0.01, backoff_max_seconds=0.02)
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)
GRACE = timedelta(days=3)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    candidates = [candidate(i) for i in range(1, 13)]
    return write_feed(tmp_path / "feed", candidates, [], [job(7)])


@pytest.fixture
def api(feed: Path):
    with GreenhouseApi(feed, SampleApiSettings(retry_after=0)) as running:
        yield running


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "talent_crm.duckdb"))
    yield connection
    connection.close()


def client_for(api: GreenhouseApi):
    env = api.env()
    return greenhouse.make_client(
        client_id=env["GREENHOUSE_CLIENT_ID"],
        client_secret=env["GREENHOUSE_CLIENT_SECRET"],
        user_id=env["GREENHOUSE_USER_ID"],
        base_url=env["GREENHOUSE_BASE_URL"],
        token_url=env["GREENHOUSE_TOKEN_URL"],
        retry=FAST_RETRY,
        sleep=lambda _seconds: None,
    )


def reconcile(con, api, at: datetime, **options):
    return greenhouse_reconciliation.reconcile_candidates(
        con, client_for(api), grace=options.pop("grace", GRACE), now=at, **options
    )


def deletions(con) -> list[str]:
    rows = con.execute(
        "select _source_record_id from raw.greenhouse_candidate_deletions order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def pending(con) -> dict[str, int]:
    return dict(con.execute(f"select candidate_id, times_missing from {PENDING_TABLE}").fetchall())


@pytest.fixture
def landed(api, con):
    """Every candidate of the feed landed through the real connector."""
    result = greenhouse.sync_entity(con, client_for(api), "candidates")
    assert result.counts.landed == 12
    return con


def test_a_deleted_candidate_is_a_deletion_only_after_two_misses_a_grace_apart(api, landed):
    con = landed
    first = reconcile(con, api, T0)
    assert (first.listed, first.landed, first.missing, first.confirmed) == (12, 12, 0, 0)
    api.remove_record("candidates", 5)  # hard-deleted in Greenhouse: no longer listed

    seen_once = reconcile(con, api, T0 + DAY)
    assert (seen_once.missing, seen_once.newly_missing, seen_once.pending) == (1, 1, 1)
    assert seen_once.confirmed == 0 and deletions(con) == []
    # Missing twice, but only a day apart: still inside the grace period.
    seen_twice = reconcile(con, api, T0 + 2 * DAY)
    assert (seen_twice.newly_missing, seen_twice.pending, seen_twice.confirmed) == (0, 1, 0)
    assert pending(con) == {"5": 2}
    # Missing again three days after the first miss: a deletion, landed as ids only.
    confirmed = reconcile(con, api, T0 + 4 * DAY)
    assert (confirmed.confirmed, confirmed.pending) == (1, 0)
    assert deletions(con) == ["5"] and pending(con) == {}
    [(record,)] = con.execute("select _record from raw.greenhouse_candidate_deletions").fetchall()
    assert '"id":5' in record.replace(" ", "") and "First5" not in record
    assert "person5@example.org" not in record
    # Known as deleted: the next runs neither count it again nor land it twice.
    later = reconcile(con, api, T0 + 5 * DAY)
    assert (later.landed, later.missing, later.confirmed) == (11, 0, 0)
    assert deletions(con) == ["5"]


def test_a_candidate_listed_again_clears_its_pending_miss(api, landed):
    con = landed
    removed = next(r for r in api.records("candidates") if r["id"] == 3)
    api.remove_record("candidates", 3)
    reconcile(con, api, T0)
    assert pending(con) == {"3": 1}
    api.upsert_record("candidates", removed)  # it was only briefly out of the listing
    back = reconcile(con, api, T0 + DAY)
    assert (back.reappeared, back.missing, back.pending) == (1, 0, 0)
    assert pending(con) == {}
    # Gone again: the grace period starts over instead of counting the old miss.
    api.remove_record("candidates", 3)
    reconcile(con, api, T0 + 2 * DAY)
    again = reconcile(con, api, T0 + 4 * DAY)
    assert again.confirmed == 0 and pending(con) == {"3": 2}
    assert reconcile(con, api, T0 + 5 * DAY).confirmed == 1


def test_a_listing_that_fails_midway_marks_nothing(api, landed):
    con = landed
    reconcile(con, api, T0)
    api.remove_record("candidates", 4)
    reconcile(con, api, T0 + DAY)
    api.inject_faults(["500", "502", "503", "500"])  # more than the retries allow
    with pytest.raises(SourceError):
        reconcile(con, api, T0 + 5 * DAY)
    assert pending(con) == {"4": 1} and deletions(con) == []


def test_a_listing_missing_too_many_candidates_is_refused(api, landed):
    con = landed
    for cid in (1, 2, 3):
        api.remove_record("candidates", cid)
    with pytest.raises(ReconciliationRefused) as refused:
        reconcile(con, api, T0)
    message = str(refused.value)
    assert "3 of 12" in message and "harvest:candidates:list" in message
    assert "First1" not in message and "person1@" not in message
    assert pending(con) == {} and deletions(con) == []
    # An operator who knows it is real raises the share: then the misses count.
    allowed = reconcile(con, api, T0, max_missing_share=0.5)
    assert allowed.pending == 3


def test_ids_of_removed_v1_history_are_reconciled_too(api, landed):
    """A candidate only the removed v1 connector landed, and that v3 does not list, was deleted
    in Greenhouse after the upgrade; it goes the same way."""
    from ingest.landing import land_page, new_batch_id
    from tests.greenhouse_fixtures import v1_candidate

    con = landed
    land_page(
        con,
        source="greenhouse",
        entity="candidates",
        batch_id=new_batch_id(),
        records=[("61", v1_candidate(61))],
    )
    reconcile(con, api, T0)
    assert reconcile(con, api, T0 + GRACE).confirmed == 1
    assert deletions(con) == ["61"]


# ----- the scheduled job, end to end through the erasure path


def _query(sql: str) -> list[tuple]:
    with duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True) as con:
        return con.execute(sql).fetchall()


def _run(name: str, run_config: dict | None = None) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    with dg.DagsterInstance.ephemeral() as instance:
        return defs.resolve_job_def(name).execute_in_process(
            instance=instance, run_config=run_config or {}, raise_on_error=False
        )


@pytest.mark.slow
def test_reconciliation_job_lets_the_erasure_path_remove_a_deleted_candidate(
    isolated_env, tmp_path, monkeypatch
):
    from orchestration.defs.ingest.assets import CANDIDATE_DELETIONS

    monkeypatch.setenv("TALENT_CRM_PEPPER", "test-pepper-not-a-secret")
    people = [candidate(i) for i in range(1, 9)]
    apps = [application(i * 10, i, job_id=7) for i in range(1, 9)]
    feed = write_feed(tmp_path / "feed", people, apps, [job(7)])
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        for name, value in apis.env().items():
            monkeypatch.setenv(name, value)
        assert _run("crm_pipeline").success
        key = "greenhouse:candidates:6"
        assert _query(
            f"select count(*) from identity.record_contacts where record_key = '{key}'"
        ) == [(1,)]
        apis.greenhouse.remove_record("candidates", 6)

        def reconcile_on(day: str) -> dict:
            monkeypatch.setenv("TALENT_CRM_AS_OF", day)
            result = _run("greenhouse_reconciliation")
            assert result.success
            [event] = [
                m
                for m in result.get_asset_materialization_events()
                if m.asset_key == CANDIDATE_DELETIONS
            ]
            metadata = event.step_materialization_data.materialization.metadata
            return {k: v.value for k, v in metadata.items()}

        first = reconcile_on("2026-11-02")
        assert (first["listed"], first["landed"], first["missing"]) == (7, 8, 1)
        assert (first["pending"], first["deletions_confirmed"]) == (1, 0)
        assert first["grace_days"] == 3.0 and first["requests"] >= 1
        second = reconcile_on("2026-11-05")  # three days later: past the grace period
        assert (second["deletions_confirmed"], second["pending"]) == (1, 0)
        monkeypatch.delenv("TALENT_CRM_AS_OF")
        # The nightly rebuild turns it into the erasure signal the deletion web hooks give...
        assert _run("crm_pipeline").success
        assert _query(
            "select source, signal from intermediate.int_record_consent_signals "
            f"where record_key = '{key}'"
        ) == [("greenhouse", "deleted")]
        # ...and the nightly hygiene run erases the record through the existing path.
        assert _run("nightly_hygiene").success
    assert _query(
        "select count(*) from raw.greenhouse_candidates where _source_record_id = '6'"
    ) == [(0,)]
    assert _query(
        "select count(*) from gdpr.audit_log where action = 'source_deletion_signal'"
    ) >= [(1,)]
    # The other candidates are untouched.
    assert _query("select count(distinct _source_record_id) from raw.greenhouse_candidates") == [
        (7,)
    ]
