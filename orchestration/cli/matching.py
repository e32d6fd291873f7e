"""`talent-crm match`, `talent-crm webhooks serve` and `talent-crm webhooks open-sample-req`.

`match` executes the SAME Dagster job the sensor triggers (`req_match`, one partition), in
this process and recorded in the project's Dagster instance, so CLI runs show up in the UI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration import settings


def register(commands: argparse._SubParsersAction) -> None:
    match = commands.add_parser("match", help="match the warm pool against a req, write its export")
    match.add_argument("req", nargs="+", help="req id like greenhouse:4100123 (or partition key)")
    match.add_argument("--top-k", type=int, default=100)
    match.set_defaults(handler=cmd_match, runs_dagster_jobs=True)

    hooks = commands.add_parser("webhooks", help="Greenhouse web-hook receiver")
    hooks_sub = hooks.add_subparsers(required=True, metavar="action")
    serve = hooks_sub.add_parser("serve", help="receive signed job events until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8085)
    serve.set_defaults(handler=cmd_webhooks_serve)
    opener = hooks_sub.add_parser(
        "open-sample-req",
        help="SAMPLE SERVER ONLY: open a req in the sample Greenhouse API and post its signed "
        "job_created web hook to the receiver",
    )
    opener.add_argument("--greenhouse-url", required=True, help="printed by `make dev`")
    opener.add_argument("--webhook-url", default="http://127.0.0.1:8085/greenhouse")
    opener.add_argument("--name", default="Senior Data Engineer", help="the req's title")
    opener.add_argument("--seniority", default=None)
    opener.add_argument("--skills", default="", help="required skills, comma separated")
    opener.set_defaults(handler=cmd_open_sample_req)


def partition_key_for(req: str) -> str:
    from orchestration.matching.openings import req_partition_key

    return req_partition_key(req) if ":" in req else req


def run_matches(partition_keys: list[str], top_k: int = 100, quiet: bool = False) -> bool:
    """One `req_match` run per partition key (each added as a dynamic partition first)."""
    settings.use_project_dagster_home()
    import dagster as dg

    from orchestration.cli.pipeline import execute_job
    from orchestration.definitions import defs
    from orchestration.defs.matching.assets import REQ_MATCHES
    from orchestration.defs.matching.partitions import req_partitions

    job = defs.resolve_job_def("req_match")
    run_config: dict = {"ops": {"matching__req_matches": {"config": {"top_k": top_k}}}}
    if quiet:
        run_config["loggers"] = {"console": {"config": {"log_level": "WARNING"}}}
    ok = True
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(req_partitions.name, partition_keys)
        for number, key in enumerate(partition_keys, start=1):
            # Several reqs in a row: the read copy is published once, by the last run.
            last = number == len(partition_keys)
            result = execute_job(
                job,
                instance,
                run_config,
                partition_key=key,
                asset_selection=None if last else [REQ_MATCHES],
            )
            ok = ok and result.success
            print_match_report(key, result)
    return ok


def print_match_report(key: str, result) -> None:
    if not result.success:
        print(f"  {key:<48} FAILED (run {result.run_id})")
        return
    for event in result.get_asset_materialization_events():
        if event.asset_key.to_user_string() != "matching/req_matches":
            continue  # the read copy published after it
        meta = {name: value.value for name, value in event.materialization.metadata.items()}
        if meta.get("outcome") != "matched":
            print(f"  {key:<48} {meta.get('outcome')} (req status: {meta.get('req_status')})")
            continue
        print(
            f"  {key:<48} {meta['exported']:>4} exported of {meta['rows_scored']:>5} scored, "
            f"{meta['excluded_total']:>5} excluded → {meta['export_csv']}"
        )


def cmd_match(args: argparse.Namespace) -> int:
    try:
        keys = [partition_key_for(r) for r in args.req]
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0 if run_matches(keys, top_k=args.top_k) else 1


def open_req_partition_keys() -> list[str]:
    from orchestration.matching.openings import read_open_reqs

    return [partition_key_for(r.req_id) for r in read_open_reqs(settings.read_db_path())]


def match_all_open_reqs() -> bool:
    """`make demo`: a match + export for every open req of the sample market."""
    keys = open_req_partition_keys()
    print(f"\nreq matching: {len(keys)} open reqs")
    return run_matches(keys, quiet=True)


def cmd_webhooks_serve(args: argparse.Namespace) -> int:
    from ingest.greenhouse_webhooks import (
        WebhookConfigError,
        WebhookServer,
        WebhookSpool,
        secret_from_env,
    )

    try:
        secret = secret_from_env()
    except WebhookConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    spool = WebhookSpool(settings.webhook_spool_dir())
    server = WebhookServer((args.host, args.port), spool, secret)
    print(f"Greenhouse web hooks on {server.url} → spool {Path(spool.root)} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_open_sample_req(args: argparse.Namespace) -> int:
    """Open a req in the SAMPLE Greenhouse server (its `POST /v3/_sample/jobs`; the real
    Harvest API has no such call) and deliver the job_created web hook Greenhouse would send,
    signed with GREENHOUSE_WEBHOOK_SECRET. The sensor then refreshes the reqs and matches."""
    import json
    import os
    import uuid

    import requests

    from ingest import greenhouse
    from ingest.greenhouse_webhooks import WebhookConfigError, secret_from_env, sign
    from ingest.http_client import SourceError
    from ingest.sample.apis import SampleApiSettings

    try:
        secret = secret_from_env()
    except WebhookConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    sample = SampleApiSettings()
    base = args.greenhouse_url.rstrip("/")
    wanted = {
        "name": args.name,
        "seniority": args.seniority,
        "required_skills": [s.strip() for s in args.skills.split(",") if s.strip()],
    }
    # The sample server speaks Harvest v3: mint a token like the connector does (the sample
    # credentials unless the operator's GREENHOUSE_* variables say otherwise).
    try:
        client = greenhouse.make_client(
            client_id=os.environ.get(settings.GREENHOUSE_CLIENT_ID_ENV)
            or sample.greenhouse_client_id,
            client_secret=os.environ.get(settings.GREENHOUSE_CLIENT_SECRET_ENV) or sample.api_key,
            user_id=os.environ.get(settings.GREENHOUSE_USER_ID_ENV) or sample.greenhouse_user_id,
            base_url=base,
            token_url=os.environ.get(settings.GREENHOUSE_TOKEN_URL_ENV)
            or base.rsplit("/", 1)[0] + "/token",
        )
        job, _ = client.request_json(
            "POST", "_sample/jobs", json_body=wanted, ok_statuses=frozenset({201})
        )
    except SourceError as exc:
        print(f"sample Greenhouse refused: {exc}", file=sys.stderr)
        return 1
    body = json.dumps({"action": "job_created", "payload": {"job": job}}).encode()
    delivered = requests.post(
        args.webhook_url,
        data=body,
        headers={"Signature": sign(body, secret), "Greenhouse-Event-ID": str(uuid.uuid4())},
        timeout=30,
    )
    print(
        f"opened greenhouse:{job['id']} in the sample server; web hook → "
        f"{delivered.status_code} (partition greenhouse-{job['id']})"
    )
    return 0 if delivered.status_code < 300 else 1
