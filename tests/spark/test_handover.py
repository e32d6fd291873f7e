"""The hand-over's type mapping: a DuckDB table with the types the landing uses (JSON,
128-bit hash keys, UTC timestamps, nested lists of structs, UUIDs, enums) reads back on Spark
with the same values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from orchestration import spark_handover
from orchestration.spark_handover import SourceTable

TABLE = SourceTable("handover_check", "typed")


def test_landing_types_read_back_on_spark_with_the_same_values(spark, spark_dirs: Path) -> None:
    db = spark_dirs / "handover_types.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema handover_check")
        con.execute(
            """create table handover_check.typed as select
                '{"b": [1, 2], "a": "x"}'::json as record,
                340282366920938463463374607431768211455::uhugeint as landing_key,
                timestamp '2026-03-29 01:30:00.123456' as fetched_at,
                [{'note': '{"k": 1}'::json, 'at': timestamp '2026-01-01 00:00:00'}] as history,
                '8a1f6ce0-3b8e-4c39-9a07-3f6a2c1d9e11'::uuid as request_id,
                'hired'::enum ('hired', 'rejected') as outcome,
                4000000000::uinteger as big_count"""
        )
    result = spark_handover.export_sources(db, spark_dirs / "handover_types", [TABLE])
    assert result.exported == [(TABLE, 1)] and not result.missing
    spark_handover.register_tables(spark, [TABLE], spark_dirs / "handover_types")

    row = spark.table(TABLE.qualified).collect()[0]
    assert row.record == '{"b": [1, 2], "a": "x"}'  # the JSON text as landed
    assert row.landing_key == "340282366920938463463374607431768211455"
    assert row.fetched_at == dt.datetime(2026, 3, 29, 1, 30, 0, 123456)  # no zone shift
    assert row.history[0].note == '{"k": 1}'
    assert row.history[0].at == dt.datetime(2026, 1, 1)
    assert row.request_id == "8a1f6ce0-3b8e-4c39-9a07-3f6a2c1d9e11"
    assert row.outcome == "hired"
    assert row.big_count == 4000000000
    assert spark.table(TABLE.qualified).schema["fetched_at"].dataType.simpleString() == "timestamp"


def test_every_declared_source_is_handed_over_by_name() -> None:
    tables = spark_handover.source_tables()
    names = {table.qualified for table in tables}
    # Declared under an `identifier` (lever's `opportunities`) or under the table's own name.
    assert {"raw.lever_opportunities", "identity.record_contacts", "gdpr.audit_log"} <= names
    assert len(names) == len(tables)
