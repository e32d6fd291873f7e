"""The published read copy, on real DuckDB files and real processes: what it holds, that a
reader of the old copy keeps a consistent view while a new one is swapped in and sees the new
one on reconnect, that it waits for a writer like every open, that a killed publisher's draft
does not survive, and `talent-crm sql`."""

from __future__ import annotations

import multiprocessing
import stat
import threading
from pathlib import Path

import duckdb

from orchestration import publish, settings
from orchestration.cli import main


def make_pipeline_db(path: Path, contacts: int = 3) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create schema identity; create schema crm")
    con.execute("create schema analytics")
    con.execute("create table raw.greenhouse_candidates as select 'full record' as _record")
    con.execute("create table identity.identity_map as select 'rk' as record_key")
    con.execute(
        f"create table crm.contacts as select 'ct_' || i as contact_id, "
        f"'person' || i || '@example.org' as primary_email from range({contacts}) t(i)"
    )
    con.execute("create view crm.contactable as select * from crm.contacts")
    con.execute("create table analytics.hires as select 1 as hires")
    con.close()
    return path


def add_contact(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("insert into crm.contacts values ('ct_new', 'new@example.org')")
    con.close()


def test_the_copy_holds_the_marts_only_with_views_as_tables_and_a_meta_row(tmp_path: Path):
    db = make_pipeline_db(tmp_path / "talent_crm.duckdb")
    published = publish.publish_read_copy(db, reason="crm_pipeline", run_id="run-1")
    assert published.path == tmp_path / "talent_crm_read.duckdb"
    con = duckdb.connect(str(published.path), read_only=True)
    try:
        relations = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "order by 1, 2"
        ).fetchall()
        meta = con.execute("select reason, dagster_run_id, tables, rows, schemas from meta")
        meta_row = meta.fetchall()[0]
    finally:
        con.close()
    assert relations == [
        ("analytics", "hires", "BASE TABLE"),
        ("crm", "contactable", "BASE TABLE"),
        ("crm", "contacts", "BASE TABLE"),
        ("main", "meta", "BASE TABLE"),
    ]
    assert meta_row == ("crm_pipeline", "run-1", 3, 7, ["analytics", "crm"])
    assert (published.tables, published.rows) == (3, 7)
    # Finished, nothing beside it: no write-ahead log, no draft, read-only on disk.
    assert not Path(f"{published.path}.wal").exists()
    assert publish.drafts(published.path) == []
    assert not published.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert publish.read_copy_meta(published.path)["reason"] == "crm_pipeline"


def _reader(path: str, asked, answers) -> None:
    """An analyst's session: one read-only connection, queried on request; 'reconnect'
    closes it and opens the file again."""
    con = duckdb.connect(path, read_only=True)
    while (question := asked.get(timeout=60)) != "stop":
        if question == "reconnect":
            con.close()
            con = duckdb.connect(path, read_only=True)
        rows = con.execute("select count(*), max(m.published_at) from crm.contacts, meta m")
        answers.put(rows.fetchall()[0])
    con.close()


def test_a_reader_keeps_its_view_during_a_publish_and_sees_the_new_copy_on_reconnect(
    tmp_path: Path,
):
    db = make_pipeline_db(tmp_path / "talent_crm.duckdb")
    first = publish.publish_read_copy(db, reason="first")
    ctx = multiprocessing.get_context("spawn")
    asked, answers = ctx.Queue(), ctx.Queue()
    reader = ctx.Process(target=_reader, args=(str(first.path), asked, answers))
    reader.start()
    try:
        asked.put("ask")
        before = answers.get(timeout=60)
        assert before == (3, first.published_at)
        # The pipeline changes and republishes while the reader holds the old copy open.
        add_contact(db)
        second = publish.publish_read_copy(db, reason="second")
        asked.put("ask")
        assert answers.get(timeout=60) == before  # the same, consistent view
        asked.put("reconnect")
        assert answers.get(timeout=60) == (4, second.published_at)
        asked.put("stop")
    finally:
        reader.join(30)
        if reader.is_alive():
            reader.kill()
    assert reader.exitcode == 0


