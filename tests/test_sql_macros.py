"""The dbt macros that hold rules shared by dbt models and Python-run SQL, rendered from Python
(orchestration/matching/sql_macros.py) and evaluated on an in-memory DuckDB: the engagement
formula and the GDPR Art. 14 deadline, pinned, and the backtest's pool query built from them."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from orchestration.matching.point_in_time import ENGAGEMENT_FACTS, pool_as_of_sql
from orchestration.matching.sql_macros import render_macro

FACTS = (
    "days_since_meaningful_action",
    "outreach_sent_count",
    "reply_count",
    "click_count",
    "days_since_last_contact",
    "months_in_current_job",
    "open_reqs_in_role_family",
)


def _engagement(con: duckdb.DuckDBPyConnection, *facts: object) -> tuple:
    values = ", ".join(
        f"{'null' if value is None else value} as {name}"
        for name, value in zip(FACTS, facts, strict=True)
    )
    components = render_macro("engagement_score", as_columns=True)
    score = render_macro("engagement_score")
    [row] = con.execute(
        f"select {components}, score, {render_macro('engagement_level', 'score')} "
        f"from (select *, {score} as score from (select {values}))"
    ).fetchall()
    return row


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # action, sent, replies, clicks, contact, months, open reqs -> 5 components, total, level
        ((30, 4, 1, 2, 90, 30, 6), (40, 10, 10, 15, 15, 90, "high")),
        ((31, 3, 3, 3, 91, 3, 2), (30, 20, 5, 5, 5, 65, "high")),
        ((365, 0, 0, 0, 365, 12, 5), (10, 0, 5, 0, 10, 25, "low")),
        ((366, 2, 0, 1, 366, 24, 0), (0, 5, 0, 15, 0, 20, "low")),
        ((None, 0, 0, 0, None, None, 0), (0, 0, 0, 0, 0, 0, "none")),
        ((100, 1, 1, 0, 40, 6, 3), (20, 20, 10, 0, 10, 60, "high")),
    ],
)
def test_engagement_formula(facts: tuple, expected: tuple) -> None:
    with duckdb.connect() as con:
        assert _engagement(con, *facts) == expected


@pytest.mark.parametrize(
    ("obtained", "first_outreach", "due"),
    [
        ("2026-01-31 10:00:00", None, date(2026, 2, 28)),  # one month, at a month's end
        ("2026-01-10 10:00:00", "2026-01-20 08:00:00", date(2026, 1, 20)),  # message first
        ("2026-01-10 10:00:00", "2026-03-01 08:00:00", date(2026, 2, 10)),
    ],
)
def test_art14_deadline(obtained: str, first_outreach: str | None, due: date) -> None:
    outreach = f"timestamp '{first_outreach}'" if first_outreach else "cast(null as timestamp)"
    expression = render_macro("art14_notice_due_on", f"timestamp '{obtained}'", outreach)
    with duckdb.connect() as con:
        [(got, overdue_next_day)] = con.execute(
            f"select {expression}, "
            + render_macro("art14_notice_is_overdue", expression, f"date '{due}' + 1")
        ).fetchall()
    assert got == due and overdue_next_day


def test_the_backtest_pool_uses_the_marts_rules() -> None:
    """The point-in-time pool is built from the rendered macros, not a copy of them."""
    sql = pool_as_of_sql()
    assert (
        render_macro(
            "art14_notice_deadlines",
            "gdpr.record_lawful_basis",
            "crm.interactions",
            before="$as_of",
        )
        in sql
    )
    assert "subject in ('gdpr-art14-notice')" in sql  # the dbt var, from dbt_project.yml
    assert render_macro("engagement_score", **ENGAGEMENT_FACTS) in sql


def test_a_macro_that_needs_dbt_is_refused() -> None:
    with pytest.raises(LookupError):
        render_macro("classify_by_rules", "title", "title_seniority_rules", "seniority")
