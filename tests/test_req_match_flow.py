"""Req open → sensor → real `req_match` run → matching.req_matches + export, in one Dagster
instance, on a real DuckDB file shaped like the marts (tests/match_fixtures.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from ingest.greenhouse_webhooks import WebhookSpool
from orchestration.publish import publish_read_copy
from orchestration.settings import PROJECT_ROOT
from tests.match_fixtures import synthesize


@pytest.fixture
def crm_db(isolated_env: Path) -> Path:
    db = Path(os.environ["TALENT_CRM_DB"])
    synthesize(db, 400)
    # As a pipeline run leaves it: the sensor reads the published read copy.
    publish_read_copy(db, reason="crm_pipeline")
    return db


def sensor_tick(instance: dg.DagsterInstance, cursor: str | None):
    from orchestration.definitions import defs
    from orchestration.defs.matching.sensors import req_open_sensor

    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    return req_open_sensor(ctx), ctx.cursor


def run_partition(instance: dg.DagsterInstance, key: str) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    instance.add_dynamic_partitions("reqs", [key])
    return defs.resolve_job_def("req_match").execute_in_process(
        instance=instance, partition_key=key, raise_on_error=False
    )


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_sensor_request_materializes_a_ranked_consent_safe_export(crm_db: Path, isolated_env):
    with dg.DagsterInstance.get() as instance:
        result, cursor = sensor_tick(instance, '{"bootstrapped": true}')
        assert isinstance(result, dg.SensorResult)
        [request] = result.run_requests
        assert request.partition_key == "greenhouse-1"
        assert request.run_key == "greenhouse-1@2026-11-19T08:00:00#1"
        # Re-tick with the saved cursor: nothing new.
        again, _ = sensor_tick(instance, cursor)
        assert isinstance(again, dg.SkipReason)

        run = run_partition(instance, request.partition_key)
        assert run.success
        mats = {
            m.asset_key.to_user_string(): m.materialization.metadata
            for m in run.get_asset_materialization_events()
        }
        meta = {k: v.value for k, v in mats["matching/req_matches"].items()}
        # The run ended by publishing the read copy, so the ranked list is queryable there.
        assert mats["published/read_copy"]["reason"].value == "req_match"

    assert meta["outcome"] == "matched"
    excluded = meta["excluded_by_reason"]
    assert excluded["opted_out"] > 0 and excluded["in_active_application"] > 0
    # Metadata carries counts and paths, never a name or an address.
    assert "@" not in json.dumps({k: str(v) for k, v in meta.items()})

    exports = sorted((isolated_env / "exports" / "reqs" / "greenhouse-1").glob("outreach_*"))
    assert [p.suffix for p in exports] == [".csv", ".parquet"]
    frame = pl.read_parquet(exports[1])
    assert frame.columns == [
        "rank", "contact_id", "full_name", "best_email", "score", "reason", "segment",
        "draft_message",
    ]  # fmt: skip
    assert 0 < frame.height <= 100
    assert frame["score"].is_sorted(descending=True)
    assert frame["draft_message"].str.starts_with("[DRAFT").all()
    assert frame["reason"].str.len_chars().min() > 0
    # Nobody who may not be contacted (or is mid-process / just hired / just emailed) is in it.
    blocked = {
        row[0]
        for row in query(
            crm_db,
            "select contact_id from gdpr.outreach_eligibility where not can_contact "
            "or in_active_application or last_hired_at > timestamp '2025-11-20' "
            "or last_outreach_at > timestamp '2026-10-21'",
        )
    }
    assert blocked and not blocked & set(frame["contact_id"])
    rows = query(crm_db, "select count(*), min(rank) from matching.req_matches")
    assert rows[0][0] >= frame.height and rows[0][1] == 1


def test_req_closed_before_its_run_is_reported_not_failed(crm_db: Path):
    con = duckdb.connect(str(crm_db))
    con.execute("update matching.req_profiles set status = 'closed' where req_id = 'greenhouse:1'")
    con.close()
    with dg.DagsterInstance.get() as instance:
        run = run_partition(instance, "greenhouse-1")
    assert run.success
    [mat] = [
        m
        for m in run.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "matching/req_matches"
    ]
    assert mat.materialization.metadata["outcome"].value == "req_closed"


def test_webhook_delivery_asks_for_a_refresh_run(crm_db: Path, isolated_env):
    spool = WebhookSpool(isolated_env / "landing" / "greenhouse_webhooks")
    job = {"id": 99, "name": "Data Analyst", "status": "open", "opened_at": "2026-11-20T10:00Z"}
    spool.write("evt-1", "job_created", {"action": "job_created", "payload": {"job": job}})
    with dg.DagsterInstance.get() as instance:
        result, cursor = sensor_tick(instance, None)
        jobs = sorted(r.job_name for r in result.run_requests)
        assert "req_refresh" in jobs
        again, _ = sensor_tick(instance, cursor)
        assert isinstance(again, dg.SkipReason)


_RUN_ONE = r"""
import sys
import dagster as dg
from orchestration.definitions import defs
kind, key = sys.argv[1], sys.argv[2]
with dg.DagsterInstance.get() as instance:
    if kind == "match":
        result = defs.resolve_job_def("req_match").execute_in_process(
            instance=instance, partition_key=key, raise_on_error=False)
    else:
        result = defs.resolve_job_def("req_refresh").execute_in_process(
            instance=instance, raise_on_error=False,
            asset_selection=[dg.AssetKey(["raw", "greenhouse_webhook_events"])])
sys.exit(0 if result.success else 1)
"""


def test_two_req_runs_and_a_writer_run_share_the_pool(crm_db: Path, isolated_env: Path):
    """Two req partitions and the web-hook landing run (all in pool duckdb_write), each in
    its OWN process (so DuckDB's file lock is real) against one Dagster instance: all
    succeed, because the pool (limit 1) makes their DuckDB-writing steps take turns."""
    con = duckdb.connect(str(crm_db))
    con.execute("update matching.req_profiles set status = 'open'")
    con.close()
    spool = WebhookSpool(isolated_env / "landing" / "greenhouse_webhooks")
    job = {"id": 99, "name": "Data Analyst", "status": "open", "updated_at": "2026-11-20T10:00Z"}
    spool.write("evt-1", "job_created", {"action": "job_created", "payload": {"job": job}})
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions("reqs", ["greenhouse-1", "greenhouse-2"])
    procs = [
        subprocess.Popen([sys.executable, "-c", _RUN_ONE, kind, key], cwd=PROJECT_ROOT)
        for kind, key in (("match", "greenhouse-1"), ("match", "greenhouse-2"), ("land", "-"))
    ]
    codes = [p.wait(timeout=400) for p in procs]
    assert codes == [0, 0, 0]
    reqs = query(crm_db, "select distinct req_id from matching.req_matches order by 1")
    assert reqs == [("greenhouse:1",), ("greenhouse:2",)]
    assert query(crm_db, "select count(*) from raw.greenhouse_webhook_events") == [(1,)]
