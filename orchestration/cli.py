"""`talent-crm`: the command line. Every subcommand that changes data runs the SAME Dagster
jobs/assets the UI runs (one code path); the rest are developer conveniences around them."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from orchestration import settings

SAMPLE_DIR_NAME = "sample"
MART_SCHEMAS = ("crm", "segments", "hygiene", "gdpr", "matching", "analytics")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talent-crm", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="command")

    gen = sub.add_parser("generate", help="write a synthetic talent market (sample feeds)")
    gen.add_argument("--contacts", type=int, default=5000, help="number of true people")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", type=Path, default=None, help="default: <data dir>/sample")
    gen.add_argument("--as-of", type=date.fromisoformat, default=None, help="ISO date")
    gen.set_defaults(handler=cmd_generate)

    apis = sub.add_parser("sample-apis", help="fake vendor APIs over loopback HTTP")
    apis_sub = apis.add_subparsers(required=True, metavar="action")
    serve = apis_sub.add_parser("serve", help="serve generated feeds until Ctrl-C")
    serve.add_argument("--dir", type=Path, default=None, help="default: <data dir>/sample")
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(handler=cmd_sample_apis_serve)

    mat = sub.add_parser("materialize", help="run a Dagster job (default: crm_pipeline)")
    mat.add_argument("--job", default="crm_pipeline")
    mat.add_argument("--full-resync", action="store_true", help="ignore sync cursors")
    mat.set_defaults(handler=cmd_materialize)

    demo = sub.add_parser("demo", help="generate sample data, serve it, run the whole pipeline")
    demo.add_argument("--contacts", type=int, default=5000)
    demo.add_argument("--seed", type=int, default=42)
    demo.set_defaults(handler=cmd_demo)

    dev = sub.add_parser("dev", help="open the Dagster UI (serves sample APIs if no keys set)")
    dev.add_argument("--port", type=int, default=3000)
    dev.add_argument("--host", default="127.0.0.1")
    dev.set_defaults(handler=cmd_dev)

    parse = sub.add_parser("dbt-parse", help="(re)build dbt_project/target/manifest.json")
    parse.set_defaults(handler=cmd_dbt_parse)

    summary = sub.add_parser("summary", help="rows per mart table in the CRM database")
    summary.set_defaults(handler=cmd_summary)

    # -- hygiene / GDPR (orchestration/cli_gdpr.py) --
    from orchestration.cli_gdpr import add_gdpr_commands

    add_gdpr_commands(sub)
    docs = sub.add_parser("docs", help="dbt docs generate: lineage and column docs (make docs)")
    docs.set_defaults(handler=cmd_docs)
    # -- req matching: `match`, `webhooks serve` (orchestration/cli_matching.py)
    from orchestration.cli_matching import add_commands as add_matching_commands

    add_matching_commands(sub)
    return parser


# -- sample data ------------------------------------------------------------------------


def sample_dir(explicit: Path | None = None) -> Path:
    return explicit if explicit is not None else settings.data_dir() / SAMPLE_DIR_NAME


def cmd_generate(args: argparse.Namespace) -> int:
    from ingest.sample.market import generate_market

    out = sample_dir(args.out)
    kwargs: dict[str, Any] = {"contacts": args.contacts, "seed": args.seed}
    if args.as_of:
        kwargs["as_of"] = args.as_of
    summary = generate_market(out, **kwargs)
    print(json.dumps(summary, indent=2, default=str))
    print(f"sample market written to {out}")
    return 0


def ensure_sample_market(contacts: int, seed: int) -> Path:
    """Generate data/sample unless it already holds this exact market (re-runs are cheap)."""
    from ingest.sample.market import generate_market

    out = sample_dir()
    manifest = out / "manifest.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text())
        if meta.get("contacts") == contacts and meta.get("seed") == seed:
            print(f"sample market: reusing {out} ({contacts} people, seed {seed})")
            return out
    started = time.perf_counter()
    generate_market(out, contacts=contacts, seed=seed)
    print(f"sample market: generated {contacts} people in {time.perf_counter() - started:.1f}s")
    return out


DROP_FEEDS = ("events", "sourcing", "outreach", "hris")


def stage_sample_drop_files(feed_dir: Path) -> int:
    """Copy the sample market's CSV exports into the drop folders, as an organiser would.

    Existing files are never overwritten (the pipeline records processed files by content
    hash, so re-running the demo lands nothing twice). Returns how many files were copied.
    """
    copied = 0
    landing = settings.data_dir() / "landing"
    for feed in DROP_FEEDS:
        source = feed_dir / "drop" / feed
        if not source.is_dir():
            continue
        target = landing / feed
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.glob("*.csv")):
            destination = target / path.name
            if not destination.exists():
                shutil.copy2(path, destination)
                copied += 1
    return copied


def sample_event_ids(feed_dir: Path) -> list[str]:
    manifest = json.loads((feed_dir / "manifest.json").read_text())
    return [str(event_id) for event_id in manifest.get("eventbrite_event_ids", [])]


def cmd_sample_apis_serve(args: argparse.Namespace) -> int:
    from ingest.sample.apis import SampleApiSettings, serve_forever

    feed_dir = sample_dir(args.dir)
    if not (feed_dir / "manifest.json").exists():
        print(f"no generated feeds in {feed_dir}: run `talent-crm generate` first", file=sys.stderr)
        return 2
    serve_forever(feed_dir, SampleApiSettings(), host=args.host)
    return 0


# -- running the pipeline -----------------------------------------------------------------


def run_job(job_name: str, full_resync: bool = False, quiet: bool = False) -> bool:
    """Execute a job of the code location in this process, recorded in the Dagster instance
    (so CLI runs show up in the UI's run history)."""
    settings.dagster_home_env()
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    job = defs.resolve_job_def(job_name)
    run_config: dict[str, Any] = {}
    if full_resync:
        run_config = {
            "ops": {
                node.name: {"config": {"full_resync": True}}
                for node in job.graph.node_defs
                if node.name.startswith("raw__")
            }
        }
    if quiet:
        run_config["loggers"] = {"console": {"config": {"log_level": "WARNING"}}}
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )
    print_run_report(result)
    if not result.success:
        for event in result.all_events:
            if event.is_failure and event.event_specific_data is not None:
                error = getattr(event.event_specific_data, "error", None)
                if error is not None:
                    print(f"FAILED {event.step_key}: {error.message.strip()}", file=sys.stderr)
    return result.success


