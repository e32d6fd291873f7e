"""Write a mart of people to contact as a dated CSV (for people) and Parquet (for programs).

Used by the nurture due-list and the verification list. Files are named by date only, never by
anything personal; the summary holds counts only, so it is safe as run metadata. Before
anything is written, every row is checked against `gdpr.outreach_eligibility`: a list that
holds one contact the consent contract blocks is not exported at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.spreadsheet_csv import write_spreadsheet_csv

ELIGIBILITY = "gdpr.outreach_eligibility"


@dataclass(frozen=True)
class ContactListExport:
    as_of: date
    csv_path: Path
    parquet_path: Path
    rows: int
    counts: dict[str, int] = field(default_factory=dict)


class BlockedContactInList(RuntimeError):
    """A contact gdpr.outreach_eligibility blocks reached a list: nothing is exported."""


def blocked_contacts(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """How many rows of `table` the consent contract does not allow (must always be 0)."""
    row = con.execute(
        f"""
        select count(*)
        from {table} as listed
        left join {ELIGIBILITY} as eligibility on listed.contact_id = eligibility.contact_id
        where eligibility.contact_id is null or not eligibility.can_contact
        """
    ).fetchone()
    return int(row[0]) if row else 0


def export_contact_list(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    order_by: str,
    out_dir: Path,
    as_of: date,
    count_by: str | None = None,
) -> ContactListExport:
    """Export `table` to `<out_dir>/<as_of>.csv|.parquet`; raises if a blocked contact is in it.

    `count_by` is an SQL expression over the table whose row counts go into the summary.
    """
    blocked = blocked_contacts(con, table)
    if blocked:
        raise BlockedContactInList(
            f"{blocked} row(s) of {table} are not allowed by {ELIGIBILITY}.can_contact; "
            "the export was not written"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{as_of.isoformat()}.csv"
    parquet_path = out_dir / f"{as_of.isoformat()}.parquet"
    query = f"select * from {table} order by {order_by}"
    # Parquet keeps raw values and types; the CSV is for people, who open it in a spreadsheet:
    # lists become "; "-joined text and formula-like cells are escaped.
    tmp = parquet_path.with_name(parquet_path.name + ".tmp")
    con.execute(f"copy ({query}) to '{_sql_path(tmp)}' (format parquet)")
    tmp.replace(parquet_path)  # readers never see a half-written file
    write_spreadsheet_csv(con.sql(query).pl(), csv_path)
    if count_by:
        counts = con.execute(
            f"select {count_by}, count(*) from {table} group by 1 order by 1"
        ).fetchall()
        rows = sum(int(n) for _, n in counts)
    else:
        counts = []
        row = con.execute(f"select count(*) from {table}").fetchone()
        rows = int(row[0]) if row else 0
    return ContactListExport(
        as_of=as_of,
        csv_path=csv_path,
        parquet_path=parquet_path,
        rows=rows,
        counts={str(key): int(n) for key, n in counts},
    )


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
