"""`talent-crm materialize --full-resync` works for every job the README documents it for.

It once failed every time, in seconds: the CLI set `full_resync` on every landing step, and
the PDL enrichment has no such option (DagsterInvalidConfigError). Now only the steps whose
config has it get it. Each documented job is run for real through the CLI on a small
generated market served by the sample APIs; a re-sync after a normal sync adds no rows.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.sample.market import generate_market
from orchestration.cli import main
from orchestration.cli.pipeline import full_resync_config
from tests.sample_pipeline import isolate_env, serving_market

pytestmark = pytest.mark.slow

# The README's recovery commands: `materialize --full-resync` (crm_pipeline), and the same for
# `--job ingest_all` and `--job greenhouse_sync`.
DOCUMENTED_JOBS = ("crm_pipeline", "ingest_all", "greenhouse_sync")


def job_def(name: str) -> dg.JobDefinition:
    from orchestration.definitions import defs

    return defs.resolve_job_def(name)


def takes_full_resync(node: dg.NodeDefinition) -> bool:
    field = node.config_schema.as_field() if node.config_schema else None
    return field is not None and "full_resync" in getattr(field.config_type, "fields", {})


@pytest.mark.parametrize("job_name", DOCUMENTED_JOBS)
def test_full_resync_config_is_valid_for_the_job(job_name: str) -> None:
    job = job_def(job_name)
    config = full_resync_config(job)
    assert dg.validate_run_config(job, config)  # raises DagsterInvalidConfigError otherwise
    ops = set(config["ops"])
    assert ops == {node.name for node in job.graph.node_defs if takes_full_resync(node)}
    assert ops and all(name.startswith("raw__") for name in ops)
    # Steps named raw__* without the option (the landing checks; PDL when a job selects it)
    # stay unconfigured: configuring one of them is what made the command fail.
    if job_name != "greenhouse_sync":
        assert any(
            n.name.startswith("raw__") and not takes_full_resync(n) for n in job.graph.node_defs
        )


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("resync_market")
    generate_market(root, contacts=120, seed=17, as_of="2026-11-01")
    return root


def raw_rows(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' "
            "and table_name not in ('batches', 'sync_cursors', 'processed_files') order by 1"
        ).fetchall()
        return {
            t: con.execute(f'select count(*) from raw."{t}"').fetchall()[0][0] for (t,) in tables
        }
    finally:
        con.close()


def last_batches_full_resync(db: Path) -> dict[str, bool]:
    """`source/entity` → whether its latest sync batch ignored the cursor."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select source || '/' || entity, arg_max(full_resync, started_at) "
            "from raw.batches group by 1"
        ).fetchall()
    finally:
        con.close()
    return {name: bool(flag) for name, flag in rows}


@pytest.mark.parametrize("job_name", ["ingest_all", "greenhouse_sync"])
def test_full_resync_of_a_landing_job_runs_and_adds_no_duplicates(
    job_name: str, market: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    data = isolate_env(monkeypatch, tmp_path / "data")
    db = data / "talent_crm.duckdb"
    with serving_market(monkeypatch, market):
        assert main(["materialize", "--job", job_name]) == 0
        before = raw_rows(db)
        assert main(["materialize", "--job", job_name, "--full-resync"]) == 0
    assert "FAILED" not in capsys.readouterr().err
    assert before and sum(before.values()) > 0
    assert raw_rows(db) == before  # every record was read again, none landed twice
    synced = last_batches_full_resync(db)
    assert synced and all(synced.values())


def test_full_resync_of_the_nightly_pipeline_runs(
    market: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    data = isolate_env(monkeypatch, tmp_path / "data")
    monkeypatch.setenv("TALENT_CRM_AS_OF", "2026-11-01")
    with serving_market(monkeypatch, market):
        assert main(["materialize", "--full-resync"]) == 0
    out = capsys.readouterr()
    assert "succeeded" in out.out and "FAILED" not in out.err
    synced = last_batches_full_resync(data / "talent_crm.duckdb")
    # Every cursor-keeping feed re-read from scratch; PDL has no cursor to forget.
    assert {name for name, full in synced.items() if not full} <= {
        "pdl/person_enrichments",
        "pdl/no_matches",
    }
    assert any(name.startswith("greenhouse/") for name in synced)
    # and the run published the read copy people query
    assert (data / "talent_crm_read.duckdb").exists()
