"""`talent-crm sql "<query>"`: query the marts in the published read copy.

The read copy (TALENT_CRM_READ_DB, default data/talent_crm_read.duckdb) is what people read:
the pipeline never writes the file this opens, so a query here never waits for a run and never
makes one wait. The copy's age goes to stderr, the result to stdout.

`--pipeline-file` is the operators' way into what the copy leaves out (raw landing and sync
bookkeeping, identity internals): the pipeline's own file, opened read-only through the
lock-aware helper for the length of one query. It waits for a running step, and a step that
starts meanwhile waits for it, so use it between runs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime

import duckdb

from orchestration import database, settings


def register(commands: argparse._SubParsersAction) -> None:
    sql = commands.add_parser(
        "sql", help="query the marts (crm, segments, hygiene, gdpr, matching, analytics)"
    )
    sql.add_argument("query", help='e.g. "select count(*) from crm.contacts"')
    sql.add_argument("--csv", action="store_true", help="print the result as CSV")
    sql.add_argument(
        "--max-rows", type=int, default=40, help="rows shown in the table view (default 40)"
    )
    sql.add_argument(
        "--pipeline-file",
        action="store_true",
        help="operators, between runs: query the pipeline's own file (raw, identity) instead",
    )
    sql.set_defaults(handler=cmd_sql)


def describe_age(published_at: datetime, now: datetime | None = None) -> str:
    """`2026-11-26 02:14 UTC (3h 05m ago)`."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    minutes = max(int((now - published_at).total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    age = f"{days}d {hours}h" if days else f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
    return f"{published_at:%Y-%m-%d %H:%M} UTC ({age} ago)"


def cmd_sql(args: argparse.Namespace) -> int:
    if args.pipeline_file:
        db = settings.db_path()
        if not db.exists():
            print(f"no database at {settings.display_path(db)}", file=sys.stderr)
            return 2
        with database.opened(db, read_only=True) as con:
            return run_query(con, args)
    read_copy = settings.read_db_path()
    if not read_copy.exists():
        print(
            f"no read copy at {settings.display_path(read_copy)} yet: every run that changes "
            "the marts publishes it (e.g. `talent-crm materialize`)",
            file=sys.stderr,
        )
        return 2
    with database.opened(read_copy, read_only=True) as con:
        rows = con.execute("select published_at, reason from meta").fetchall()
        if rows:
            published = rows[0]
            print(
                f"read copy {settings.display_path(read_copy)}, published "
                f"{describe_age(published[0])} by {published[1]}",
                file=sys.stderr,
            )
        return run_query(con, args)


def run_query(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    try:
        if args.csv:
            _print_csv(con.execute(args.query))
        else:
            relation = con.sql(args.query)
            if relation is not None:  # None: a statement without a result (SET, ...)
                relation.show(max_rows=args.max_rows, max_width=200)
    except duckdb.Error as exc:
        print(str(exc).strip(), file=sys.stderr)  # DuckDB's message, not a traceback
        return 1
    return 0


def _print_csv(cursor: duckdb.DuckDBPyConnection) -> None:
    writer = csv.writer(sys.stdout)
    if cursor.description is None:
        return
    writer.writerow(column[0] for column in cursor.description)
    while rows := cursor.fetchmany(10_000):
        writer.writerows(rows)
