"""The Greenhouse → raw → staging → crm slice as real Dagster runs with a real `dbt build`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.sample.apis import SampleApiSettings, start_sample_apis
from tests.greenhouse_fixtures import (
    application,
    candidate,
    job,
    v1_application,
    v1_candidate,
    write_feed,
)

pytestmark = pytest.mark.slow


def sample_feed(feed_dir: Path) -> Path:
    people = [
        # Same person twice in Greenhouse: address differs only in case/whitespace.
        candidate(
            1,
            first_name="Ada",
            last_name="Byron",
            social_media_addresses=[{"value": "https://www.linkedin.com/in/ada-byron/"}],
            email_addresses=[{"value": "Ada.Byron@Example.org ", "type": "personal"}],
        ),
        candidate(
            2,
            first_name="Ada",
            last_name="Byron",
            social_media_addresses=[{"value": "linkedin.com/in/Ada-Byron"}],
            can_email=False,  # opted out on one record → whole contact must not be emailed
            email_addresses=[{"value": "ada.byron@example.org", "type": "personal"}],
        ),
        # Two different people using a shared role mailbox: must NOT be grouped.
        candidate(3, email_addresses=[{"value": "jobs@acme.example", "type": "work"}]),
        candidate(4, email_addresses=[{"value": "jobs@acme.example", "type": "work"}]),
        # No email at all: still a contact.
        candidate(5, email_addresses=[]),
    ]
    apps = [
        application(10, 1, 7, "rejected"),
        application(11, 3, 8, "hired"),
        application(12, 4, 7, "active"),
    ]
    return write_feed(feed_dir, people, apps, [job(7, "open"), job(8, "closed")])


def run_pipeline() -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    job_def = defs.resolve_job_def("crm_pipeline")
    with dg.DagsterInstance.ephemeral() as instance:
        return job_def.execute_in_process(instance=instance, raise_on_error=False)


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_definitions_load_with_groups_descriptions_and_checks():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"ingest", "staging", "identity", "crm", "reference"} <= groups
    for key in graph.get_all_asset_keys():
        assert graph.get(key).description, f"{key.to_user_string()} has no description"
    ingest_keys = {
        k.to_user_string()
        for k in graph.get_all_asset_keys()
        if graph.get(k).group_name == "ingest"
    }
    assert {
        "raw/greenhouse_candidates",
        "raw/greenhouse_applications",
        "raw/greenhouse_jobs",
    } <= ingest_keys
    assert all(key.startswith("raw/") for key in ingest_keys)
    # dbt tests are asset checks on the marts.
    check_targets = {c.asset_key.to_user_string() for c in graph.asset_check_keys}
    assert {"crm/contacts", "crm/contact_sources", "crm/reqs"} <= check_targets


def test_slice_builds_contacts_and_reqs_and_reruns_safely(isolated_env, tmp_path, monkeypatch):
    db = Path(os.environ["TALENT_CRM_DB"])
    feed = sample_feed(tmp_path / "feed")
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        for name, value in apis.env().items():
            monkeypatch.setenv(name, value)
        first = run_pipeline()
        assert first.success
        contacts_1 = query(db, "select contact_id, can_contact from crm.contacts order by 1")
        raw_1 = query(db, "select count(*) from raw.greenhouse_candidates")

        second = run_pipeline()
        assert second.success

    # 5 candidates → 4 contacts: the two Ada records merge (same address, different case),
    # two different people sharing a role mailbox do not.
    assert len(contacts_1) == 4
    ada = query(
        db,
        "select can_contact, source_record_count from crm.contacts "
        "where primary_email = 'ada.byron@example.org'",
    )
    assert ada == [(False, 2)]
    assert query(db, "select count(*) from crm.contact_sources") == [(5,)]
    reqs = query(db, "select req_id, status, hire_count from crm.reqs order by 1")
    assert reqs == [("greenhouse:7", "open", 0), ("greenhouse:8", "closed", 1)]

    # Re-running lands nothing new and keeps every contact id.
    assert query(db, "select count(*) from raw.greenhouse_candidates") == raw_1
    assert query(db, "select contact_id, can_contact from crm.contacts order by 1") == contacts_1

    # dbt tests ran as Dagster asset checks, and all passed.
    evaluations = second.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations)
    # Ingest metadata carries counts only.
    mats = [
        m
        for m in first.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "raw/greenhouse_candidates"
    ]
    meta = mats[0].materialization.metadata
    assert meta["landed"].value == 5 and meta["quarantined"].value == 0


def test_source_without_credentials_is_skipped_and_the_rest_still_builds(isolated_env):
    result = run_pipeline()
    assert result.success
    skipped = [
        m.materialization.metadata
        for m in result.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "raw/greenhouse_candidates"
    ][0]
    assert "GREENHOUSE_CLIENT_ID" in skipped["skip_reason"].value
    assert query(Path(os.environ["TALENT_CRM_DB"]), "select count(*) from crm.contacts") == [(0,)]


def test_v1_history_stays_readable_and_joins_v3_rows_of_the_same_candidate(
    isolated_env, tmp_path, monkeypatch
):
    """An install upgraded from the v1 connector: raw already holds Harvest v1 rows. A v1 and a
    v3 version of the same candidate make one contact; a candidate only v1 knew stays one."""
    import duckdb

    from ingest.landing import ensure_landing_table, ensure_raw_schema, land_page, new_batch_id

    db = Path(os.environ["TALENT_CRM_DB"])
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)
        for entity, rows in (
            (
                "candidates",
                [
                    # Candidate 1, as v1 landed it months ago (older update, v1 field names).
                    v1_candidate(
                        1,
                        updated="2026-01-05T10:00:00Z",
                        first_name="Ada",
                        last_name="Byron",
                        email_addresses=[{"value": "ada.byron@example.org", "type": "personal"}],
                    ),
                    v1_candidate(61, updated="2026-01-05T10:00:00Z"),  # deleted before v3
                ],
            ),
            ("applications", [v1_application(610, 61, 8, "rejected")]),
        ):
            ensure_landing_table(con, "greenhouse", entity)
            land_page(
                con,
                source="greenhouse",
                entity=entity,
                batch_id=new_batch_id(),
                records=[(str(r["id"]), r) for r in rows],
            )
    feed = sample_feed(tmp_path / "feed")
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        for name, value in apis.env().items():
            monkeypatch.setenv(name, value)
        assert run_pipeline().success
    # Raw keeps both versions of candidate 1; staging shows one (the v3 one, newer).
    assert query(
        db, "select count(*) from raw.greenhouse_candidates where _source_record_id = '1'"
    ) == [(2,)]
    assert query(
        db,
        "select first_name, last_activity_at is not null from staging.stg_greenhouse__candidates "
        "where candidate_id = 1",
    ) == [("Ada", True)]
    # 4 contacts from the v3 feed + the v1-only candidate 61; candidate 1 counted once.
    assert query(db, "select count(*) from crm.contacts") == [(5,)]
    assert query(db, "select count(*) from crm.contact_sources") == [(6,)]
    # The v1-only application still reads its embedded stage, reason, source and job.
    assert query(
        db,
        "select current_stage_name, rejection_reason, application_source, job_id "
        "from staging.stg_greenhouse__applications where application_id = 610",
    ) == [("Final Interview", "Hired another candidate", "LinkedIn", 8)]


def test_dagster_cli_materializes_an_ingest_asset(isolated_env, tmp_path):
    feed = sample_feed(tmp_path / "feed")
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        env = {**os.environ, **apis.env()}
        completed = subprocess.run(
            [
                str(Path(sys.executable).parent / "dagster"),
                "asset",
                "materialize",
                "-m",
                "orchestration.definitions",
                "--select",
                "raw/greenhouse_jobs",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert completed.returncode == 0, completed.stderr[-2000:]
    db = Path(os.environ["TALENT_CRM_DB"])
    assert query(db, "select count(*) from raw.greenhouse_jobs") == [(2,)]
