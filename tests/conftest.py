"""Shared fixtures: isolated database, data dir and Dagster home per test session/test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sample_pipeline import isolate_env

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data dir, database and DAGSTER_HOME; no real vendor credentials leak in."""
    yield isolate_env(monkeypatch, tmp_path / "data")
