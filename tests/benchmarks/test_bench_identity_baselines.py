"""Benchmark: the engine and Splink on the same ~100k person records, side by side.

Run by `make bench` only; figures are printed, timing never decides a test. Each matcher runs
in a fresh subprocess on the same Parquet copy of the records, so the peak RSS printed is that
matcher's (DuckDB allocates inside the Python process, so Splink's includes DuckDB's).
`IDENTITY_BASELINE_CONTACTS` overrides the market size (392000 people is ~1M records).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from ingest.sample.identity_records import build_person_records, read_ground_truth
from ingest.sample.market import generate_market
from ingest.sample.perturb_measure import Measured
from orchestration.identity.normalise import normalise_records
from orchestration.identity.quality import pairwise_quality
from tests.benchmarks.identity_subprocess import run_engine

CONTACTS_FOR_100K = 39_000

_SPLINK = r"""
import json, resource, sys, time
import polars as pl
from ingest.sample.splink_baseline import run_splink
records = pl.read_parquet(sys.argv[1])
run = run_splink(records)
for threshold, clusters in run.clusters.items():
    clusters.write_parquet(f"{sys.argv[2]}/splink-{threshold}.parquet")
print(json.dumps({"seconds": run.seconds, "timings": run.timings,
                  "predicted_pairs": run.predicted_pairs,
                  "thresholds": list(run.clusters),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _splink(records: Path, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _SPLINK, str(records), str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_engine_and_splink_100k(tmp_path: Path) -> None:
    contacts = int(os.environ.get("IDENTITY_BASELINE_CONTACTS", CONTACTS_FOR_100K))
    market = tmp_path / "market"
    generate_market(market, contacts=contacts, seed=101)
    records = build_person_records(market)
    parquet = tmp_path / "records.parquet"
    records.write_parquet(parquet)
    truth = read_ground_truth(market)
    people, identifiers = normalise_records(records)

    engine = run_engine(parquet, clusters=tmp_path / "engine.parquet")
    splink_stats = _splink(parquet, tmp_path)

    def score(label: str, file: str, seconds: float) -> Measured:
        clusters = pl.read_parquet(tmp_path / file)
        report = pairwise_quality(clusters, truth, None, people, identifiers)
        return Measured(label, report, seconds, records.height)

    rows = [
        (score("engine", "engine.parquet", engine.seconds), engine.peak_gb * 1024),
        *(
            (
                score(f"splink@{t:g}", f"splink-{t}.parquet", splink_stats["seconds"]),
                splink_stats["peak_mb"],
            )
            for t in splink_stats["thresholds"]
        ),
    ]
    print(f"\n{records.height:,} person records ({contacts:,} people)")
    print(f"{'matcher':<14} precision  recall  linkable recall  F1      seconds  peak MB")
    for m, peak in rows:
        r = m.report
        print(
            f"{m.label:<14} {r.precision:.4f}     {r.recall:.4f}  {r.linkable_recall:.4f}"
            f"           {m.f1:.4f}  {m.seconds:7.1f}  {peak:7.0f}"
        )
    print(
        f"splink phases {json.dumps({k: round(v, 1) for k, v in splink_stats['timings'].items()})}"
        f", {splink_stats['predicted_pairs']:,} scored pairs"
    )
    # Sanity only (figures are the point): both matchers clustered every record.
    assert rows[0][0].report.true_pairs == rows[1][0].report.true_pairs > 0
