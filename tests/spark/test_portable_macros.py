"""Each cross-adapter macro rendered by dbt for BOTH targets (`dbt compile --inline`, one
compile per target for all cases) and run on DuckDB and on Spark on the same small inputs,
nulls and garbage included: the results must be equal (compared as tests/spark/compare.py
normalises them: lists as sorted tuples, timestamps as ISO text)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.spark.compare import normal
from tests.spark.render import compile_cases


@dataclass(frozen=True)
class Case:
    """`sql`: a Jinja query over `rows` (`{rows}` is replaced by an inline table t(id, v)).
    `inputs`: SQL expressions for v, valid on both engines."""

    name: str
    sql: str
    inputs: tuple[str, ...] = ()


def expression(template: str) -> str:
    return f"select id, {template} as result from {{rows}}"


CASES = [
    Case(
        "json_text",
        expression("{{ json_text('v', 'a.b') }}"),
        (
            """'{"a":{"b":"x"}}'""",
            """'{"a":{"b":1.5}}'""",
            """'{"a":{"b":null}}'""",
            """'{"a":{}}'""",
            """'{"a":{"b":true}}'""",
            """'{"a":{"b":[1,2]}}'""",
            "null",
        ),
    ),
    Case(
        "json_text_indexed",
        expression("{{ json_text('v', 'list[0].name') }}"),
        (
            """'{"list":[{"name":"n"},{"name":"m"}]}'""",
            """'{"list":[]}'""",
            "null",
        ),
    ),
    Case(
        "json_value",
        expression("{{ json_text(json_value('v', 'a'), 'b') }}"),
        (
            """'{"a":{"b":"x"}}'""",
            """'{"a":[]}'""",
            """'{}'""",
            "null",
        ),
    ),
    Case(
        "json_scalar_text",
        expression("{{ json_scalar_text('v') }}"),
        (
            """'"a@x.org"'""",
            "'null'",
            "null",
        ),
    ),
    Case(
        "json_array_texts_key",
        expression("{{ json_array_texts('v', 'value') }}"),
        (
            """'[{"value":"a"},{"value":" "},{"value":null},{"x":1},{"value":"b"}]'""",
            "'[]'",
            "null",
        ),
    ),
    Case(
        "json_array_texts",
        expression("{{ json_array_texts('v') }}"),
        (
            """'["a","b",""]'""",
            "'[]'",
            "null",
        ),
    ),
    Case(
        "json_array_elements",
        "select t.id, e.position, {{ json_text('e.value', 'k') }} as k,"
        " {{ json_scalar_text('e.value') }} as s"
        " from {rows}, {{ json_array_elements('t.v') }} as e",
        ("""'[{"k":"x"},{"k":"y"}]'""", """'["p","q"]'""", "'[]'", "null"),
    ),
    Case(
        "iso_to_utc_timestamp",
        expression("{{ iso_to_utc_timestamp('v') }}"),
        (
            "'2024-01-02T03:04:05Z'",
            "'2024-01-02T03:04:05+02:00'",
            "'2024-01-02T03:04:05.123456Z'",
            "'2024-01-02 03:04:05'",
            "'2024-01-02'",
            "'garbage'",
            "null",
        ),
    ),
    Case(
        "epoch_ms_to_utc_timestamp",
        expression("{{ epoch_ms_to_utc_timestamp('v') }}"),
        (
            "'1700000000123'",
            "'0'",
            "'x'",
            "null",
        ),
    ),
    Case(
        "year_month_text_to_date",
        expression("{{ year_month_text_to_date('v') }}"),
        (
            "'2024'",
            "'2024-03'",
            "'2024-03-05'",
            "' 2024-03 '",
            "'next year'",
            "'2024-13'",
            "null",
        ),
    ),
    Case(
        "safe_text_to_integer",
        expression("{{ safe_text_to_integer('v') }}"),
        (
            "'42'",
            "' 7 '",
            "'-3'",
            "'12.5'",
            "'-2.5'",
            "'1e3'",
            "'x'",
            "'99999999999'",
            "null",
        ),
    ),
    Case(
        "displayable_text",
        expression("{{ displayable_text('v') }}"),
        (
            "'Ana'",
            "concat('A', chr(7), 'na')",
            "concat(chr(1), chr(31))",
            "''",
            "null",
        ),
    ),
    Case(
        "regexp_replace_all",
        expression("""{{ regexp_replace_all('v', "'[^a-z]+'", "' '") }}"""),
        ("'a1b22c'", "'abc'", "null"),
    ),
    Case(
        "regex_matches",
        expression("""{{ regex_matches('v', "'\\\\bgo\\\\b'") }}"""),
        (
            "'i like go'",
            "'golang'",
            "null",
        ),
    ),
    Case(
        "regex_extract_group",
        expression("""{{ regex_extract_group('v', "'class of (\\\\d{4})'") }}"""),
        ("'class of 2019'", "'none'", "null"),
    ),
    Case(
        "list_of_present",
        expression("""{{ list_of_present(['v', "'z'"]) }}"""),
        (
            "'a'",
            "null",
        ),
    ),
    Case(
        "list_concat",
        expression("""{{ list_concat(list_of_present(['v']), list_of(["'z'"])) }}"""),
        ("'a'", "null"),
    ),
    Case(
        "list_concat_null",
        expression(
            """{{ list_concat("cast(null as " ~ text_list_type() ~ ")","""
            """ list_of_present(['v'])) }}"""
        ),
        ("'a'", "null"),
    ),
    Case(
        "list_distinct",
        expression("""{{ list_distinct(list_of(['v', 'v', "'b'", 'cast(null as string)'])) }}"""),
        ("'a'", "'b'", "null"),
    ),
    Case(
        "list_contains",
        expression("""{{ list_contains(list_of_present(['v']), "'a'") }}"""),
        ("'a'", "'b'", "null"),
    ),
    Case(
        "unnest_list",
        """select id, {{ unnest_list(split_by_regex('v', "'\\\\s*[;,]\\\\s*'")) }} as piece"""
        " from {rows}",
        ("'a; b,c'", "'x'", "'a,'", "null"),
    ),
    Case(
        "sorted_distinct_list_agg",
        "select {{ sorted_distinct_list_agg('v') }} as kinds from {rows}",
        ("'b'", "'a'", "null", "'b'"),
    ),
    Case("empty_text_list", "select {{ empty_text_list() }} as empty"),
    Case("text_literal", """select {{ text_literal("it's a \\\\b 'test'") }} as literal"""),
    Case("columns_as_json", expression("{{ columns_as_json(['v']) }}"), ("'a'", "null")),
    Case(
        "add_months",
        expression("{{ add_months('cast(v as date)', 1) }}"),
        (
            "'2024-01-31'",
            "'2024-03-15'",
            "null",
        ),
    ),
]


def inline_rows(case: Case) -> str:
    if not case.inputs:
        return "(select 1 as id) as t"
    values = ", ".join(f"({index}, {value})" for index, value in enumerate(case.inputs, 1))
    return f"(values {values}) as t(id, v)"


def compile_for(target: str, monkeypatch: pytest.MonkeyPatch, duckdb_file: Path) -> list[str]:
    """Every case's SQL as dbt renders it for `target`, in CASES order."""
    sql = [case.sql.replace("{rows}", inline_rows(case)) for case in CASES]
    return compile_cases(sql, target, monkeypatch, duckdb_file)


