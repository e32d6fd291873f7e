"""One real `crm_pipeline` night that goes wrong in every way at once, on a generated market
served over loopback: Greenhouse answers 503 to everything, a signed poison web hook waits in
the spool, and People Data Labs is configured (its key is set). The night must still rebuild
every mart from the other sources, quarantine the poison, fail only Greenhouse's checks, and
never ask PDL (a billed call) outside its own schedule."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.greenhouse_webhooks import WebhookSpool
from ingest.sample.market import generate_market
from tests.sample_pipeline import run_crm_pipeline, serving_market

pytestmark = pytest.mark.slow

POISON = {
    "action": "job_created",
    "payload": {"job": {"id": {"nested": [1, 2]}, "opened_at": "not a date"}},
}


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> dict:
    from tests.sample_pipeline import isolate_env

    env = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("night")
    data = isolate_env(env, root / "data")
    # A dead vendor must not eat the night: a small retry budget keeps this test short.
    env.setenv("TALENT_CRM_HTTP_RETRY_BUDGET", "2")
    market = root / "market"
    generate_market(market, contacts=300, seed=11)
    WebhookSpool(data / "landing" / "greenhouse_webhooks").write(
        "evt-poison", "job_created", POISON
    )
    try:
        with serving_market(env, market) as apis:
            apis.greenhouse.inject_faults(["503"] * 1000)
            apis.pdl.clear_request_log()
            with dg.DagsterInstance.ephemeral() as instance:
                result = run_crm_pipeline(instance)
            pdl_requests = list(apis.pdl.request_log)
        yield {"result": result, "db": os.environ["TALENT_CRM_DB"], "pdl_requests": pdl_requests}
    finally:
        env.undo()


def query(db: str, sql: str) -> list[tuple]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_only_the_failed_source_fails(night) -> None:
    result = night["result"]
    assert not result.success
    failed = sorted(e.step_key for e in result.all_events if e.is_step_failure)
    assert failed and all("greenhouse" in step and "last_sync_succeeded" in step for step in failed)
    skipped = [e.step_key for e in result.all_events if e.is_step_skipped]
    assert skipped == []
    succeeded = {e.step_key for e in result.all_events if e.is_step_success}
    assert {"dbt_before_identity", "identity_resolution", "dbt_after_identity"} <= succeeded
    # The failed source says so in its metadata: the fix and how stale it is.
    [event] = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["raw", "greenhouse_jobs"])
    ]
    meta = event.materialization.metadata
    assert meta["sync_failed"].value is True
    assert "GREENHOUSE_BASE_URL" in meta["fix"].value
    assert meta["last_successful_sync"].value == "never"


def test_every_mart_is_rebuilt_from_the_other_sources(night) -> None:
    db = night["db"]
    sources = {r[0] for r in query(db, "select distinct source from crm.contact_sources")}
    assert "greenhouse" not in sources
    assert {"lever", "ashby", "eventbrite", "sourcing"} <= sources
    for table in (
        "crm.contacts",
        "crm.reqs",
        "gdpr.outreach_eligibility",
        "segments.contact_profiles",
    ):
        assert query(db, f"select count(*) from {table}")[0][0] > 0, table


def test_the_poison_web_hook_is_quarantined(night) -> None:
    db = night["db"]
    assert query(db, "select field from raw.quarantine where _entity = 'webhook_events'") == [
        ("job_id",)
    ]
    assert query(db, "select count(*) from raw.greenhouse_webhook_events") == [(0,)]


def test_pdl_is_never_asked_by_the_nightly_run(night) -> None:
    assert os.environ.get("PDL_API_KEY") is None  # the fixture restored the environment
    assert night["pdl_requests"] == []


def test_an_explicit_pdl_run_does_ask(tmp_path: Path, isolated_env, monkeypatch) -> None:
    """The counter above can fail: materializing the enrichment on purpose reaches the fake
    PDL server."""
    from orchestration.definitions import defs

    market = tmp_path / "market"
    generate_market(market, contacts=120, seed=4)
    with serving_market(monkeypatch, market) as apis:
        apis.pdl.clear_request_log()
        with dg.DagsterInstance.ephemeral() as instance:
            landed = defs.resolve_job_def("greenhouse_sync").execute_in_process(
                instance=instance, raise_on_error=False
            )
            assert landed.success
            explicit = defs.resolve_implicit_global_asset_job_def().execute_in_process(
                instance=instance,
                asset_selection=[dg.AssetKey(["raw", "pdl_person_enrichments"])],
                run_config={"ops": {"raw__pdl_person_enrichments": {"config": {"max_calls": 5}}}},
                raise_on_error=False,
            )
        assert explicit.success
        assert 0 < len(apis.pdl.request_log) <= 5
