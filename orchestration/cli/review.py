"""`talent-crm review serve` (the recruiter review page) and `talent-crm review import` (an
outreach export with a `decision` column). Both only write decision files to the spool; the
asset `raw/review_decisions` (any pipeline run, or `talent-crm materialize`) lands them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration import settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="recruiter review: the page and the CSV import")
    actions = review.add_subparsers(required=True, metavar="action")
    serve = actions.add_parser("serve", help="serve the review page until Ctrl-C")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"bind address ({DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT})")
    serve.add_argument(
        "--reviewer", help=f"your name on every decision (or {settings.REVIEWER_ENV})"
    )
    serve.set_defaults(handler=cmd_serve)
    imp = actions.add_parser("import", help="record the decisions of an edited outreach export")
    imp.add_argument("file", type=Path, help="outreach_<ts>.csv with a decision column added")
    imp.add_argument("--reviewer", help=f"your name on every decision (or {settings.REVIEWER_ENV})")
    imp.add_argument("--req", help="the req (<source>:<id>) when the file left its export folder")
    imp.set_defaults(handler=cmd_import)


def _reviewer(args: argparse.Namespace) -> str | None:
    name = settings.reviewer(args.reviewer)
    if name is None:
        print(
            f"say who is reviewing: --reviewer NAME or {settings.REVIEWER_ENV}=NAME",
            file=sys.stderr,
        )
    return name


def cmd_serve(args: argparse.Namespace) -> int:
    from orchestration.review.app import ReviewConfig, ReviewServer, allowed_hosts_for

    reviewer = _reviewer(args)
    if reviewer is None:
        return 2
    config = ReviewConfig(
        read_db=settings.read_db_path(),
        spool_root=settings.review_decisions_spool_dir(),
        exports_root=settings.exports_dir(),
        reviewer=reviewer,
        allowed_hosts=allowed_hosts_for(args.host),
    )
    server = ReviewServer((args.host, args.port), config)
    print(
        f"review page on {server.url} (reads {settings.display_path(config.read_db)}, decisions "
        f"to {settings.display_path(config.spool_root)}; Ctrl-C stops)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ingest.review_decisions import DecisionSpool
    from orchestration.review.csv_import import CsvImportError, import_decisions
    from orchestration.review.queries import ReadCopyMissing

    reviewer = _reviewer(args)
    if reviewer is None:
        return 2
    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        result = import_decisions(
            args.file,
            spool=DecisionSpool(settings.review_decisions_spool_dir()),
            read_db=settings.read_db_path(),
            reviewer=reviewer,
            req_id=args.req,
        )
    except (CsvImportError, ReadCopyMissing) as exc:
        print(f"talent-crm review import: {exc}", file=sys.stderr)
        return 2
    for problem in result.problems:
        print(f"{args.file.name}: {problem}", file=sys.stderr)
    print(
        f"{result.req_id}: {result.recorded} decisions recorded, {len(result.problems)} rows "
        f"refused, {result.undecided} rows without a decision; they land with the next "
        "pipeline run (asset raw/review_decisions)"
    )
    return 1 if result.problems else 0
