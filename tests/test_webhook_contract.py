"""A signed but malformed web-hook delivery is quarantined at landing, and staging never
fails on a raw value: the job contract (checks/greenhouse_webhooks.py) plus `try_cast`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from checks.greenhouse_webhooks import JOB_EVENTS
from checks.validation import validate_records
from ingest.greenhouse_webhooks import WebhookSpool
from ingest.landing import ensure_landing_table, ensure_raw_schema, land_page, new_batch_id
from orchestration.settings import PROJECT_ROOT

POISON = {
    "action": "job_created",
    "payload": {"job": {"id": {"nested": [1, 2]}, "opened_at": "not a date"}},
}


def good(job_id: int) -> dict:
    return {
        "action": "job_created",
        "payload": {
            "job": {
                "id": job_id,
                "name": "Data Analyst",
                "status": "open",
                "confidential": False,
                "opened_at": "2026-11-20T10:00:00.000Z",
                "updated_at": "2026-11-20T10:00:00Z",
            }
        },
    }


def envelope(event_id: str, body: dict) -> dict:
    return {"event_id": event_id, "action": body["action"], "received_at": "x", "body": body}


@pytest.mark.parametrize(
    ("job", "field"),
    [
        ({"id": {"nested": [1, 2]}}, "subject_id"),
        ({"id": 7, "opened_at": "not a date"}, "opened_at_ok"),
        ({"id": 7, "updated_at": 1700000000}, "updated_at_ok"),
        ({"id": 7, "status": ["open"]}, "status_ok"),
        ({"id": 7, "confidential": "maybe"}, "confidential_ok"),
        ({"id": -3}, "subject_id"),
    ],
)
def test_the_contract_names_the_field_that_breaks(job: dict, field: str) -> None:
    body = {"action": "job_updated", "payload": {"job": job}}
    valid, rejections = validate_records(
        JOB_EVENTS, [envelope("e1", body), envelope("e2", good(5))]
    )
    assert valid == [1]
    assert [(r.row, r.field) for r in rejections] == [(0, field)]
    assert "nested" not in rejections[0].reason  # field and check, never the value


@pytest.mark.parametrize(
    ("action", "payload", "passes"),
    [
        ("delete_candidate", {"candidate_id": 41, "deleted_application_ids": []}, True),
        ("merge_candidate", {"candidate_id": 41, "merged_into_candidate_id": 42}, True),
        ("candidate_anonymized", {"candidate_id": 41, "anonymized_fields": ["email"]}, True),
        ("delete_application", {"application_id": 9, "candidate_id": None}, True),
        ("delete_candidate", {"candidate_id": {"nested": 1}}, False),
        ("delete_application", {"candidate_id": 41}, False),
    ],
)
def test_erasure_events_pass_on_the_id_they_act_on(action: str, payload: dict, passes: bool):
    """The receiver keeps erasure events as ids only; the contract checks that id."""
    body = {"action": action, "payload": payload}
    valid, rejections = validate_records(JOB_EVENTS, [envelope("e1", body)])
    assert (valid == [0]) is passes
    assert [r.field for r in rejections] == ([] if passes else ["subject_id"])


def _dbt_build(select: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "dbt_target"),
            "--select",
            select,
        ],
        cwd=PROJECT_ROOT / "dbt_project",
        env={**os.environ, "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _land_the_spool() -> dict:
    """Materialize the web-hook landing asset once; its materialization metadata."""
    from orchestration.defs.ingest.assets import greenhouse_webhook_events
    from orchestration.resources import DuckDBWarehouse

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [greenhouse_webhook_events],
            instance=instance,
            resources={"warehouse": DuckDBWarehouse()},
        )
    assert result.success
    [event] = result.get_asset_materialization_events()
    return event.materialization.metadata


@pytest.mark.slow
def test_poison_delivery_is_quarantined_and_staging_still_builds(isolated_env: Path, tmp_path):
    spool = WebhookSpool(isolated_env / "landing" / "greenhouse_webhooks")
    assert spool.write("evt-poison", "job_created", POISON)
    assert spool.write("evt-good", "job_created", good(4100123))
    meta = _land_the_spool()
    assert meta["landed_events"].value == 1 and meta["quarantined"].value == 1
    assert list(spool.pending()) == []  # both left incoming/: the poison is in quarantine

    db = os.environ["TALENT_CRM_DB"]
    con = duckdb.connect(db)
    ensure_raw_schema(con)
    # The jobs view joins the department and office lists (built with it, from empty tables).
    for entity in ("jobs", "departments", "offices"):
        ensure_landing_table(con, "greenhouse", entity)
    assert con.execute(
        "select _source_record_id, field from raw.quarantine where _entity = 'webhook_events'"
    ).fetchall() == [("evt-poison", "subject_id")]
    # A raw row that never passed the contract (landed before it existed, or by hand): the
    # staging model must still build, casting with try_cast.
    land_page(
        con,
        source="greenhouse",
        entity="webhook_events",
        batch_id=new_batch_id(),
        records=[("evt-old", envelope("evt-old", POISON))],
    )
    con.close()

    build = _dbt_build("+stg_greenhouse__jobs", tmp_path)
    assert build.returncode == 0, build.stdout[-3000:]
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute(
            "select job_id, status, opened_at::varchar from staging.stg_greenhouse__jobs"
        ).fetchall()
    finally:
        con.close()
    assert rows == [(4100123, "open", "2026-11-20 10:00:00")]


def test_an_unreadable_spool_file_is_quarantined_and_set_aside(isolated_env: Path) -> None:
    spool = WebhookSpool(isolated_env / "landing" / "greenhouse_webhooks")
    assert spool.write("evt-good", "job_created", good(4100124))
    # A delivery the receiver never finished writing (a full disk), and one in another encoding.
    (spool.incoming / "truncated.json").write_text('{"event_id": "evt-cut", "act', "utf-8")
    (spool.incoming / "latin1.json").write_bytes('{"x": "Jos\xe9"}'.encode("latin-1"))
    assert len(spool.unreadable()) == 2 and len(list(spool.pending())) == 1
    meta = _land_the_spool()
    assert meta["landed_events"].value == 1
    assert meta["unreadable_files"].value == 2 and meta["quarantined"].value == 2
    assert sorted(p.name for p in (spool.root / "unreadable").iterdir()) == [
        "latin1.json",
        "truncated.json",
    ]
    assert list(spool.incoming.iterdir()) == []
    con = duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True)
    try:
        rows = con.execute(
            "select _source_record_id, field, reason from raw.quarantine "
            "where _entity = 'webhook_events' order by 1"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("latin1", "file", "not UTF-8"),
        ("truncated", "file", "not JSON (truncated or not written by the receiver)"),
    ]


def test_no_staging_model_casts_without_try_cast() -> None:
    """Every staging cast of a raw value is a try_cast: one bad value must not fail a model."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "dbt_project" / "models" / "staging").rglob("*.sql")):
        text = path.read_text().lower().replace("try_cast(", "")
        if "cast(" in text or "::" in text:
            offenders.append(path.name)
    assert offenders == []
