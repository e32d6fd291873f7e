"""Shared fixtures: isolated database, data dir and Dagster home per test session/test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data dir, database and DAGSTER_HOME; no real vendor credentials leak in."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("TALENT_CRM_DATA_DIR", str(data))
    monkeypatch.setenv("TALENT_CRM_DB", str(data / "talent_crm.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    from orchestration import settings

    settings.dagster_home()  # creates it with the project's dagster.yaml (pool limits)
    for var in list(os.environ):
        if var.endswith(("_API_KEY", "_BASE_URL")):
            monkeypatch.delenv(var, raising=False)
    yield data
