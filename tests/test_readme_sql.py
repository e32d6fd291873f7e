"""Every ```sql block of README.md runs against a database built by the real pipeline.

The README is where analysts copy their first queries from: a mart column renamed in dbt (or a
query written against a column that never existed) must fail here, not in someone's notebook.
The database is the session's shared generated market (tests/analytics_market.py: job
crm_pipeline on the sample APIs and drop folders), copied, plus one `req_match` run, because
the partitioned `matching/req_matches` is not part of crm_pipeline and the README queries it.
Analysts query the published read copy, so that is where the blocks run; a block whose first
line starts with `-- pipeline file` (operators' bookkeeping queries) runs on the pipeline's own
file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.analytics_market import MARKET_AS_OF, MARKET_PEPPER, copy_market_into, shared_market
from tests.sample_pipeline import isolate_env

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[1] / "README.md"
SQL_BLOCK = re.compile(r"^```sql[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
OTHER_BLOCK = re.compile(r"^```(?!sql\b)[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
# A query handed to DuckDB inside a Python snippet: `con.sql("select ...")`.
SQL_CALL = re.compile(r"""\.sql\(\s*(["'])(.+?)\1\s*\)""", re.DOTALL)
PIPELINE_FILE_MARK = "-- pipeline file"


def sql_blocks(markdown: str) -> list[str]:
    return SQL_BLOCK.findall(markdown)


def readme_queries(markdown: str) -> list[str]:
    """Every ```sql block, then every query a code snippet passes to `.sql(...)` (the
    how-to-connect example must not drift from the marts either)."""
    calls = [
        m.group(2) for block in OTHER_BLOCK.findall(markdown) for m in SQL_CALL.finditer(block)
    ]
    return sql_blocks(markdown) + calls


def first_line(block: str) -> str:
    return next((line.strip() for line in block.splitlines() if line.strip()), "<empty block>")


def failing_blocks(con: duckdb.DuckDBPyConnection, blocks: list[str]) -> list[str]:
    """One line per failing statement: the block's first line (how a reader finds it in the
    README), the statement's first line when that differs, and DuckDB's error."""
    failures = []
    for block in blocks:
        try:
            statements = [s.query for s in con.extract_statements(block)]
        except duckdb.Error as exc:
            failures.append(f"{first_line(block)}: {exc}")
            continue
        if not statements:
            failures.append(f"{first_line(block)}: the block holds no SQL statement")
        for statement in statements:
            try:
                con.execute(statement).fetchall()
            except duckdb.Error as exc:
                where = first_line(block)
                own = next(
                    (
                        line.strip()
                        for line in statement.splitlines()
                        if line.strip() and not line.strip().startswith("--")
                    ),
                    "",
                )
                failures.append(f"{where} [{own}]: {exc}" if own != where else f"{where}: {exc}")
    return failures


def match_one_open_req() -> None:
    """One `req_match` run on the current TALENT_CRM_DB, so `matching.req_matches` exists."""
    from orchestration import settings
    from orchestration.definitions import defs

    con = duckdb.connect(str(settings.db_path()), read_only=True)
    try:
        # Ids made of partition-safe characters only: their partition key is simply
        # `<source>-<id>` (the documented key format), with no escaping to reproduce here.
        row = con.execute(
            "select min(req_id) from crm.reqs "
            "where status = 'open' and regexp_full_match(req_id, '[a-z]+:[A-Za-z0-9._-]+')"
        ).fetchone()
    finally:
        con.close()
    assert row and row[0], "the shared market has no open req to match"
    key = row[0].replace(":", "-", 1)
    job = defs.resolve_job_def("req_match")
    assert job.partitions_def is not None
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(job.partitions_def.name, [key])
        result = job.execute_in_process(instance=instance, partition_key=key, raise_on_error=False)
    assert result.success, f"req_match for {key} failed"


@pytest.fixture(scope="module")
def readme_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root, build = shared_market(tmp_path_factory)
    assert build["success"], "the shared market did not build; see tests/test_analytics_marts.py"
    patch = pytest.MonkeyPatch()
    try:
        data = isolate_env(patch, tmp_path_factory.mktemp("readme_sql") / "data")
        # The market's own "today" and key, as the browser tests use them on the same copy.
        patch.setenv("TALENT_CRM_AS_OF", MARKET_AS_OF)
        patch.setenv("TALENT_CRM_PEPPER", MARKET_PEPPER)
        db = copy_market_into(root, data)
        match_one_open_req()
        yield db
    finally:
        patch.undo()


def test_readme_has_sql_blocks() -> None:
    # Guards the extraction itself: a changed fence style must not turn the test into a no-op.
    markdown = README.read_text(encoding="utf-8")
    assert len(sql_blocks(markdown)) >= 5
    assert len(readme_queries(markdown)) > len(sql_blocks(markdown))  # the connect snippet's


def test_queries_inside_python_snippets_are_extracted() -> None:
    markdown = (
        "```bash\npython - <<'PY'\nprint(con.sql(\"select 1 as x\"))\nPY\n```\n\n"
        "```sql\nselect 2;\n```\n"
    )
    assert readme_queries(markdown) == ["select 2;\n", "select 1 as x"]


def on_pipeline_file(block: str) -> bool:
    return first_line(block).startswith(PIPELINE_FILE_MARK)


def test_every_readme_sql_block_runs_on_a_pipeline_database(readme_db: Path) -> None:
    from orchestration import settings

    blocks = readme_queries(README.read_text(encoding="utf-8"))
    failures = []
    for db, wanted in ((settings.read_db_path(readme_db), False), (readme_db, True)):
        con = duckdb.connect(str(db), read_only=True)
        try:
            failures += failing_blocks(con, [b for b in blocks if on_pipeline_file(b) == wanted])
        finally:
            con.close()
    assert not failures, "README.md sql blocks that fail:\n" + "\n".join(failures)


def test_the_read_copy_holds_what_the_analyst_queries_need(readme_db: Path) -> None:
    """Only the bookkeeping blocks need the pipeline file; everything else is in the copy."""
    blocks = readme_queries(README.read_text(encoding="utf-8"))
    marked = [b for b in blocks if on_pipeline_file(b)]
    assert marked and all("raw." in b for b in marked)
    assert not any("raw." in b for b in blocks if not on_pipeline_file(b))


def test_a_broken_query_is_reported_with_its_block_first_line() -> None:
    markdown = (
        "```sql\n-- fine\nselect 1 as x;\n```\n\n"
        "```sql\n-- a column that does not exist\nselect 1 as x;\n"
        "select company from (select 1 as x);\n```\n"
    )
    con = duckdb.connect()
    try:
        failures = failing_blocks(con, sql_blocks(markdown))
    finally:
        con.close()
    assert len(failures) == 1
    assert failures[0].startswith("-- a column that does not exist [select company")
