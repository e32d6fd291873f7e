"""The one lock-aware way to open DuckDB: it waits while another process holds the file, names
only the file when it gives up, and the GDPR commands use it (they once failed at once)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import duckdb
import pytest

from orchestration import database
from orchestration.cli import main


def _hold_write_lock(db: str, ready, release) -> None:
    con = duckdb.connect(db)
    ready.set()
    release.wait(60)
    con.close()


class LockHolder:
    """Another process (a pipeline run, an analyst's session) holding the database open."""

    def __init__(self, db: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.ready, self.release = ctx.Event(), ctx.Event()
        self.process = ctx.Process(
            target=_hold_write_lock, args=(str(db), self.ready, self.release)
        )

    def __enter__(self) -> LockHolder:
        self.process.start()
        assert self.ready.wait(60)
        return self

    def release_after(self, seconds: float) -> None:
        threading.Timer(seconds, self.release.set).start()

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.process.join(30)


def make_db(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create table t as select 1 as x")
    con.close()
    return path


def test_waits_for_the_lock_then_opens(tmp_path: Path) -> None:
    db = make_db(tmp_path / "talent_crm.duckdb")
    with LockHolder(db) as holder:
        holder.release_after(1.5)
        started = time.monotonic()
        with database.opened(db, read_only=True, wait_seconds=60) as con:
            assert con.execute("select x from t").fetchall() == [(1,)]
        assert time.monotonic() - started >= 1.0  # it really waited for the holder


def test_gives_up_with_a_message_naming_only_the_file(tmp_path: Path) -> None:
    db = make_db(tmp_path / "talent_crm.duckdb")
    with LockHolder(db), pytest.raises(database.DatabaseBusy) as busy:
        database.connect(db, wait_seconds=0.5)
    message = str(busy.value)
    assert "talent_crm.duckdb" in message and "waited" in message
    assert "PID" not in message and str(tmp_path) not in message


def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(duckdb.IOException):
        database.connect(tmp_path / "missing.duckdb", read_only=True, wait_seconds=30)
    assert time.monotonic() - started < 5


def test_gdpr_opt_out_waits_for_a_running_writer(isolated_env: Path, monkeypatch, capsys) -> None:
    from orchestration import settings

    monkeypatch.setenv(settings.PEPPER_ENV, "test-pepper-not-a-secret")
    db = make_db(settings.db_path())
    with LockHolder(db) as holder:
        holder.release_after(1.5)
        assert main(["gdpr", "opt-out", "--email", "someone@example.org"]) == 0
    assert "1 new hash(es)" in capsys.readouterr().out
