"""`talent-crm gdpr opt-out | erase | access | upstream`: data-subject requests from the command
line.

These call the plain-Python GDPR functions directly instead of launching a Dagster run: a run's
config is stored in the Dagster instance and shown in the UI, and the identifiers of a person
asking to be forgotten must not be copied there. The same functions back the Dagster assets
(retention purge, suppression gate), so there is still one implementation. Output is counts,
ids and paths only — never the identifiers given.

`erase` also carries the erasure to the ATSs the person came from (orchestration/gdpr/
upstream.py) once the local erasure is done, and prints per ATS record what happened; `upstream`
works through the requests still open (retries, confirmations) and lists the manual actions.
ATS writes need TALENT_CRM_ATS_WRITES=1; without it both only record what would be sent.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from orchestration import database, settings

# Public, so never for real personal data: only `make demo` uses it, when no pepper is set.
DEMO_PEPPER = "talent-crm-demo-pepper-not-a-secret"


def use_demo_pepper_if_unset() -> None:
    if not os.environ.get(settings.PEPPER_ENV):
        os.environ[settings.PEPPER_ENV] = DEMO_PEPPER
        print(
            f"demo: {settings.PEPPER_ENV} not set — using the public demo pepper (sample data only)"
        )


def register(commands: argparse._SubParsersAction) -> None:
    gdpr = commands.add_parser("gdpr", help="data-subject requests: opt-out, erase, access")
    actions = gdpr.add_subparsers(required=True, metavar="action")

    opt_out = actions.add_parser(
        "opt-out", help="objection to contact (Art. 21): suppress by keyed hash"
    )
    _identifier_args(opt_out, contact_id=False)
    opt_out.set_defaults(handler=cmd_opt_out)

    erase = actions.add_parser("erase", help="erasure (Art. 17): remove every copy, suppress")
    _identifier_args(erase, contact_id=True)
    erase.set_defaults(handler=cmd_erase)

    access = actions.add_parser("access", help="access (Art. 15): one JSON of everything held")
    _identifier_args(access, contact_id=True)
    access.set_defaults(handler=cmd_access)

    upstream = actions.add_parser(
        "upstream",
        help="erasures owed to the ATSs (Art. 17(2)/19): retry pending, list manual actions",
    )
    upstream.add_argument(
        "--retry-manual",
        action="store_true",
        help="also re-send requests an ATS refused (after fixing a scope or archiving)",
    )
    upstream.set_defaults(handler=cmd_upstream)


def _identifier_args(parser: argparse.ArgumentParser, *, contact_id: bool) -> None:
    parser.add_argument("--email", action="append", default=[], help="repeatable")
    parser.add_argument("--profile-url", action="append", default=[], help="repeatable")
    if contact_id:
        parser.add_argument("--contact-id", action="append", default=[], help="repeatable")


def _finder(args: argparse.Namespace) -> dict[str, list[str]]:
    finder = {"emails": args.email, "profile_urls": args.profile_url}
    if getattr(args, "contact_id", None):
        finder["contact_ids"] = args.contact_id
    if not any(finder.values()):
        raise SystemExit("give at least one --email, --profile-url or --contact-id")
    return finder


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _db():
    db = settings.db_path()
    if not db.exists():
        raise SystemExit(f"no database at {db} (set {settings.DB_ENV})")
    return db


def cmd_opt_out(args: argparse.Namespace) -> int:
    from orchestration.gdpr.hashing import MissingPepperError
    from orchestration.gdpr.suppression import REASON_OBJECTION, add_hashes, identifier_hashes

    finder = _finder(args)
    try:
        hashes = identifier_hashes(finder["emails"], finder["profile_urls"])
    except MissingPepperError as error:
        print(str(error), file=sys.stderr)
        return 2
    if not hashes:
        print("nothing to suppress: no valid e-mail or profile URL given", file=sys.stderr)
        return 2
    with database.opened(_db()) as con:
        added = add_hashes(con, hashes, REASON_OBJECTION, _now())
    print(
        f"suppression list: {added} new hash(es) ({len(hashes) - added} already present). "
        "Outreach is blocked from the next crm_pipeline / nightly_hygiene run, and sourcing "
        "feeds will not re-create this person."
    )
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from orchestration.gdpr.erasure import erase
    from orchestration.gdpr.hashing import MissingPepperError

    finder = _finder(args)
    try:
        report = erase(_db(), settings.data_dir(), action="erasure", now=_now(), **finder)
    except MissingPepperError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(
        f"erasure {report.audit_id}: {report.contacts_removed} contact(s), "
        f"{report.total_rows} row(s) removed in {report.seconds:.1f}s"
    )
    for table, rows in sorted(report.rows_removed.items()):
        print(f"  {table:<40} {rows:>7,}")
    print(
        f"  files rewritten: {len(report.files_rewritten)}; suppression hashes added: "
        f"{report.hashes_added}; database file rewritten: {report.database_rewritten}; "
        f"read copy republished: {report.read_copy_published}"
    )
    print_upstream(report.upstream)
    if report.residual_bytes_found:
        print("WARNING: identifying bytes still found in the database file", file=sys.stderr)
        return 1
    return 0


def print_upstream(results: list) -> None:
    """Per ATS record: system, id, state, and what to do when a person must act."""
    from orchestration.gdpr import upstream

    if not results:
        print("  upstream: no ATS record to carry the erasure to")
        return
    counts = upstream.status_counts(results)
    print(
        f"  upstream: {counts['done']} done, {counts['pending']} pending, "
        f"{counts['manual']} manual action(s)"
    )
    for result in results:
        print(f"    {result.line()}")
    if upstream.writes_disabled_in(results):
        print(
            f"  ATS writes are disabled: nothing was sent. Set {settings.ATS_WRITES_ENV}=1 and "
            "run `talent-crm gdpr upstream` to carry the pending requests out."
        )


def cmd_upstream(args: argparse.Namespace) -> int:
    from orchestration.gdpr import upstream

    db = _db()
    worked = upstream.process_pending(db, _now(), retry_manual=args.retry_manual)
    print(f"upstream erasure: {len(worked)} open request(s) worked on")
    print_upstream(worked)
    still_open = upstream.open_requests(db)
    print(f"still open: {len(still_open)}")
    return 0 if not still_open else 1


def cmd_access(args: argparse.Namespace) -> int:
    from orchestration.gdpr.access import write_access_export

    path, counts = write_access_export(_db(), settings.data_dir(), **_finder(args))
    print(
        f"access export: {path} ({counts['contacts']} contact(s), "
        f"{counts['source_records']} source record(s), {counts['interactions']} interaction(s))"
    )
    return 0 if counts["source_records"] or counts["contacts"] else 1
