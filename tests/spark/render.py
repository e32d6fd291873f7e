"""Render SQL snippets through dbt for one target (`dbt compile --inline`), so a macro test runs
exactly what a model would on DuckDB and on Spark."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR

CASE_SEPARATOR = "\n-- next macro case --\n"


def compile_cases(
    cases: list[str], target: str, monkeypatch: pytest.MonkeyPatch, duckdb_file: Path
) -> list[str]:
    """Each snippet as dbt renders it for `target`, in order (one dbt invocation for all)."""
    from dbt.cli.main import dbtRunner

    # The DuckDB target opens its file even to compile: a scratch one, not the market's.
    monkeypatch.setenv("TALENT_CRM_DB", str(duckdb_file))
    run = dbtRunner().invoke(
        [
            "compile",
            "--inline",
            CASE_SEPARATOR.join(cases),
            "--target",
            target,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--quiet",
        ]
    )
    assert run.success, f"dbt compile --target {target} failed: {run.exception}"
    compiled = run.result.results[0].node.compiled_code.split(CASE_SEPARATOR.strip())
    assert len(compiled) == len(cases)
    return [part.strip() for part in compiled]
