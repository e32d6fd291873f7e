"""Write the day's nurture due-list (segments.touchpoints_due) to CSV and Parquet.

The files go to `<data dir>/exports/touchpoints/<as-of date>.csv|.parquet`
(`orchestration/contact_list_export.py` writes them and refuses a list holding a blocked
contact).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orchestration.contact_list_export import (
    ContactListExport,
    blocked_contacts,
    export_contact_list,
)

DUE_LIST = "segments.touchpoints_due"


def blocked_contacts_in_due_list(con: duckdb.DuckDBPyConnection) -> int:
    """How many due-list rows the consent contract does not allow (must always be 0)."""
    return blocked_contacts(con, DUE_LIST)


def due_list_as_of(con: duckdb.DuckDBPyConnection, fallback: date) -> date:
    """The day the due-list was built for (its `as_of_date`), else `fallback` when it is empty."""
    row = con.execute(f"select max(as_of_date) from {DUE_LIST}").fetchone()
    return row[0] if row and row[0] is not None else fallback


def export_touchpoints(
    con: duckdb.DuckDBPyConnection, out_dir: Path, fallback_as_of: date
) -> ContactListExport:
    """Export today's due-list, counted per segment and step."""
    return export_contact_list(
        con,
        DUE_LIST,
        order_by="segment_name, step, contact_id",
        out_dir=out_dir,
        as_of=due_list_as_of(con, fallback_as_of),
        count_by="segment_name || ':' || step_name",
    )
