"""The portable macros the marts use (dbt_project/macros/portable.sql, "Used by the marts",
and the analytics/segments helpers with a Spark version): every case is rendered by dbt for
both targets (`dbt compile --inline`, once per target for all cases, as in
test_portable_macros.py), run on DuckDB and on Spark on the same rows with nulls, and the
answers must be equal, in order (these macros promise an order), and be what the macro says.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.spark.render import compile_cases

CASES: dict[str, str] = {}


def case(name: str, sql: str) -> str:
    """Register a Jinja query under `name` (compiled with all the others)."""
    CASES[name] = sql
    return name


def _compile(target: str, monkeypatch: pytest.MonkeyPatch, duckdb_file: Path) -> list[str]:
    return compile_cases(list(CASES.values()), target, monkeypatch, duckdb_file)


@pytest.fixture(scope="module")
def rendered(spark, spark_dirs: Path) -> dict[str, tuple[str, str]]:
    """case name -> (DuckDB SQL, Spark SQL)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        scratch = spark_dirs / "marts_macro_tests.duckdb"
        on_duckdb = _compile("local", monkeypatch, scratch)
        on_spark = _compile("spark", monkeypatch, scratch)
    return dict(zip(CASES, zip(on_duckdb, on_spark, strict=True), strict=True))


def _plain(value: Any) -> Any:
    """One Python shape for both engines' values, order kept (structs as tuples)."""
    if isinstance(value, dict):  # a DuckDB struct
        return tuple(_plain(v) for v in value.values())
    if isinstance(value, tuple):  # a Spark struct (Row)
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def run_both(rendered, spark):
    """Run a case on DuckDB and on Spark; assert equal rows; return them."""

    def run(name: str) -> list[tuple]:
        duck_sql, spark_sql = rendered[name]
        on_duckdb = [_plain(tuple(row)) for row in duckdb.connect().execute(duck_sql).fetchall()]
        on_spark = [_plain(tuple(row)) for row in spark.sql(spark_sql).collect()]
        assert on_duckdb, "a case must produce rows to compare"
        assert on_spark == on_duckdb, f"\nDuckDB: {duck_sql}\nSpark:  {spark_sql}"
        return on_duckdb

    return run


# Input rows shared by the cases: id, a text, a list of text, a number, a timestamp.
ROWS = """
    select * from (values
        (1, 'a', 'g1', 3, timestamp '2026-01-31 10:00:00'),
        (2, cast(null as string), 'g1', 1, cast(null as timestamp)),
        (3, 'c', 'g1', cast(null as integer), timestamp '2024-02-29 23:59:59'),
        (4, 'a', 'g2', 2, timestamp '2026-03-01 00:00:00'),
        (5, cast(null as string), 'g3', 5, timestamp '1970-01-01 00:00:01')
    ) as input(id, x, grp, n, ts)
"""


LIST_SIZE_AND_ELEMENT = case(
    "list_size_and_element",
    f"""
        select
            id,
            {{{{ list_size(list_of([])) }}}} as empty_size,
            {{{{ list_size(
                "case when id = 2 then null else " ~ list_of(['x', "'z'"]) ~ " end"
            ) }}}} as size_or_null,
            {{{{ list_element(list_of(['x', "'z'"]), 1) }}}} as first,
            {{{{ list_element(list_of(['x']), 2) }}}} as past_end
        from ({ROWS}) as input
        order by id
    """,
)


def test_list_size_and_element(run_both):
    rows = run_both(LIST_SIZE_AND_ELEMENT)
    assert rows[0] == (1, 0, 2, "a", None)
    assert rows[1] == (2, 0, None, None, None)


LIST_TAIL_AND_HAS_ALL = case(
    "list_tail_and_has_all",
    f"""
        select
            id,
            {{{{ list_tail(list_of(['x', "'b'", "'c'"])) }}}} as tail_of_three,
            {{{{ list_tail(list_of(['x'])) }}}} as tail_of_one,
            {{{{ list_has_all(list_of(["'a'", "'c'"]), list_of(['x'])) }}}} as all_in,
            {{{{ list_has_all(list_of(["'a'"]), list_of(['x', "'a'"])) }}}} as all_in_a
        from ({ROWS}) as input
        order by id
    """,
)


def test_list_tail_and_has_all(run_both):
    rows = run_both(LIST_TAIL_AND_HAS_ALL)
    assert rows[0] == (1, ["b", "c"], [], True, True)
    # A null in the subset is ignored.
    assert rows[1] == (2, ["b", "c"], [], True, True)
    assert rows[2] == (3, ["b", "c"], [], True, False)


