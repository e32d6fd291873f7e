"""Several batches per landing transaction (ingest.sync / ingest.landing.LandingTransaction):
the cursor still commits with the last page, a failed batch rolls back only its own
transaction, fetched pages land before a fetch error is raised, and a rerun after any of these
equals an uninterrupted run. Real DuckDB files; the vendor is a plain page generator."""

from __future__ import annotations

import duckdb
import pytest

import ingest.sync as sync
from checks.greenhouse import JOBS
from ingest.landing import load_cursor
from ingest.sync import Page, run_sync

CURSOR = "2026-01-05T00:00:00Z"


def job(n: int) -> dict:
    stamp = "2026-01-01T00:00:00Z"
    return {"id": n, "status": "open", "updated_at": stamp, "created_at": stamp, "name": f"j{n}"}


def five_pages(fail_after: int | None = None):
    """Five vendor pages of two jobs; the cursor rides on the last. Optionally the vendor
    breaks after `fail_after` pages."""

    def fetch(cursor):
        for i in range(5):
            if fail_after is not None and i == fail_after:
                raise ConnectionError("vendor went away")
            yield Page([job(2 * i + 1), job(2 * i + 2)], is_last=i == 4, cursor=CURSOR)

    return fetch


def landed_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute("select _source_record_id from raw.greenhouse_jobs").fetchall()
    return sorted(int(r[0]) for r in rows)


def sync_jobs(con, fetch, **limits):
    return run_sync(con, contract=JOBS, fetch=fetch, batch_records=2, **limits)


def test_batches_share_transactions_and_the_cursor_commits_with_the_last_page(tmp_path):
    con = duckdb.connect(str(tmp_path / "a.duckdb"))
    result = sync_jobs(con, five_pages(), transaction_records=4)
    assert landed_ids(con) == list(range(1, 11))
    assert result.counts.landed == 10 and result.pages == 5
    assert load_cursor(con, "greenhouse", "jobs") == CURSOR
    again = sync_jobs(con, five_pages(), transaction_records=4)
    assert again.counts.landed == 0 and again.counts.duplicates == 10


@pytest.mark.parametrize(
    ("limits", "committed"),
    [
        ({"transaction_records": 4}, [1, 2, 3, 4]),  # batches 1-2 committed, 3 rolled back
        ({"transaction_records": 10**6}, []),  # all in one transaction: nothing committed
        ({"transaction_records": 10**6, "transaction_bytes": 1}, [1, 2, 3, 4]),  # byte bound
    ],
    ids=["record-bound", "one-transaction", "byte-bound"],
)
def test_a_failed_batch_rolls_back_its_transaction_only_and_a_rerun_completes(
    tmp_path, monkeypatch, limits, committed
):
    reference = duckdb.connect(str(tmp_path / "reference.duckdb"))
    sync_jobs(reference, five_pages())

    con = duckdb.connect(str(tmp_path / "crashed.duckdb"))
    real_land_prepared = sync.land_prepared
    calls = {"n": 0}

    def failing_land_prepared(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full (simulated)")
        return real_land_prepared(*args, **kwargs)

    monkeypatch.setattr(sync, "land_prepared", failing_land_prepared)
    with pytest.raises(OSError):
        sync_jobs(con, five_pages(), **limits)
    assert landed_ids(con) == committed
    assert load_cursor(con, "greenhouse", "jobs") is None
    [(status, landed)] = con.execute("select status, landed from raw.batches").fetchall()
    assert status == "failed" and landed == len(committed)  # counts only what committed

    monkeypatch.setattr(sync, "land_prepared", real_land_prepared)
    rerun = sync_jobs(con, five_pages(), **limits)
    assert rerun.counts.landed == 10 - len(committed)
    assert landed_ids(con) == landed_ids(reference)
    assert load_cursor(con, "greenhouse", "jobs") == load_cursor(reference, "greenhouse", "jobs")


def test_pages_fetched_before_a_vendor_failure_land_without_moving_the_cursor(tmp_path):
    con = duckdb.connect(str(tmp_path / "a.duckdb"))
    with pytest.raises(ConnectionError):
        sync_jobs(con, five_pages(fail_after=3), transaction_records=10**6)
    assert landed_ids(con) == [1, 2, 3, 4, 5, 6]
    assert load_cursor(con, "greenhouse", "jobs") is None
    rerun = sync_jobs(con, five_pages())
    assert rerun.counts.landed == 4 and landed_ids(con) == list(range(1, 11))
    assert load_cursor(con, "greenhouse", "jobs") == CURSOR
