"""Identical inputs give identical identity tables: the stored match edges do not depend on
the physical order DuckDB happens to scan the person records in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest.sample.identity_records import build_person_records
from ingest.sample.market import generate_market
from orchestration.identity.store import PERSON_RECORDS_TABLE, resolve_and_store

NOW = datetime(2026, 12, 1)


def edges_after_fresh_run(db: Path, records, order: str) -> list[tuple]:
    con = duckdb.connect(str(db))
    try:
        con.execute("create schema if not exists intermediate")
        con.register("_records", records.to_arrow())
        con.execute(
            f"create or replace table {PERSON_RECORDS_TABLE} as "
            f"select * from _records order by {order}"
        )
        resolve_and_store(con, now=NOW)
        return con.execute("select * from identity.match_edges order by all").fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_match_edges_are_the_same_whatever_the_scan_order(tmp_path: Path) -> None:
    market = tmp_path / "market"
    generate_market(market, contacts=400, seed=8)
    records = build_person_records(market)
    first = edges_after_fresh_run(tmp_path / "a.duckdb", records, "record_key")
    second = edges_after_fresh_run(tmp_path / "b.duckdb", records, "md5(record_key)")
    third = edges_after_fresh_run(tmp_path / "c.duckdb", records, "record_key desc")
    assert first and first == second == third