SORTED_DISTINCT_LIST_AGG_WITH_A_FILTER = case(
    "sorted_distinct_list_agg_with_a_filter",
    f"""
        select
            grp,
            {{{{ sorted_distinct_list_agg('x') }}}} as all_values,
            {{{{ sorted_distinct_list_agg('x', where='n > 2') }}}} as big_n_values
        from ({ROWS}) as input
        group by grp
        order by grp
    """,
)


def test_sorted_distinct_list_agg_with_a_filter(run_both):
    rows = run_both(SORTED_DISTINCT_LIST_AGG_WITH_A_FILTER)
    # g2: no row passes the filter -> null; g3: a row passes but its value is null -> [].
    assert rows == [
        ("g1", ["a", "c"], ["a"]),
        ("g2", ["a"], None),
        ("g3", [], []),
    ]


ORDERED_LIST_AGG_KEEPS_NULLS_AND_DUPLICATES = case(
    "ordered_list_agg_keeps_nulls_and_duplicates",
    f"""
        select
            {{{{ ordered_list_agg('x', ['n', 'id']) }}}} as by_n,
            {{{{ ordered_list_agg('id', ['ts']) }}}} as by_time,
            {{{{ ordered_list_agg('x', ['id'], where="grp = 'nothing'") }}}} as none_passing
        from ({ROWS}) as input
    """,
)


def test_ordered_list_agg_keeps_nulls_and_duplicates(run_both):
    rows = run_both(ORDERED_LIST_AGG_KEEPS_NULLS_AND_DUPLICATES)
    # n: 1 (id 2), 2 (id 4), 3 (id 1), 5 (id 5), null (id 3) last.
    assert rows == [([None, "a", "a", None, "c"], [5, 3, 1, 4, 2], None)]


STRUCT_PACK_AND_ARG_MIN = case(
    "struct_pack_and_arg_min",
    f"""
        select
            grp,
            {{{{ arg_min(
                struct_pack([('id', 'id'), ('x', 'x')]),
                struct_pack([('rank', 'coalesce(n, 99)')])
            ) }}}}.id as best_id,
            {{{{ arg_min('id', 'n') }}}} as id_of_smallest_n
        from ({ROWS}) as input
        group by grp
        order by grp
    """,
)


def test_struct_pack_and_arg_min(run_both):
    rows = run_both(STRUCT_PACK_AND_ARG_MIN)
    assert rows == [("g1", 2, 2), ("g2", 4, 4), ("g3", 5, 5)]


ORDERED_STRING_AGG = case(
    "ordered_string_agg",
    f"""
        select
            grp,
            {{{{ ordered_string_agg(
                "coalesce(x, '-') || ':' || cast(id as string)", "'; '", 'id desc'
            ) }}}} as text
        from ({ROWS}) as input
        group by grp
        order by grp
    """,
)


def test_ordered_string_agg(run_both):
    rows = run_both(ORDERED_STRING_AGG)
    assert rows == [("g1", "c:3; -:2; a:1"), ("g2", "a:4"), ("g3", "-:5")]


DATES = case(
    "dates",
    f"""
        select
            id,
            {{{{ add_days('ts', -1) }}}} as day_before,
            {{{{ add_days('ts', 'n') }}}} as plus_n,
            {{{{ days_between('ts', "date '2026-03-01'") }}}} as days_to_march,
            {{{{ months_between_dates('cast(ts as date)', "date '2026-03-01'") }}}}
                as months_to_march,
            {{{{ epoch_microseconds('ts') }}}} as micros
        from ({ROWS}) as input
        order by id
    """,
)


def test_dates(run_both):
    rows = run_both(DATES)
    assert rows[0] == (1, dt.date(2026, 1, 30), dt.date(2026, 2, 3), 29, 2, 1769853600000000)
    assert rows[1] == (2, None, None, None, None, None)
    assert rows[2][1:5] == (dt.date(2024, 2, 28), None, 731, 25)
    assert rows[4][5] == 1_000_000


COLUMNS_AS_JSON_KEEPS_NULLS = case(
    "columns_as_json_keeps_nulls",
    f"""
        select {{{{ columns_as_json(['id', 'x']) }}}} as details
        from ({ROWS}) as input
        where id <= 2
        order by id
    """,
)


def test_columns_as_json_keeps_nulls(run_both):
    rows = run_both(COLUMNS_AS_JSON_KEEPS_NULLS)
    assert rows == [('{"id":1,"x":"a"}',), ('{"id":2,"x":null}',)]


MONTH_SPINE = case(
    "month_spine",
    """
        select month_start
        from ({{ month_spine("date '2025-11-30'", "timestamp '2026-02-01 08:00:00'") }}) as spine
        order by month_start
    """,
)


def test_month_spine(run_both):
    rows = run_both(MONTH_SPINE)
    assert [row[0] for row in rows] == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