@pytest.fixture(scope="module")
def rendered(spark, spark_dirs: Path) -> dict[str, tuple[str, str]]:
    """case name -> (DuckDB SQL, Spark SQL)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        scratch = spark_dirs / "macro_tests.duckdb"
        duck = compile_for("local", monkeypatch, scratch)
        on_spark = compile_for("spark", monkeypatch, scratch)
    return {
        case.name: pair for case, pair in zip(CASES, zip(duck, on_spark, strict=True), strict=True)
    }


def rows_of(results: list) -> list[tuple]:
    return sorted((tuple(normal(value) for value in row) for row in results), key=repr)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_macro_gives_the_same_result_on_both_engines(case: Case, rendered, spark) -> None:
    duck_sql, spark_sql = rendered[case.name]
    on_duckdb = rows_of(duckdb.connect().execute(duck_sql).fetchall())
    on_spark = rows_of([tuple(row) for row in spark.sql(spark_sql).collect()])
    assert on_duckdb, "a case must produce rows to compare"
    assert on_spark == on_duckdb, f"\nDuckDB: {duck_sql}\nSpark:  {spark_sql}"


def test_text_literal_keeps_quotes_and_backslashes(rendered, spark) -> None:
    _, spark_sql = rendered["text_literal"]
    assert spark.sql(spark_sql).collect()[0][0] == "it's a \\b 'test'"
