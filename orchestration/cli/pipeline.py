"""`talent-crm demo | materialize | dev | dbt-parse | docs | summary`: running the pipeline.

`demo` and `materialize` execute the code location's Dagster jobs in this process, recorded in
the project's Dagster instance, so CLI runs show up in the UI's run history. Before a launch,
runs left unfinished by processes that no longer exist are marked failed and their pool slots
freed (orchestration/recovery.py), so a killed run never blocks the next one; while a step
waits for a slot of the `duckdb_write` pool, a line says which run holds it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration import database, settings
from orchestration.cli.sample import (
    ensure_sample_market,
    sample_api_environment,
    stage_sample_drop_files,
)


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo", help="generate sample data, serve it, run the whole pipeline"
    )
    demo.add_argument("--contacts", type=int, default=5000)
    demo.add_argument("--seed", type=int, default=42)
    demo.set_defaults(handler=cmd_demo, runs_dagster_jobs=True)

    mat = commands.add_parser("materialize", help="run a Dagster job (default: crm_pipeline)")
    mat.add_argument("--job", default="crm_pipeline")
    mat.add_argument("--full-resync", action="store_true", help="ignore sync cursors")
    mat.set_defaults(handler=cmd_materialize, runs_dagster_jobs=True)

    dev = commands.add_parser("dev", help="open the Dagster UI (serves sample APIs if no keys set)")
    dev.add_argument("--port", type=int, default=3000)
    dev.add_argument("--host", default="127.0.0.1")
    dev.set_defaults(handler=cmd_dev)

    parse = commands.add_parser("dbt-parse", help="(re)build dbt_project/target/manifest.json")
    parse.set_defaults(handler=cmd_dbt_parse)

    docs = commands.add_parser("docs", help="dbt docs generate: lineage and column docs")
    docs.set_defaults(handler=cmd_docs)

    summary = commands.add_parser("summary", help="rows per mart table (of the read copy)")
    summary.set_defaults(handler=cmd_summary)


def full_resync_config(job: Any) -> dict[str, Any]:
    """Run config that sets `full_resync` on every step of the job that has the option (the
    API and drop-folder landings; not PDL, whose enrichment has no cursor to forget)."""
    ops = {}
    for node in job.graph.node_defs:
        field = node.config_schema.as_field() if node.config_schema else None
        if field is not None and "full_resync" in getattr(field.config_type, "fields", {}):
            ops[node.name] = {"config": {"full_resync": True}}
    return {"ops": ops}


# -- running the pipeline -----------------------------------------------------------------


def say(line: str) -> None:
    """A CLI status line on stderr (stdout carries the run report)."""
    print(f"{datetime.now():%H:%M:%S} talent-crm: {line}", file=sys.stderr, flush=True)


def execute_job(
    job: Any,
    instance: Any,
    run_config: dict[str, Any],
    partition_key: str | None = None,
    asset_selection: list[Any] | None = None,
) -> Any:
    """`job.execute_in_process` in the project's way: dead runs reaped first, the run tagged
    with this host (crash recovery judges only its own host's PIDs), and a line every few
    seconds while a step waits for a pool slot held by another run."""
    from orchestration.recovery import PoolWatch, reap_dead_runs, run_tags

    reap_dead_runs(instance, say=say)
    run_id = str(uuid.uuid4())
    with PoolWatch(instance, run_id, say):
        return job.execute_in_process(
            instance=instance,
            run_config=run_config,
            partition_key=partition_key,
            asset_selection=asset_selection,
            raise_on_error=False,
            run_id=run_id,
            tags=run_tags(),
        )


def run_job(job_name: str, full_resync: bool = False, quiet: bool = False) -> bool:
    """Execute a job of the code location in this process, recorded in the Dagster instance
    (so CLI runs show up in the UI's run history)."""
    settings.use_project_dagster_home()
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    job = defs.resolve_job_def(job_name)
    run_config: dict[str, Any] = full_resync_config(job) if full_resync else {}
    if quiet:
        run_config["loggers"] = {"console": {"config": {"log_level": "WARNING"}}}
    with DagsterInstance.get() as instance:
        result = execute_job(job, instance, run_config)
    print_run_report(result)
    if not result.success:
        failures = [
            (event.step_key, error)
            for event in result.all_events
            if event.is_failure
            and (error := getattr(event.event_specific_data, "error", None)) is not None
        ]
        # The run's own failure repeats a step's: print it only when no step failed.
        step_failures = [(step, error) for step, error in failures if step is not None]
        for step, error in step_failures or failures:
            print(f"FAILED {step or 'run'}: {failure_line(error)}", file=sys.stderr)
    return result.success


def contacts_in_table() -> int | None:
    """Rows of crm.contacts now (None when the table is not there or the file is busy)."""
    try:
        con = database.connect(settings.db_path(), read_only=True, wait_seconds=5)
    except Exception:  # a report line is not worth failing a finished run
        return None
    try:
        return int(con.execute("select count(*) from crm.contacts").fetchall()[0][0])
    except Exception:
        return None
    finally:
        con.close()


def failure_line(error: Any) -> str:
    """The root cause of a step failure in one line: Dagster wraps what the step raised
    (`Error occurred while executing op ...`), the cause is what an operator needs."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    first = (error.message or "").strip().splitlines()[0] if error.message else ""
    name, sep, rest = first.partition(": ")
    if sep and "." in name and " " not in name:  # `package.module.ErrorClass: text`
        return f"{name.rsplit('.', 1)[-1]}: {rest}"
    return first


def print_run_report(result: Any) -> None:
    """One line per materialized asset with its counts (metadata holds no personal data)."""
    print(f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    erased = sum(
        int(event.materialization.metadata["redelivered_records_erased"].value)
        for event in result.get_asset_materialization_events()
        if event.asset_key.to_user_string() == "gdpr/suppressed_records"
        and "redelivered_records_erased" in event.materialization.metadata
    )
    for event in result.get_asset_materialization_events():
        key = event.asset_key.to_user_string()
        meta = event.materialization.metadata
        if key == "identity/record_contacts":
            meta_values = {name: value.value for name, value in meta.items()}
            # Identity counts what it resolved; the suppression gate runs after it and erases
            # records re-delivered for an erased person, so the table is the number to print.
            held = contacts_in_table()
            contacts = held if held is not None else meta_values.get("contacts", 0)
            print(
                f"  identity: {meta_values.get('records', 0):,} person records → "
                f"{contacts:,} contacts in crm.contacts "
                f"({meta_values.get('new_contacts', 0):,} new ids, "
                f"{meta_values.get('merges', 0)} merges"
                + (f", {erased} re-delivered records erased" if erased else "")
                + ")"
            )
            continue
        if not key.startswith("raw/"):
            continue
        if "skip_reason" in meta:
            print(f"  {key:<32} {meta['skip_reason'].value}")
            continue
        counts = [
            f"{name} {value.value}"
            for name, value in meta.items()
            if isinstance(value.value, int) and not isinstance(value.value, bool)
        ]
        print(f"  {key:<32} " + ", ".join(counts[:8]))
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    print(f"  asset checks: {len(checks) - len(failed)} passed, {len(failed)} failed")
    for check in failed:
        print(f"    FAILED {check.asset_key.to_user_string()}:{check.check_name}")


def cmd_materialize(args: argparse.Namespace) -> int:
    return 0 if run_job(args.job, full_resync=args.full_resync) else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from ingest.sample.apis import SampleApiSettings, start_sample_apis
    from orchestration.cli.gdpr import use_demo_pepper_if_unset
    from orchestration.cli.matching import match_all_open_reqs

    started = time.perf_counter()
    demo_started_at = time.time()
    feed_dir = ensure_sample_market(args.contacts, args.seed)
    copied = stage_sample_drop_files(feed_dir)
    print(f"drop folders: {copied} new sample CSV file(s) in {settings.landing_dir()}")
    # The sample market's suppression hashes need a key; a public one is fine for fake people
    # (a real deployment sets its own secret, and then the demo uses that).
    use_demo_pepper_if_unset()
    # The demo talks to the loopback sample APIs, never to real vendors, whatever the shell
    # has set.
    with start_sample_apis(feed_dir, SampleApiSettings()) as apis:
        os.environ.update(sample_api_environment(apis, feed_dir))
        print("sample APIs: " + ", ".join(f"{k} {v}" for k, v in apis.base_urls.items()))
        ok = run_job("crm_pipeline", quiet=True)
    if ok:  # req matching: an export for every open req
        ok = match_all_open_reqs()
    print_summary()
    print_hygiene_summary()
    print(f"\ndemo {'finished' if ok else 'FAILED'} in {time.perf_counter() - started:.0f}s")
    print("open the UI:      make dev   (then http://127.0.0.1:3000)")
    print('query the marts:  .venv/bin/talent-crm sql "select * from crm.contacts limit 5"')
    print(f"  (or open {settings.display_path(settings.read_db_path())} read-only yourself)")
    print_report_path(written_after=demo_started_at)
    return 0 if ok else 1


def cmd_dev(args: argparse.Namespace) -> int:
    settings.use_project_dagster_home()
    env = dict(os.environ)
    apis = None
    feed_dir = settings.sample_dir()
    key_env = settings.GREENHOUSE_CLIENT_ID_ENV
    if not env.get(key_env) and (feed_dir / "manifest.json").exists():
        from ingest.sample.apis import SampleApiSettings, start_sample_apis

        apis = start_sample_apis(feed_dir, SampleApiSettings())
        for name, value in sample_api_environment(apis, feed_dir).items():
            # An operator's own event ids win over the sample's.
            if name != settings.EVENTBRITE_EVENT_IDS_ENV or not env.get(name):
                env[name] = value
        print(f"no {key_env} set: serving the sample market on loopback for this UI")
        print(f"sample Greenhouse API: {env[settings.base_url_env('greenhouse')]}")
    command = [
        str(Path(sys.executable).parent / "dagster"),
        "dev",
        "-m",
        "orchestration.definitions",
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    print(f"Dagster UI on http://{args.host}:{args.port}  (Ctrl-C stops)")
    process = subprocess.Popen(command, env=env, cwd=settings.PROJECT_ROOT)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        return process.wait()
    finally:
        if apis is not None:
            apis.stop()


def cmd_dbt_parse(args: argparse.Namespace) -> int:
    from orchestration.defs.transform.dbt_project import dbt_project, parse_project

    settings.export_dbt_environment()
    parse_project(dbt_project)
    print(f"dbt manifest: {dbt_project.manifest_path}")
    return 0


# -- reporting ------------------------------------------------------------------------------


def mart_row_counts(db: Path) -> dict[str, int]:
    with database.opened(db, read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1, 2",
            [list(settings.MART_SCHEMAS)],
        ).fetchall()
        return {
            f"{schema}.{table}": count_rows(con, f'"{schema}"."{table}"')
            for schema, table in tables
        }


def count_rows(con: Any, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def print_summary() -> None:
    """Rows per mart table, from the read copy (never the pipeline's file)."""
    db = settings.read_db_path()
    if not db.exists():
        print(f"no read copy at {db} yet: `talent-crm materialize` publishes it")
        return
    print(f"\nCRM read copy: {db}")
    for table, rows in mart_row_counts(db).items():
        print(f"  {table:<28} {rows:>9,} rows")


def print_hygiene_summary() -> None:
    """Counts of the hygiene and GDPR lists (orchestration/hygiene/summary.py)."""
    from orchestration.hygiene.summary import format_summary, hygiene_summary

    db = settings.read_db_path()
    if not db.exists():
        return
    with database.opened(db, read_only=True) as con:
        lines = format_summary(hygiene_summary(con))
    print("\nHygiene and GDPR:")
    for line in lines:
        print(line)


# -- analytics report -------------------------------------------------------------------------


def latest_report(written_after: float = 0.0) -> Path | None:
    """The newest HTML report written by the asset analytics/talent_crm_report (after the given
    epoch time), if any."""
    reports = [
        path
        for path in settings.report_dir().glob("talent_crm_report_*.html")
        if path.stat().st_mtime >= written_after
    ]
    return max(reports, key=lambda path: path.stat().st_mtime) if reports else None


def print_report_path(written_after: float = 0.0) -> None:
    report = latest_report(written_after)
    if report is None:
        print("report:           none written by this run (see the run output above)")
    else:
        print(f"report:           {report}")


def cmd_summary(args: argparse.Namespace) -> int:
    print_summary()
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """`dbt docs generate --static`: one HTML file with lineage and column docs, plus the
    catalog (real column types) read from the database."""
    from orchestration.defs.transform.dbt_project import dbt_cli_resource, dbt_project

    db = settings.export_dbt_environment()
    if not db.exists():
        print(f"note: no database at {db} yet (run `make demo`): docs will lack column types")
    invocation = dbt_cli_resource(dbt_project).cli(
        ["docs", "generate", "--static"], target_path=dbt_project.target_path
    )
    invocation.wait()
    target = Path(dbt_project.project_dir) / dbt_project.target_path
    print(f"dbt docs: {target / 'static_index.html'}  (self-contained: open it in a browser)")
    print(
        "serve with search and lineage graph: .venv/bin/dbt docs serve --project-dir "
        "dbt_project --profiles-dir dbt_project --port 8080  (then http://127.0.0.1:8080)"
    )
    return 0
