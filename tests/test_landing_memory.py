"""A landing run bounds DuckDB's memory and checkpoint rhythm, and gives the settings back."""

from __future__ import annotations

import duckdb
import pytest

from ingest.landing import LANDING_MEMORY_LIMIT_ENV, bounded_landing


def _settings(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    return con.execute(
        "select current_setting('memory_limit'), current_setting('wal_autocheckpoint')"
    ).fetchone()


def test_limits_apply_during_the_run_and_are_restored_exactly(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(LANDING_MEMORY_LIMIT_ENV, "128MB")
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    before = _settings(con)
    for _ in range(3):  # the default limit reads back rounded: it must not shrink run by run
        with bounded_landing(con):
            memory, wal = _settings(con)
            assert memory == "122.0 MiB" and wal == "61.0 MiB"
        assert _settings(con) == before
    con.execute("set memory_limit = '2GiB'")
    with bounded_landing(con):
        pass
    assert _settings(con)[0] == "2.0 GiB"


def test_limits_are_restored_when_the_run_fails(tmp_path) -> None:
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    before = _settings(con)
    with pytest.raises(RuntimeError), bounded_landing(con):
        raise RuntimeError("page failed")
    assert _settings(con) == before


def test_a_malformed_limit_names_the_env_var(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(LANDING_MEMORY_LIMIT_ENV, "lots")
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    with pytest.raises(ValueError, match=LANDING_MEMORY_LIMIT_ENV), bounded_landing(con):
        pass
