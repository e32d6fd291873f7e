"""Benchmark: the identity engine on one node at 1M, 3M and 10M person records (time, CPU time,
peak memory, per-stage timings), stopping where memory runs out.

Run by `make bench` only; figures are printed, never asserted. `BENCH_IDENTITY_SIZES` sets the
sizes in records (default 1000000,3000000,10000000); `BENCH_IDENTITY_RSS_LIMIT_GB` the RSS at
which a run is killed (default 18, lowered to leave 2 GB free for whatever else the machine
runs). The input above 1M records is k tagged copies of one generated ~1M-record market,
identifiers distinct per copy and names shared (`ingest.sample.scale_records` says why):
generating 10M records directly takes longer than resolving them. The generated market is
cached under /tmp/talent_crm_identity_bench/<contacts>_<seed>_v1; delete it to rebuild.

Before each size the peak is predicted from the sizes already run (linear in records); a size
predicted above the limit is skipped with the prediction printed, rather than run into it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl

from ingest.sample.identity_records import build_person_records
from ingest.sample.market import generate_market
from ingest.sample.scale_records import copy_of
from tests.benchmarks.identity_subprocess import EngineRun, available_gb, run_engine

CONTACTS_FOR_1M = 392_000
SEED = 102
CACHE = Path("/tmp/talent_crm_identity_bench")
DEFAULT_SIZES = "1000000,3000000,10000000"
DEFAULT_LIMIT_GB = 18.0
HEADROOM_GB = 2.0  # left free for the parent, the OS and other workers


def _base_records() -> Path:
    """Parquet of the generated ~1M-record market (copy 0), built once and cached."""
    cached = CACHE / f"{CONTACTS_FOR_1M}_{SEED}_v1" / "copy-000.parquet"
    if not cached.exists():
        market = cached.parent / "market"
        shutil.rmtree(cached.parent, ignore_errors=True)
        generate_market(market, contacts=CONTACTS_FOR_1M, seed=SEED)
        build_person_records(market).write_parquet(cached)
        shutil.rmtree(market)
    return cached


def _copies(base: Path, k: int) -> list[Path]:
    """Copy files 0..k-1 next to the base file, each written once (the parent never holds more
    than one copy, so it stays small while the child runs)."""
    paths = [base.with_name(f"copy-{c:03d}.parquet") for c in range(k)]
    missing = [(c, p) for c, p in enumerate(paths) if not p.exists()]
    if missing:
        records = pl.read_parquet(base)
        for c, path in missing:
            copy_of(records, c).write_parquet(path)
    return paths


def _predict_peak_gb(done: list[EngineRun], records: int) -> float | None:
    """Peak RSS at `records` from the finished runs: a line through the last two, or through
    the origin with one."""
    if not done:
        return None
    if len(done) == 1 or done[-1].records == done[-2].records:
        return done[-1].peak_gb * records / done[-1].records
    (a, b) = done[-2], done[-1]
    slope = (b.peak_gb - a.peak_gb) / (b.records - a.records)
    return b.peak_gb + slope * (records - b.records)


def _row(run: EngineRun) -> str:
    per_m = run.peak_gb / (run.records / 1e6)
    stages = ", ".join(
        f"{k} {v:.1f}s/{run.stage_peaks_gb.get(k, float('nan')):.1f}GB"
        for k, v in run.timings.items()
    )
    return (
        f"{run.records:>11,} {run.seconds:8.1f} {run.cpu_s:8.1f} {run.peak_gb:8.2f} "
        f"{per_m:6.2f} {run.records / run.seconds:>9,.0f}  {stages}"
    )


def test_identity_scaling(tmp_path: Path) -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_IDENTITY_SIZES", DEFAULT_SIZES).split(",")]
    wanted_limit = float(os.environ.get("BENCH_IDENTITY_RSS_LIMIT_GB", DEFAULT_LIMIT_GB))
    base = _base_records()
    base_height = pl.scan_parquet(base).select(pl.len()).collect().item()
    print(
        f"\nidentity scaling: base market {base_height:,} person records "
        f"({CONTACTS_FOR_1M:,} people, seed {SEED}); larger sizes are k copies of it"
    )
    print(
        f"{'records':>11} {'seconds':>8} {'CPU s':>8} {'peak GB':>8} {'GB/1M':>6} "
        f"{'records/s':>9}  stages (time / peak RSS by the stage's end)"
    )
    done: list[EngineRun] = []
    for size in sizes:
        k = max(1, round(size / base_height))
        records = k * base_height
        # Other workers may be using memory: never aim above what is free now.
        limit = min(wanted_limit, available_gb() - HEADROOM_GB)
        predicted = _predict_peak_gb(done, records)
        if predicted is not None and predicted > limit:
            print(
                f"{records:>11,} skipped: predicted peak {predicted:.1f} GB (linear from "
                f"{', '.join(f'{r.records:,}' for r in done[-2:])} records) is above the "
                f"{limit:.1f} GB limit"
            )
            continue
        paths = _copies(base, k)
        load = os.getloadavg()[0]  # CPU s well below seconds means other jobs shared the cores
        run = run_engine(paths, rss_limit_gb=limit)
        if run.stopped:
            seen = ", ".join(f"{s} {g:.1f}GB" for s, g in run.stage_peaks_gb.items())
            print(
                f"{records:>11,} memory ran out: {run.stopped} in stage {run.stage} after "
                f"{run.wall_s:.0f} s (peaks by stage end: {seen or 'none finished'})"
            )
            break
        # Sanity only (figures are the point): the engine clustered every record it was given.
        assert run.records == records
        done.append(run)
        print(f"{_row(run)}  (load {load:.1f}, limit {limit:.1f} GB)", flush=True)
