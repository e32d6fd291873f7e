"""Benchmark: identity resolution quality at ~100k and ~1M source records, run time and peak
memory at 1M.

Run by `make bench` only; figures are printed, timing never decides a test. The 1M run is
measured in a fresh subprocess so its peak RSS is the engine's, not the generator's.
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from ingest.sample.identity_records import build_person_records, read_ground_truth
from ingest.sample.market import generate_market
from orchestration.identity.engine import resolve_identities
from orchestration.identity.normalise import normalise_records
from orchestration.identity.quality import linkable_pairs, pairwise_quality
from tests.benchmarks.identity_subprocess import run_engine

CONTACTS_FOR_100K = 39_000
CONTACTS_FOR_1M = 392_000


def _quality(market: Path, clusters: pl.DataFrame, records: pl.DataFrame) -> str:
    truth = read_ground_truth(market)
    # Normalised again here (outside the timed run) only to find which pairs the data links.
    people, identifiers = normalise_records(records)
    j = clusters.join(truth, on="record_key")
    linkable, found = linkable_pairs(j, people, identifiers)
    q = pairwise_quality(clusters, truth)
    own = records.filter(~pl.col("is_buyer_profile_copy")).select("record_key")
    q_own = pairwise_quality(clusters.join(own, on="record_key"), truth)
    return (
        f"precision {q.precision:.4f} recall {q.recall:.4f} (recall without buyer-profile "
        f"copies {q_own.recall:.4f}; recall on linkable pairs {found / linkable:.4f}, the "
        f"data's ceiling {linkable / q.true_pairs:.4f}); false merges {q.false_merges}, "
        f"missed {q.missed_merges}"
    )


def test_identity_100k(tmp_path: Path) -> None:
    market = tmp_path / "m100k"
    generate_market(market, contacts=CONTACTS_FOR_100K, seed=101)
    records = build_person_records(market)
    t0 = time.perf_counter()
    result = resolve_identities(records)
    seconds = time.perf_counter() - t0
    print(
        f"\nidentity @ {records.height:,} person records: {seconds:.1f} s; "
        f"{_quality(market, result.clusters, records)}"
    )
    truth = read_ground_truth(market)
    report = pairwise_quality(
        result.clusters, truth, result.edges, result.people, result.identifiers
    )
    print(report.render())


def test_identity_1m(tmp_path: Path) -> None:
    market = tmp_path / "m1m"
    generate_market(market, contacts=CONTACTS_FOR_1M, seed=102)
    records = build_person_records(market)
    frame = tmp_path / "records.parquet"
    records.write_parquet(frame)
    clusters_path = tmp_path / "clusters.parquet"
    m = run_engine(frame, clusters=clusters_path)
    clusters = pl.read_parquet(clusters_path)
    print(
        f"\nidentity @ {records.height:,} person records: {m.seconds:.1f} s "
        f"({m.cpu_s:.1f} CPU-s), peak RSS {m.peak_gb * 1000:,.0f} MB; stages "
        + ", ".join(f"{k} {v:.1f}s" for k, v in m.timings.items())
        + f"\n{_quality(market, clusters, records)}"
    )
    assert clusters.height == records.height
