"""`talent-crm`: the command line, one module per command group.

- `sample.py`: `generate`, `sample-apis serve` (the simulator)
- `pipeline.py`: `demo`, `materialize`, `dev`, `dbt-parse`, `docs`, `summary`
- `gdpr.py`: `gdpr opt-out | erase | access`
- `matching.py`: `match`, `webhooks serve | open-sample-req`

Every subcommand that changes data runs the SAME Dagster jobs/assets the UI runs (one code
path), except the GDPR requests (see gdpr.py for why); the rest are conveniences around them.
"""

from __future__ import annotations

import argparse
import os

from orchestration import settings
from orchestration.cli import gdpr, matching, pipeline, sample


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talent-crm",
        description="Talent CRM: sample data, the pipeline, GDPR requests, req matching.",
    )
    commands = parser.add_subparsers(required=True, metavar="command")
    for group in (sample, pipeline, gdpr, matching):
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name, value in settings.TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