def print_run_report(result: Any) -> None:
    """One line per materialized asset with its counts (metadata holds no personal data)."""
    print(f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    for event in result.get_asset_materialization_events():
        key = event.asset_key.to_user_string()
        meta = event.materialization.metadata
        if key == "identity/record_contacts":
            meta_values = {name: value.value for name, value in meta.items()}
            print(
                f"  identity: {meta_values.get('records', 0):,} person records → "
                f"{meta_values.get('contacts', 0):,} contacts "
                f"({meta_values.get('new_contacts', 0):,} new, "
                f"{meta_values.get('merges', 0)} merges)"
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

    started = time.perf_counter()
    demo_started_at = time.time()
    feed_dir = ensure_sample_market(args.contacts, args.seed)
    # Demo talks to the loopback sample APIs, never to real vendors, whatever the shell has set.
    copied = stage_sample_drop_files(feed_dir)
    print(f"drop folders: {copied} new sample CSV file(s) in {settings.data_dir() / 'landing'}")
    # The sample market's suppression hashes need a key; a public one is fine for fake people
    # (a real deployment sets its own secret, and then the demo uses that).
    from orchestration.cli_gdpr import use_demo_pepper_if_unset

    use_demo_pepper_if_unset()
    with start_sample_apis(feed_dir, SampleApiSettings()) as apis:
        os.environ.update(apis.env())
        os.environ["EVENTBRITE_EVENT_IDS"] = ",".join(sample_event_ids(feed_dir))
        print("sample APIs: " + ", ".join(f"{k} {v}" for k, v in apis.base_urls.items()))
        ok = run_job("crm_pipeline", quiet=True)
    if ok:  # req matching: an export for every open req (orchestration/cli_matching.py)
        from orchestration.cli_matching import match_all_open_reqs

        ok = match_all_open_reqs()
    print_summary()
    print_hygiene_summary()
    print(f"\ndemo {'finished' if ok else 'FAILED'} in {time.perf_counter() - started:.0f}s")
    print("open the UI:      make dev   (then http://127.0.0.1:3000)")
    print(
        f'query DuckDB:     .venv/bin/python -c "import duckdb; '
        f"print(duckdb.connect('{settings.db_path()}', read_only=True)"
        f".sql('select * from crm.contacts limit 5'))\""
    )
    print_report_path(written_after=demo_started_at)
    return 0 if ok else 1


def cmd_dev(args: argparse.Namespace) -> int:
    settings.dagster_home_env()
    env = dict(os.environ)
    apis = None
    feed_dir = sample_dir()
    if not env.get("GREENHOUSE_API_KEY") and (feed_dir / "manifest.json").exists():
        from ingest.sample.apis import SampleApiSettings, start_sample_apis

        apis = start_sample_apis(feed_dir, SampleApiSettings())
        env.update(apis.env())
        env.setdefault("EVENTBRITE_EVENT_IDS", ",".join(sample_event_ids(feed_dir)))
        print("no GREENHOUSE_API_KEY set: serving the sample market on loopback for this UI")
        print(f"sample Greenhouse API: {apis.env()['GREENHOUSE_BASE_URL']}")
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
    from orchestration.dbt_assets import dbt_project, parse_project

    settings.export_absolute_db_path()
    parse_project(dbt_project)
    print(f"dbt manifest: {dbt_project.manifest_path}")
    return 0


# -- reporting ------------------------------------------------------------------------------


def mart_row_counts(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1, 2",
            [list(MART_SCHEMAS)],
        ).fetchall()
        counts = {}
        for schema, table in tables:
            counts[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchall()[0][0]
        return counts
    finally:
        con.close()


def print_summary() -> None:
    db = settings.db_path()
    if not db.exists():
        print(f"no database at {db}")
        return
    print(f"\nCRM database: {db}")
    for table, rows in mart_row_counts(db).items():
        print(f"  {table:<28} {rows:>9,} rows")


def print_hygiene_summary() -> None:
    """Counts of the hygiene and GDPR lists (orchestration/hygiene/summary.py)."""
    import duckdb

    from orchestration.hygiene.summary import format_summary, hygiene_summary

    db = settings.db_path()
    if not db.exists():
        return
    con = duckdb.connect(str(db), read_only=True)
    try:
        lines = format_summary(hygiene_summary(con))
    finally:
        con.close()
    print("\nHygiene and GDPR:")
    for line in lines:
        print(line)


# -- analytics report (issue 8) ------------------------------------------------------------


def latest_report(written_after: float = 0.0) -> Path | None:
    """The newest HTML report written by the asset analytics/talent_crm_report (after the given
    epoch time), if any."""
    from orchestration.assets.analytics_report import reports_dir

    reports = [
        path
        for path in reports_dir().glob("talent_crm_report_*.html")
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
    from orchestration.dbt_assets import dbt_cli_resource, dbt_project

    db = settings.export_absolute_db_path()
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


if __name__ == "__main__":
    sys.exit(main())
