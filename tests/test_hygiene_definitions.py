"""Hygiene/GDPR jobs and schedules in the code location, and the enrichment's no-key skip."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.defs.hygiene_gdpr.assets import (
    RETENTION_PURGE,
    STALE_ENRICHMENT,
    SUPPRESSED_RECORDS,
    stale_contact_enrichment,
)
from orchestration.resources import DuckDBWarehouse, source_credentials


def test_schedules_exist_stopped_and_full_pipeline_never_purges_or_pays():
    from orchestration.definitions import defs

    schedules = {s.name: s for s in defs.schedules}
    for name, job in (
        ("nightly_hygiene", "nightly_hygiene"),
        ("monthly_enrichment", "monthly_enrichment"),
    ):
        assert schedules[name].job_name == job
        assert schedules[name].default_status == dg.DefaultScheduleStatus.STOPPED
    graph = defs.resolve_asset_graph()
    full = defs.resolve_job_def("crm_pipeline").asset_layer.selected_asset_keys
    nightly = defs.resolve_job_def("nightly_hygiene").asset_layer.selected_asset_keys
    monthly = defs.resolve_job_def("monthly_enrichment").asset_layer.selected_asset_keys
    assert RETENTION_PURGE not in full and STALE_ENRICHMENT not in full
    assert SUPPRESSED_RECORDS in full  # the gate runs on every ingest
    assert {RETENTION_PURGE, SUPPRESSED_RECORDS, dg.AssetKey(["hygiene", "summary"])} <= nightly
    assert dg.AssetKey(["hygiene", "stale_contacts"]) in nightly
    assert dg.AssetKey(["gdpr", "outreach_eligibility"]) in nightly
    assert STALE_ENRICHMENT not in nightly and STALE_ENRICHMENT in monthly
    # outreach_eligibility is built after the suppression gate.
    assert (
        SUPPRESSED_RECORDS in graph.get(dg.AssetKey(["gdpr", "outreach_eligibility"])).parent_keys
    )


def test_enrichment_without_pdl_key_is_skipped_with_the_env_var_named(isolated_env, monkeypatch):
    monkeypatch.delenv("PDL_API_KEY", raising=False)
    db = isolated_env / "talent_crm.duckdb"
    result = dg.materialize(
        [stale_contact_enrichment],
        resources={
            "warehouse": DuckDBWarehouse(path=str(db)),
            "pdl_api": source_credentials("pdl"),
        },
        selection=[STALE_ENRICHMENT],
    )
    assert result.success
    meta = result.asset_materializations_for_node("hygiene__stale_contact_enrichment")[0].metadata
    assert "PDL_API_KEY" in meta["skip_reason"].value
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from raw.pdl_person_enrichments").fetchall() == [(0,)]
    con.close()
