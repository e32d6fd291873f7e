"""One small generated market run through the REAL pipeline (job crm_pipeline: every source,
identity, every dbt model, the report), built once per test session and shared by the
analytics and browser tests.

pytest-xdist runs tests in several worker processes: the first worker to get here builds the
market under a file lock in the session's shared temp root, the others wait and reuse it.
Every consumer gets its OWN copy of the database (`copy_market_into`), because DuckDB allows
one writing process and the browser test launches jobs that write.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.sample_pipeline import DB_FILE

READ_COPY_FILE = "talent_crm_read.duckdb"  # what the pipeline publishes beside DB_FILE

# `make screenshots` asks for a larger market (richer pictures for the README).
MARKET_CONTACTS = int(os.environ.get("TALENT_CRM_TEST_MARKET_CONTACTS", "500"))
MARKET_SEED = 8
# The market's "today": fixed, so every date rule (stale windows, months) is reproducible.
MARKET_AS_OF = "2026-11-01"

# A test-only key for the suppression hashes: with it the market runs the suppression gate (so
# gdpr.suppression_list exists and analytics.gdpr_health_* have a ledger to read), as make demo
# does with its public demo pepper. Never a real secret.
MARKET_PEPPER = "analytics-test-pepper-not-a-secret"


def _build(root: Path) -> None:
    from ingest.sample.market import generate_market
    from tests.sample_pipeline import isolate_env, run_crm_pipeline, serving_market

    with pytest.MonkeyPatch.context() as env:
        isolate_env(env, root / "data")
        env.setenv("TALENT_CRM_AS_OF", MARKET_AS_OF)
        env.setenv("TALENT_CRM_PEPPER", MARKET_PEPPER)
        market = root / "market"
        generate_market(market, contacts=MARKET_CONTACTS, seed=MARKET_SEED, as_of=MARKET_AS_OF)
        with serving_market(env, market):
            result = run_crm_pipeline()
        failed_checks = [
            f"{c.asset_key.to_user_string()}:{c.check_name}"
            for c in result.get_asset_check_evaluations()
            if not c.passed
        ]
        report = [
            m.materialization.metadata
            for m in result.get_asset_materialization_events()
            if m.asset_key.to_user_string() == "analytics/talent_crm_report"
        ]
    (root / "build.json").write_text(
        json.dumps(
            {
                "success": result.success,
                "failed_checks": failed_checks,
                "report_metadata": {
                    name: value.value
                    for name, value in (report[0].items() if report else [])
                    if isinstance(value.value, int | float | str)
                },
            }
        )
    )


def shared_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """(root, build summary) of the session's market, building it on first use."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's basetemp is <session root>/popen-gwN: share the session root.
    # Without xdist, the basetemp itself is the session root (its parent outlives the session).
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / "analytics_market"
    with open(shared / "analytics_market.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (root / "build.json").exists():
            if root.exists():
                shutil.rmtree(root)  # a half-built market from an interrupted run
            _build(root)
    return root, json.loads((root / "build.json").read_text())


def copy_market_into(root: Path, data_dir: Path) -> Path:
    """A private copy of the built database, its published read copy and the report exports
    under `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "data" / DB_FILE, data_dir / DB_FILE)
    read_copy = root / "data" / READ_COPY_FILE
    if read_copy.exists():
        shutil.copy2(read_copy, data_dir / READ_COPY_FILE)
    exports = root / "data" / "exports"
    if exports.exists():
        shutil.copytree(exports, data_dir / "exports", dirs_exist_ok=True)
    return data_dir / DB_FILE
