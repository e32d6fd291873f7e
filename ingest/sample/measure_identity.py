"""Measure identity resolution against a generated market's ground truth, from the command line.

    .venv/bin/python -m ingest.sample.measure_identity --contacts 10000 --seed 5
    .venv/bin/python -m ingest.sample.measure_identity --independent --contacts 3000 --seed 1

Generates the market (or reuses `--market DIR` if it already holds one), resolves it with the
default configuration and prints the quality report: precision, recall over all pairs, the
data's recall ceiling, recall on linkable pairs, and errors by rule and cause. Ground truth is
read here only, never by the engine. `--independent` measures the second, independently
written market (`ingest.sample.independent_market`), whose data the engine was not tuned on.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ingest.sample.identity_records import build_person_records, read_ground_truth
from ingest.sample.independent_market import generate_independent_market
from ingest.sample.market import generate_market
from orchestration.identity.engine import resolve_identities
from orchestration.identity.quality import pairwise_quality


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000, help="people in the market")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--market", type=Path, help="market directory to reuse or create")
    parser.add_argument(
        "--independent",
        action="store_true",
        help="generate the independently written market instead of the project's own",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        market = args.market or Path(tmp) / "market"
        if not (market / "ground_truth.csv").exists():
            if args.independent:
                generate_independent_market(market, people=args.contacts, seed=args.seed)
            else:
                generate_market(market, contacts=args.contacts, seed=args.seed)
        records = build_person_records(market)
        started = time.perf_counter()
        result = resolve_identities(records)
        seconds = time.perf_counter() - started
        report = pairwise_quality(
            result.clusters,
            read_ground_truth(market),
            result.edges,
            result.people,
            result.identifiers,
        )
    print(f"{records.height:,} person records resolved in {seconds:.1f} s")
    print(report.render())


if __name__ == "__main__":
    main()
