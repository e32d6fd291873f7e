"""The req-open sensor's planning: cursor state, re-ticks, restarts, re-openings, web hooks,
and reading DuckDB while another connection holds the write lock."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest.greenhouse_webhooks import WebhookSpool
from orchestration.database import DatabaseBusy
from orchestration.matching.openings import (
    OpenReq,
    SensorState,
    pending_webhook_files,
    plan_runs,
    read_open_reqs,
    req_partition_key,
)

NOW = datetime(2026, 11, 20, 12, 0)
OLD = OpenReq("greenhouse:1", "2025-01-01T00:00:00")
NEW = OpenReq("lever:ab-12", "2026-11-19T08:00:00")


def test_partition_keys_are_safe_and_stable():
    assert req_partition_key("greenhouse:4100123") == "greenhouse-4100123"
    assert req_partition_key("ashby:9f0c-11/x y") == "ashby-9f0c-11_x_y"
    with pytest.raises(ValueError):
        req_partition_key("no-source")


def test_first_tick_runs_only_recent_openings_and_remembers_all():
    plan = plan_runs([OLD, NEW], [], SensorState(), NOW)
    assert [m.req_id for m in plan.matches] == ["lever:ab-12"]
    assert plan.matches[0].run_key == "lever-ab-12@2026-11-19T08:00:00#1"
    assert plan.state.open == {"greenhouse:1": OLD.opened_at, "lever:ab-12": NEW.opened_at}


def test_reticks_and_restarts_request_nothing_new():
    first = plan_runs([OLD, NEW], [], SensorState(), NOW)
    # A restart reads the cursor back from its JSON text.
    restored = SensorState.from_cursor(first.state.to_cursor())
    again = plan_runs([OLD, NEW], [], restored, NOW)
    assert again.matches == [] and again.state.to_cursor() == first.state.to_cursor()


def test_new_opening_and_reopening_with_same_opened_at_get_new_run_keys():
    state = plan_runs([OLD], [], SensorState(), NOW).state
    opened = plan_runs([OLD, NEW], [], state, NOW)
    assert [m.run_key for m in opened.matches] == ["lever-ab-12@2026-11-19T08:00:00#1"]
    closed = plan_runs([OLD], [], opened.state, NOW)  # NEW closed
    assert closed.matches == [] and "lever:ab-12" not in closed.state.open
    reopened = plan_runs([OLD, NEW], [], closed.state, NOW)  # same opened_at, new opening
    assert [m.run_key for m in reopened.matches] == ["lever-ab-12@2026-11-19T08:00:00#2"]
    # An old req re-opened after bootstrap runs, whatever its opened_at.
    moved = plan_runs(
        [OpenReq("greenhouse:1", "2026-11-20T09:00:00"), NEW], [], reopened.state, NOW
    )
    assert [m.req_id for m in moved.matches] == ["greenhouse:1"]


def test_webhook_files_trigger_one_refresh_each(tmp_path: Path):
    spool = WebhookSpool(tmp_path / "spool")
    job = {"id": 77, "status": "open", "opened_at": "2026-11-20T10:00:00Z"}
    spool.write("evt-1", "job_created", {"action": "job_created", "payload": {"job": job}})
    spool.write(
        "evt-2",
        "job_updated",
        {"action": "job_updated", "payload": {"job": {**job, "status": "closed"}}},
    )
    files = pending_webhook_files(spool)
    assert len(files) == 1  # the closed job needs no refresh
    plan = plan_runs([], files, SensorState(bootstrapped=True), NOW)
    assert plan.refresh_for_files == files
    assert plan_runs([], files, plan.state, NOW).refresh_for_files == []


def _hold_write_lock(db: str, ready, release) -> None:
    con = duckdb.connect(db)
    ready.set()
    release.wait(30)
    con.close()


def test_read_open_reqs_reports_busy_when_another_process_writes(tmp_path: Path):
    db = tmp_path / "talent_crm.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema crm")
    con.execute(
        "create table crm.reqs as select 'greenhouse:1' as req_id, 'open' as status, "
        "timestamp '2026-11-19 08:00:00' as opened_at"
    )
    con.close()
    assert read_open_reqs(db) == [OpenReq("greenhouse:1", "2026-11-19T08:00:00")]
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    writer = ctx.Process(target=_hold_write_lock, args=(str(db), ready, release))
    writer.start()
    try:
        assert ready.wait(60)
        with pytest.raises(DatabaseBusy):
            read_open_reqs(db, wait_seconds=0.1)
    finally:
        release.set()
        writer.join(30)
    assert read_open_reqs(db)[0].req_id == "greenhouse:1"


def test_cursor_is_plain_json():
    state = plan_runs([NEW], ["a.json"], SensorState(), NOW).state
    data = json.loads(state.to_cursor())
    assert data["version"] == 1 and data["webhook_files"] == ["a.json"]
