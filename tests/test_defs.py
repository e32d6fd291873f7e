"""The loaded code location, pinned: every asset key and group, job, schedule and sensor.

A move of the Dagster wiring (or a new area) must not drop one silently: what the Python
areas define is listed here literally; what dbt defines is derived from its manifest (every
model and seed is an asset keyed by its real schema, every dbt test an asset check).
"""

from __future__ import annotations

import json

import dagster as dg
import pytest

from orchestration.defs.transform.dbt_project import dbt_project, group_for

PYTHON_ASSETS = {
    # ingest: one landing asset per source entity
    "raw/greenhouse_candidates": "ingest",
    "raw/greenhouse_applications": "ingest",
    "raw/greenhouse_jobs": "ingest",
    "raw/greenhouse_application_stages": "ingest",
    "raw/greenhouse_rejection_details": "ingest",
    "raw/greenhouse_prospect_details": "ingest",
    "raw/greenhouse_rejection_reasons": "ingest",
    "raw/greenhouse_job_interview_stages": "ingest",
    "raw/greenhouse_sources": "ingest",
    "raw/greenhouse_departments": "ingest",
    "raw/greenhouse_offices": "ingest",
    "raw/greenhouse_users": "ingest",
    "raw/greenhouse_custom_fields": "ingest",
    "raw/greenhouse_prospect_pools": "ingest",
    "raw/greenhouse_webhook_events": "ingest",
    "raw/greenhouse_candidate_deletions": "ingest",
    "raw/lever_opportunities": "ingest",
    "raw/lever_postings": "ingest",
    "raw/lever_archive_reasons": "ingest",
    "raw/lever_deleted_opportunities": "ingest",
    "raw/ashby_candidates": "ingest",
    "raw/ashby_jobs": "ingest",
    "raw/eventbrite_events": "ingest",
    "raw/eventbrite_attendees": "ingest",
    "raw/pdl_person_enrichments": "ingest",
    "raw/event_csv_registrations": "ingest",
    "raw/sourcing_profiles": "ingest",
    "raw/outreach_events": "ingest",
    "raw/hris_employees": "ingest",
    "raw/review_decisions": "ingest",
    # transform: identity resolution
    "identity/record_contacts": "identity",
    "identity/record_identifiers": "identity",
    "identity/match_edges": "identity",
    "identity/review_pairs": "identity",
    "identity/contact_merges": "identity",
    "identity/review_answers": "identity",
    # segments, hygiene/GDPR, matching, analytics
    "exports/touchpoints": "segments",
    "exports/verification_list": "hygiene",
    "gdpr/suppressed_records": "gdpr",
    "gdpr/retention_purge": "gdpr",
    "gdpr/suppression_list": "gdpr",
    "gdpr/audit_log": "gdpr",
    "hygiene/summary": "hygiene",
    "hygiene/stale_contact_enrichment": "hygiene",
    "matching/req_matches": "matching",
    "matching/ats_pushes": "matching",
    "analytics/talent_crm_report": "analytics",
    # publish: the read copy people query
    "published/read_copy": "published",
}

JOBS = {
    "crm_pipeline",
    "ingest_all",
    "greenhouse_sync",
    "greenhouse_reconciliation",
    "analytics_report",
    "nightly_hygiene",
    "monthly_enrichment",
    "req_match",
    "req_refresh",
    "match_backtest",
    "ats_push",
}

SCHEDULES = {
    "greenhouse_reconciliation": ("greenhouse_reconciliation", "0 1 * * *"),
    "nightly_crm_refresh": ("crm_pipeline", "0 2 * * *"),
    "nightly_hygiene": ("nightly_hygiene", "0 3 * * *"),
    "monthly_enrichment": ("monthly_enrichment", "0 4 1 * *"),
}

SENSORS = {"req_open_sensor": {"req_match", "req_refresh"}}

PYTHON_CHECKS = {
    ("exports/touchpoints", "no_blocked_contact_due"),
    ("matching/req_profiles", "match_backtest"),
    *(
        (key, "quarantine_share_below_2_percent")
        for key, g in PYTHON_ASSETS.items()
        if g == "ingest"
    ),
    # Nightly vendor feeds: a failed sync is reported by this check, not by a failed step.
    *(
        (key, "last_sync_succeeded")
        for key, g in PYTHON_ASSETS.items()
        if g == "ingest"
        and key.split("/")[1].startswith(("greenhouse_", "lever_", "ashby_", "eventbrite_"))
        # Not feeds: the spool landing, and the reconciliation (its own schedule fails its step).
        and key not in ("raw/greenhouse_webhook_events", "raw/greenhouse_candidate_deletions")
    ),
}


@pytest.fixture(scope="module")
def repo():
    from orchestration.definitions import defs

    return defs.get_repository_def()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def dbt_assets_expected(manifest: dict) -> dict[str, str]:
    return {
        f"{node['schema']}/{node['name']}": group_for(node["fqn"], node["resource_type"])
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }


def test_every_asset_key_and_group(repo, manifest) -> None:
    graph = repo.asset_graph
    loaded = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    expected = {**PYTHON_ASSETS, **dbt_assets_expected(manifest)}
    assert sorted(set(expected) - set(loaded)) == [], "assets dropped"
    assert sorted(set(loaded) - set(expected)) == [], "assets not pinned here"
    assert {k: v for k, v in loaded.items() if v != expected[k]} == {}, "groups moved"


