"""`talent-crm convert <req> [--dry-run]`: push a req's approved matches into its ATS.

Executes the SAME Dagster job the UI runs (`ats_push`, one partition per req) in this process,
recorded in the project's Dagster instance. Writes reach the ATS only with
TALENT_CRM_ATS_WRITES=1; otherwise (and with --dry-run) the run plans and reports.
"""

from __future__ import annotations

import argparse
import sys

from orchestration import settings


def register(commands: argparse._SubParsersAction) -> None:
    convert = commands.add_parser(
        "convert",
        help="push a req's approved matches into its ATS (a dry run unless "
        f"{settings.ATS_WRITES_ENV}=1)",
    )
    convert.add_argument("req", nargs="+", help="req id like greenhouse:4100123 (or partition key)")
    convert.add_argument(
        "--dry-run", action="store_true", help="plan and report; call no ATS write endpoint"
    )
    convert.set_defaults(handler=cmd_convert, runs_dagster_jobs=True)


def run_conversions(partition_keys: list[str], dry_run: bool) -> bool:
    settings.use_project_dagster_home()
    import dagster as dg

    from orchestration.cli.pipeline import execute_job
    from orchestration.definitions import defs
    from orchestration.defs.matching.partitions import req_partitions

    job = defs.resolve_job_def("ats_push")
    run_config = {"ops": {"matching__ats_pushes": {"config": {"dry_run": dry_run}}}}
    if not dry_run and not settings.ats_writes_enabled():
        print(f"writes are off ({settings.ATS_WRITES_ENV} is not 1): dry run", file=sys.stderr)
    ok = True
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(req_partitions.name, partition_keys)
        for key in partition_keys:
            result = execute_job(job, instance, run_config, partition_key=key)
            ok = ok and result.success
            print_convert_report(key, result)
    return ok


def print_convert_report(key: str, result) -> None:
    events = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "matching/ats_pushes"
    ]
    if not events:
        failure = next((e for e in result.all_events if e.event_type_value == "STEP_FAILURE"), None)
        detail = ""
        if failure is not None and failure.step_failure_data.user_failure_data is not None:
            detail = failure.step_failure_data.user_failure_data.description or ""
        print(f"  {key:<40} FAILED (run {result.run_id}) {detail}")
        return
    meta = {name: value.value for name, value in events[0].materialization.metadata.items()}
    if meta["dry_run"]:
        print(
            f"  {key:<40} DRY RUN: {meta['would_push']} would be pushed to {meta['system']}, "
            f"{meta['already_pushed']} already pushed, {meta['skipped']} skipped "
            f"{meta['skipped_by_reason'] or ''}"
        )
        return
    print(
        f"  {key:<40} {meta['pushed']} pushed to {meta['system']} ({meta['candidates_reused']} "
        f"existing candidates reused), {meta['already_pushed']} already pushed, "
        f"{meta['skipped']} skipped {meta['skipped_by_reason'] or ''}, {meta['failed']} failed"
    )


def cmd_convert(args: argparse.Namespace) -> int:
    from orchestration.cli.matching import partition_key_for

    try:
        keys = [partition_key_for(r) for r in args.req]
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0 if run_conversions(keys, dry_run=args.dry_run) else 1
