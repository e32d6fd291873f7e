"""The recruiter's file: top-K matches of one req as CSV + Parquet.

`data/exports/reqs/<partition key>/outreach_<UTC timestamp>.{csv,parquet}`: the folder is the
req's partition key (never a person's name), each run writes a new timestamped pair so earlier
lists stay auditable. Every message is a DRAFT a recruiter reviews before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from orchestration.matching.scoring import ReqProfile, draft_message
from orchestration.spreadsheet_csv import write_spreadsheet_csv

DEFAULT_TOP_K = 100
EXPORT_COLUMNS = (
    "rank",
    "contact_id",
    "full_name",
    "best_email",
    "score",
    "reason",
    "segment",
    "draft_message",
)


@dataclass(frozen=True)
class ExportFiles:
    csv: Path
    parquet: Path
    rows: int


def export_frame(ranked: pl.DataFrame, req: ReqProfile, top_k: int = DEFAULT_TOP_K) -> pl.DataFrame:
    top = ranked.head(top_k)
    drafts = [
        draft_message(row.get("first_name"), req, row)
        for row in top.select(
            "first_name",
            "silver_medalist",
            "silver_req_title",
            "interaction_context",
            "matched_skills",
        ).iter_rows(named=True)
    ]
    return top.with_columns(
        pl.Series("draft_message", drafts, dtype=pl.String),
        pl.col("score").round(2),
    ).select(EXPORT_COLUMNS)


def write_export(
    frame: pl.DataFrame, exports_root: Path, partition_key: str, at: datetime
) -> ExportFiles:
    folder = exports_root / "reqs" / partition_key
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"outreach_{at.strftime('%Y%m%dT%H%M%S%fZ')}"
    csv_path, parquet_path = folder / f"{stem}.csv", folder / f"{stem}.parquet"
    # Recruiters open the CSV in a spreadsheet: formula-like cells are escaped there; the
    # Parquet file keeps the values as they are.
    write_spreadsheet_csv(frame, csv_path)
    tmp = parquet_path.with_name(f".{parquet_path.name}.tmp")  # readers never see half a file
    frame.write_parquet(tmp)
    tmp.replace(parquet_path)
    return ExportFiles(csv=csv_path, parquet=parquet_path, rows=frame.height)
