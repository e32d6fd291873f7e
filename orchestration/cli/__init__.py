"""`talent-crm`: the command line, one module per command group.

- `sample.py`: `generate`, `sample-apis serve` (the simulator)
- `pipeline.py`: `demo`, `materialize`, `dev`, `dbt-parse`, `docs`, `summary`
- `gdpr.py`: `gdpr opt-out | erase | access | upstream`
- `matching.py`: `match`, `webhooks serve | open-sample-req`
- `sql.py`: `sql "<query>"` on the published read copy
- `review.py`: `review serve` (the recruiter review page), `review import <file.csv>`
- `conversion.py`: `convert <req> [--dry-run]` (approved matches into the req's ATS)
- `spark.py`: `spark-handover [--build]` (the dbt sources to Spark, for `dbt --target spark`)

Every subcommand that changes data runs the SAME Dagster jobs/assets the UI runs (one code
path), except the GDPR requests (see gdpr.py for why); the rest are conveniences around them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from orchestration import database, settings
from orchestration.cli import conversion, gdpr, matching, pipeline, review, sample, spark, sql


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talent-crm",
        description="Talent CRM: sample data, the pipeline, GDPR requests, req matching, queries.",
    )
    commands = parser.add_subparsers(required=True, metavar="command")
    for group in (sample, pipeline, gdpr, matching, review, conversion, sql, spark):
        group.register(commands)
    return parser


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (main() may run more than once
    in a process, e.g. under pytest, each time with another stderr)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def show_project_logs() -> None:
    """The project's INFO lines (e.g. waiting for a lock, naming the holder) on stderr. Not for
    commands that run Dagster jobs: the run's own logger prints them there."""
    project = logging.getLogger("talent_crm")
    if not project.handlers:
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
        project.addHandler(handler)
        project.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name, value in settings.TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
    if not getattr(args, "runs_dagster_jobs", False):
        show_project_logs()
    try:
        return int(args.handler(args) or 0)
    except database.DatabaseBusy as busy:  # who holds the file, in one line, not a traceback
        print(f"talent-crm: {busy}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
