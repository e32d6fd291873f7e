"""Write the day's nurture due-list (segments.touchpoints_due) to CSV and Parquet.

The files go to `<data dir>/exports/touchpoints/<as-of date>.csv|.parquet` — named by date only,
never by anything personal. The summary holds counts only, so it is safe as run metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.spreadsheet_csv import write_spreadsheet_csv

DUE_LIST = "segments.touchpoints_due"
ELIGIBILITY = "gdpr.outreach_eligibility"


@dataclass(frozen=True)
class TouchpointExport:
    as_of: date
    csv_path: Path
    parquet_path: Path
    rows: int
    by_segment_step: dict[str, int] = field(default_factory=dict)


class BlockedContactInDueList(RuntimeError):
    """A contact gdpr.outreach_eligibility blocks reached the due-list: nothing is exported."""


def blocked_contacts_in_due_list(con: duckdb.DuckDBPyConnection) -> int:
    """How many due-list rows the consent contract does not allow (must always be 0)."""
    row = con.execute(
        f"""
        select count(*)
        from {DUE_LIST} as due
        left join {ELIGIBILITY} as eligibility on due.contact_id = eligibility.contact_id
        where eligibility.contact_id is null or not eligibility.can_contact
        """
    ).fetchone()
    return int(row[0]) if row else 0


def due_list_as_of(con: duckdb.DuckDBPyConnection, fallback: date) -> date:
    """The day the due-list was built for (its `as_of_date`), else `fallback` when it is empty."""
    row = con.execute(f"select max(as_of_date) from {DUE_LIST}").fetchone()
    return row[0] if row and row[0] is not None else fallback


def export_touchpoints(
    con: duckdb.DuckDBPyConnection, out_dir: Path, fallback_as_of: date
) -> TouchpointExport:
    """Export today's due-list; refuses (raises) if any blocked contact slipped into it."""
    blocked = blocked_contacts_in_due_list(con)
    if blocked:
        raise BlockedContactInDueList(
            f"{blocked} row(s) of {DUE_LIST} are not allowed by {ELIGIBILITY}.can_contact; "
            "the export was not written"
        )
    as_of = due_list_as_of(con, fallback_as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{as_of.isoformat()}.csv"
    parquet_path = out_dir / f"{as_of.isoformat()}.parquet"
    query = f"select * from {DUE_LIST} order by segment_name, step, contact_id"
    # Parquet keeps raw values and types; the CSV is for people, who open it in a spreadsheet:
    # lists become "; "-joined text and formula-like cells are escaped.
    tmp = parquet_path.with_name(parquet_path.name + ".tmp")
    con.execute(f"copy ({query}) to '{_sql_path(tmp)}' (format parquet)")
    tmp.replace(parquet_path)  # readers never see a half-written file
    write_spreadsheet_csv(con.sql(query).pl(), csv_path)
    counts = con.execute(
        f"select segment_name || ':' || step_name, count(*) from {DUE_LIST} group by 1 order by 1"
    ).fetchall()
    return TouchpointExport(
        as_of=as_of,
        csv_path=csv_path,
        parquet_path=parquet_path,
        rows=sum(n for _, n in counts),
        by_segment_step={key: int(n) for key, n in counts},
    )


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
