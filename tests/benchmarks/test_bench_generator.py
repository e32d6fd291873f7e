"""Benchmark: generate ~1,000,000 source records and print the throughput (no assertions on
time; run by `make bench`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.sample.market import generate_market

# A person leaves ~2.6 source records on average, so this many people give ~1M records.
CONTACTS_FOR_1M = 385_000


def test_generate_one_million_records(tmp_path: Path) -> None:
    out = tmp_path / "market"
    summary = generate_market(out, contacts=CONTACTS_FOR_1M, seed=42)
    records = summary["total_source_records"]
    seconds = summary["seconds"]
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    print(
        f"\nsample_market: {records:,} source records ({summary['person_records']:,} with a "
        f"person) from {CONTACTS_FOR_1M:,} people in {seconds:.1f} s = "
        f"{records / seconds:,.0f} records/s, {size_mb:,.0f} MB written"
    )
    shutil.rmtree(out)
    assert records > 900_000