def _hold(db: str, ready, release) -> None:
    con = duckdb.connect(db)
    ready.set()
    release.wait(60)
    con.close()


def test_publishing_waits_for_a_writer_of_the_pipeline_file(tmp_path: Path):
    db = make_pipeline_db(tmp_path / "talent_crm.duckdb")
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    writer = ctx.Process(target=_hold, args=(str(db), ready, release))
    writer.start()
    try:
        assert ready.wait(60)
        threading.Timer(1.5, release.set).start()
        published = publish.publish_read_copy(db, reason="after the writer")
    finally:
        release.set()
        writer.join(30)
    assert published.rows == 7


def test_a_killed_publishers_draft_is_removed_by_the_next_publish(tmp_path: Path):
    db = make_pipeline_db(tmp_path / "talent_crm.duckdb")
    read_path = settings.read_db_path(db)
    # What a publisher killed half-way leaves: its draft folder with a partial copy, which may
    # hold data an erasure has since removed.
    leftover = read_path.parent / f".{read_path.name}{publish.DRAFT_MARK}killed"
    leftover.mkdir()
    (leftover / read_path.name).write_bytes(b"erased.person@example.org")
    assert publish.drafts(read_path) == [leftover]
    publish.publish_read_copy(db, reason="next")
    assert publish.drafts(read_path) == []
    assert sorted(p.name for p in tmp_path.iterdir() if "read" in p.name) == [
        ".talent_crm_read.duckdb.lock",
        "talent_crm_read.duckdb",
    ]


def test_withdrawing_leaves_no_copy(tmp_path: Path):
    db = make_pipeline_db(tmp_path / "talent_crm.duckdb")
    published = publish.publish_read_copy(db, reason="x")
    publish.withdraw_read_copy(published.path)
    assert not published.path.exists() and publish.drafts(published.path) == []


def test_the_read_copy_path_follows_the_pipeline_file_unless_configured(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.DB_ENV, str(tmp_path / "crm_data.duckdb"))
    monkeypatch.delenv(settings.READ_DB_ENV, raising=False)
    assert settings.read_db_path() == tmp_path / "crm_data_read.duckdb"
    monkeypatch.setenv(settings.READ_DB_ENV, str(tmp_path / "shared" / "marts.duckdb"))
    assert settings.read_db_path() == tmp_path / "shared" / "marts.duckdb"
    # Another pipeline file (a test's, a rewrite's) keeps its own sibling copy.
    assert settings.read_db_path(tmp_path / "other.duckdb") == tmp_path / "other_read.duckdb"


def test_talent_crm_sql_queries_the_read_copy(isolated_env: Path, capsys):
    assert main(["sql", "select count(*) as n from crm.contacts"]) == 2  # nothing published
    assert "no read copy" in capsys.readouterr().err
    db = make_pipeline_db(settings.db_path())
    publish.publish_read_copy(db, reason="crm_pipeline")
    assert main(["sql", "select count(*) as contacts from crm.contacts"]) == 0
    out = capsys.readouterr()
    assert "contacts" in out.out and "3" in out.out
    assert "published" in out.err and "by crm_pipeline" in out.err
    assert main(["sql", "select contact_id from crm.contacts order by 1", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["contact_id", "ct_0", "ct_1", "ct_2"]
    # raw is not published; the error is DuckDB's message, not a traceback
    assert main(["sql", "select * from raw.greenhouse_candidates"]) == 1
    err = capsys.readouterr().err
    assert "raw" in err and "Traceback" not in err
    # the copy is read-only
    assert main(["sql", "delete from crm.contacts"]) == 1


def test_the_analyst_hint_belongs_to_the_pipeline_file_only(tmp_path: Path):
    from orchestration import database

    db = make_pipeline_db(tmp_path / "talent_crm.duckdb")
    copy = publish.publish_read_copy(db, reason="x").path
    assert database._analyst_hint(db).endswith("talent_crm_read.duckdb")
    assert database._analyst_hint(copy) == ""
