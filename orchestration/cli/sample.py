"""`talent-crm generate` and `talent-crm sample-apis serve`: the simulator (a generated
market in the vendors' wire formats, and fake vendor APIs serving it over loopback)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from orchestration import settings


def register(commands: argparse._SubParsersAction) -> None:
    gen = commands.add_parser("generate", help="write a synthetic talent market (sample feeds)")
    gen.add_argument("--contacts", type=int, default=5000, help="number of true people")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", type=Path, default=None, help="default: <data dir>/sample")
    gen.add_argument("--as-of", type=date.fromisoformat, default=None, help="ISO date")
    gen.set_defaults(handler=cmd_generate)

    apis = commands.add_parser("sample-apis", help="fake vendor APIs over loopback HTTP")
    actions = apis.add_subparsers(required=True, metavar="action")
    serve = actions.add_parser("serve", help="serve generated feeds until Ctrl-C")
    serve.add_argument("--dir", type=Path, default=None, help="default: <data dir>/sample")
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(handler=cmd_sample_apis_serve)


def cmd_generate(args: argparse.Namespace) -> int:
    from ingest.sample.market import generate_market

    out = args.out or settings.sample_dir()
    kwargs: dict[str, Any] = {"contacts": args.contacts, "seed": args.seed}
    if args.as_of:
        kwargs["as_of"] = args.as_of
    summary = generate_market(out, **kwargs)
    print(json.dumps(summary, indent=2, default=str))
    print(f"sample market written to {out}")
    return 0


def cmd_sample_apis_serve(args: argparse.Namespace) -> int:
    from ingest.sample.apis import SampleApiSettings, serve_forever

    feed_dir = args.dir or settings.sample_dir()
    if not (feed_dir / "manifest.json").exists():
        print(f"no generated feeds in {feed_dir}: run `talent-crm generate` first", file=sys.stderr)
        return 2
    serve_forever(feed_dir, SampleApiSettings(), host=args.host)
    return 0


def ensure_sample_market(contacts: int, seed: int) -> Path:
    """Generate data/sample unless it already holds this exact market (re-runs are cheap)."""
    from ingest.sample.market import generate_market

    out = settings.sample_dir()
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


def stage_sample_drop_files(feed_dir: Path) -> int:
    """Copy the sample market's CSV exports into the drop folders, as an organiser would.

    Existing files are never overwritten (the pipeline records processed files by content
    hash, so re-running the demo lands nothing twice). Returns how many files were copied.
    """
    copied = 0
    for feed in settings.DROP_FEEDS:
        source = feed_dir / "drop" / feed
        if not source.is_dir():
            continue
        target = settings.landing_dir() / feed
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


def sample_api_environment(apis: Any, feed_dir: Path) -> dict[str, str]:
    """What points the connectors at the loopback sample APIs (and the sample's events)."""
    return {
        **apis.env(),
        settings.EVENTBRITE_EVENT_IDS_ENV: ",".join(sample_event_ids(feed_dir)),
    }
