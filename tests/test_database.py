"""The one lock-aware way to open DuckDB: it waits while another process holds the file, says
at INFO who holds it, gives up after the configured limit with one line naming the holder's
PID and program and where analysts read instead, and the GDPR commands use it (they once
failed at once)."""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from pathlib import Path

import duckdb
import pytest

from orchestration import database
from orchestration.cli import main


def _hold_lock(db: str, read_only: bool, ready, release) -> None:
    con = duckdb.connect(db, read_only=read_only)
    ready.set()
    release.wait(60)
    con.close()


class LockHolder:
    """Another process (a pipeline run, an analyst's session) holding the database open."""

    def __init__(self, db: Path, read_only: bool = False) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.ready, self.release = ctx.Event(), ctx.Event()
        self.process = ctx.Process(
            target=_hold_lock, args=(str(db), read_only, self.ready, self.release)
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


class Captured(logging.Handler):
    """The `talent_crm` log records (pytest runs with `-p no:logging`, so no caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> Captured:
        self.logger = logging.getLogger("talent_crm")
        self.level = self.logger.level
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level)


def test_gives_up_with_one_line_naming_the_holder_and_the_read_copy(tmp_path: Path) -> None:
    db = make_db(tmp_path / "talent_crm.duckdb")
    with LockHolder(db) as holder, Captured() as logs, pytest.raises(database.DatabaseBusy) as busy:
        database.connect(db, wait_seconds=0.5)
    message = str(busy.value)
    assert "\n" not in message
    assert message.startswith("talent_crm.duckdb is held by PID ")
    assert f"PID {holder.process.pid} (python" in message  # the program's name, not its path
    assert "TALENT_CRM_LOCK_WAIT_SECONDS" in message
    assert message.endswith(f"analysts: use {tmp_path / 'talent_crm_read.duckdb'}")
    # While it waited it said so at INFO, naming the holder.
    waiting = [r.getMessage() for r in logs.records if r.levelno == logging.INFO]
    assert waiting and all(f"PID {holder.process.pid}" in line for line in waiting)


def test_a_reader_blocks_a_writer_until_it_lets_go(tmp_path: Path) -> None:
    db = make_db(tmp_path / "talent_crm.duckdb")
    with LockHolder(db, read_only=True) as holder, Captured() as logs:
        holder.release_after(1.5)
        database.wait_until_writable(db, wait_seconds=60)
    lines = [r.getMessage() for r in logs.records]
    assert any("locked by PID" in line for line in lines)
    assert any("lock released" in line for line in lines)


def test_steps_meeting_the_same_holder_share_one_deadline(tmp_path: Path) -> None:
    """A second step blocked by the same foreign holder does not start a new wait: a run
    fails after one limit, not after one limit per step."""
    db = make_db(tmp_path / "talent_crm.duckdb")
    with LockHolder(db):
        with pytest.raises(database.DatabaseBusy) as first:
            database.connect(db, wait_seconds=0.5)
        assert not first.value.deadline_shared
        with pytest.raises(database.DatabaseBusy) as second:
            database.connect(db, wait_seconds=600)
        assert second.value.deadline_shared
    # Once the holder is gone an open succeeds and forgets the ledger.
    database.connect(db).close()
    assert not (tmp_path / "talent_crm.duckdb.lockwait").exists()


def test_the_limit_comes_from_the_environment(monkeypatch) -> None:
    from orchestration import settings

    monkeypatch.setenv(settings.LOCK_WAIT_ENV, "12.5")
    assert settings.lock_wait_seconds() == 12.5
    monkeypatch.setenv(settings.LOCK_WAIT_ENV, "soon")
    with pytest.raises(ValueError, match=settings.LOCK_WAIT_ENV):
        settings.lock_wait_seconds()
    monkeypatch.delenv(settings.LOCK_WAIT_ENV)
    assert settings.lock_wait_seconds() == settings.DEFAULT_LOCK_WAIT_SECONDS


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


def test_gdpr_erase_gives_up_in_one_line_when_the_file_stays_held(
    isolated_env: Path, monkeypatch, capsys
) -> None:
    from orchestration import settings

    monkeypatch.setenv(settings.PEPPER_ENV, "test-pepper-not-a-secret")
    monkeypatch.setenv(settings.LOCK_WAIT_ENV, "0.5")
    db = make_db(settings.db_path())
    with LockHolder(db) as holder:
        assert main(["gdpr", "erase", "--email", "someone@example.org"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"talent-crm: talent_crm.duckdb is held by PID {holder.process.pid} (")