def test_every_check(repo, manifest) -> None:
    checks = {(c.asset_key.to_user_string(), c.name) for c in repo.asset_graph.asset_check_keys}
    assert checks >= PYTHON_CHECKS
    # Every dbt test attached to one model is a check (singular tests over several models
    # still run inside `dbt build`, where a failure fails the step).
    attached = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n.get("attached_node")
    ]
    assert len(checks - PYTHON_CHECKS) == len(attached)


def test_jobs_schedules_sensors(repo) -> None:
    assert {job.name for job in repo.get_all_jobs() if not job.name.startswith("__")} == JOBS
    assert {s.name: (s.job_name, s.cron_schedule) for s in repo.schedule_defs} == SCHEDULES
    assert all(s.default_status == dg.DefaultScheduleStatus.STOPPED for s in repo.schedule_defs)
    assert {s.name: {t.job_name for t in s.targets} for s in repo.sensor_defs} == SENSORS


def selected(repo, job_name: str) -> set[str]:
    job = repo.get_job(job_name)
    return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}


def test_what_each_job_runs(repo) -> None:
    everything = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    # The nightly build runs everything but the destructive, billed and per-req steps, the
    # Greenhouse reconciliation (it pages every candidate id: its own schedule), and the
    # ledgers, which no run materializes: several writers append to them.
    assert everything - selected(repo, "crm_pipeline") == {
        "raw/greenhouse_candidate_deletions",
        "gdpr/audit_log",
        "gdpr/suppression_list",
        "gdpr/retention_purge",
        "hygiene/stale_contact_enrichment",
        "raw/pdl_person_enrichments",
        "matching/req_matches",
        # Writes into the ATSs: only on demand, per req (`talent-crm convert`).
        "matching/ats_pushes",
    }
    # PDL bills per match: no sync job asks it (only monthly_enrichment or an explicit run);
    # the Greenhouse reconciliation pages every candidate id, on its own schedule.
    ingest = {k for k, g in PYTHON_ASSETS.items() if g == "ingest"}
    assert selected(repo, "ingest_all") == ingest - {
        "raw/pdl_person_enrichments",
        "raw/greenhouse_candidate_deletions",
    }
    assert selected(repo, "greenhouse_reconciliation") == {"raw/greenhouse_candidate_deletions"}
    assert selected(repo, "greenhouse_sync") == {
        "raw/greenhouse_candidates",
        "raw/greenhouse_applications",
        "raw/greenhouse_jobs",
        "raw/greenhouse_application_stages",
        "raw/greenhouse_rejection_details",
        "raw/greenhouse_prospect_details",
        "raw/greenhouse_rejection_reasons",
        "raw/greenhouse_job_interview_stages",
        "raw/greenhouse_sources",
        "raw/greenhouse_departments",
        "raw/greenhouse_offices",
        "raw/greenhouse_users",
        "raw/greenhouse_custom_fields",
        "raw/greenhouse_prospect_pools",
    }
    assert selected(repo, "req_match") == {"matching/req_matches", "published/read_copy"}
    assert selected(repo, "ats_push") == {"matching/ats_pushes"}
    assert {
        "raw/greenhouse_webhook_events",
        "crm/reqs",
        "matching/req_profiles",
        "published/read_copy",
    } <= selected(repo, "req_refresh")
    assert {
        "gdpr/retention_purge",
        "exports/verification_list",
        "published/read_copy",
    } <= selected(repo, "nightly_hygiene")
    assert "hygiene/stale_contact_enrichment" not in selected(repo, "nightly_hygiene")
    assert selected(repo, "monthly_enrichment") == {
        "hygiene/stale_contact_enrichment",
        "hygiene/stale_contacts",
        "published/read_copy",
    }
    assert {"analytics/talent_crm_report", "published/read_copy"} <= selected(
        repo, "analytics_report"
    )
    # Jobs that change no mart do not publish.
    for job in ("ingest_all", "greenhouse_sync", "match_backtest"):
        assert "published/read_copy" not in selected(repo, job)


def test_the_read_copy_runs_after_every_mart_step_of_its_jobs(repo) -> None:
    """Publishing must see the run's final marts: in every job, the read-copy step depends on
    every other step that writes a mart table (or purges), and the report reads the copy."""
    from orchestration.defs.publish.assets import READ_COPY, mart_tables

    graph = repo.asset_graph
    upstream = graph.get(READ_COPY).parent_keys
    writers = set(mart_tables())
    assert writers <= upstream
    for key in ("crm/contacts", "matching/req_matches", "gdpr/retention_purge", "analytics/hires"):
        assert dg.AssetKey.from_user_string(key) in writers
    assert not any(key.path[0] in ("raw", "identity", "staging") for key in upstream)
    report = dg.AssetKey(["analytics", "talent_crm_report"])
    assert READ_COPY in graph.get(report).parent_keys
    # The copy is read from the pipeline file (in the pool); the report reads the copy (not).
    from orchestration.defs.analytics.assets import talent_crm_report
    from orchestration.defs.publish.assets import read_copy

    assert read_copy.op.pool == "duckdb_write"
    assert talent_crm_report.op.pool is None


def test_loading_the_code_location_leaves_the_environment_alone() -> None:
    """Importing the definitions must not rewrite os.environ (dbt's environment is set where
    dbt runs)."""
    import os
    import subprocess
    import sys

    # Names starting with "_" are libraries' own (polars sets its allocator's).
    probe = (
        "import os; before = dict(os.environ); import orchestration.definitions; "
        "print(sorted(k for k in set(before) | set(os.environ) "
        "if before.get(k) != os.environ.get(k) and not k.startswith('_')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "TALENT_CRM_DB"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
