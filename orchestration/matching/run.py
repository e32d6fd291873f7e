"""One req's match end to end (no Dagster): profile → pool → exclusions → ranking → table +
export files. The Dagster asset is a thin wrapper around `match_req`; the backtest reuses the
same scoring with `as_of` set."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingest.landing import table_exists
from orchestration.matching.exports import DEFAULT_TOP_K, ExportFiles, export_frame, write_export
from orchestration.matching.scoring import (
    DEFAULT_MIN_CONTACT_GAP_DAYS,
    Exclusions,
    ReqProfile,
    match_pool,
)
from orchestration.matching.store import (
    load_pool,
    load_rejections,
    load_req_profile,
    write_matches,
)

MAX_STORED_MATCHES = 10_000


@dataclass
class MatchOutcome:
    """`status`: matched | req_closed (closed or no longer open before the run) | req_unknown."""

    partition_key: str
    status: str
    req: ReqProfile | None = None
    rows_scored: int = 0
    rows_stored: int = 0
    exclusions: Exclusions = field(default_factory=Exclusions)
    export: ExportFiles | None = None
    engagement_available: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    top_scores: list[float] = field(default_factory=list)


def match_req(
    con: duckdb.DuckDBPyConnection,
    partition_key: str,
    exports_root: Path,
    now: datetime,
    top_k: int = DEFAULT_TOP_K,
    min_contact_gap_days: int = DEFAULT_MIN_CONTACT_GAP_DAYS,
) -> MatchOutcome:
    timer = time.perf_counter()
    seconds: dict[str, float] = {}
    req = load_req_profile(con, partition_key)
    if req is None:
        return MatchOutcome(partition_key, "req_unknown")
    if req.status != "open":
        # Closed (or back to draft) between the sensor's tick and this run: nothing to send.
        return MatchOutcome(partition_key, "req_closed", req=req)
    pool = load_pool(con)
    rejections = load_rejections(con)
    seconds["load"] = time.perf_counter() - timer
    timer = time.perf_counter()
    # Analysts get the top MAX_STORED_MATCHES rows with any fit signal; on a huge pool the
    # long tail (hundreds of thousands of one-shared-skill rows per req) is not worth storing.
    ranked, stats = match_pool(
        pool, rejections, req, now, min_contact_gap_days, limit=MAX_STORED_MATCHES
    )
    seconds["score"] = time.perf_counter() - timer
    timer = time.perf_counter()
    written = write_matches(con, ranked, req.req_id, partition_key, now)
    files = write_export(export_frame(ranked, req, top_k), exports_root, partition_key, now)
    seconds["write"] = time.perf_counter() - timer
    return MatchOutcome(
        partition_key=partition_key,
        status="matched",
        req=req,
        rows_scored=stats.ranked,
        rows_stored=written,
        exclusions=stats,
        export=files,
        engagement_available=table_exists(con, "segments.engagement_scores"),
        seconds=seconds,
        top_scores=[round(s, 2) for s in ranked["score"].head(5).to_list()],
    )
