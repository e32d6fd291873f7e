"""Counts of the hygiene and GDPR marts: Dagster metadata and `make demo` print the same."""

from __future__ import annotations

from typing import Any

import duckdb

from ingest.landing import table_exists

# (label, table, optional filter)
COUNTED = (
    ("contacts", "crm.contacts", None),
    ("stale_contacts", "hygiene.stale_contacts", None),
    ("undeliverable", "hygiene.undeliverable", None),
    ("verification_list", "hygiene.verification_list", None),
    ("duplicate_review_pairs", "hygiene.duplicate_review", None),
    ("job_changes", "hygiene.job_changes", None),
    ("consent_gaps", "gdpr.consent_gaps", None),
    ("art14_notices_due", "gdpr.art14_notices_due", None),
    ("art14_overdue", "gdpr.art14_overdue", None),
    ("retention_due_30_days", "gdpr.retention_due", None),
    ("retention_purge_due", "gdpr.retention_due", "is_purge_due"),
    ("contactable", "gdpr.outreach_eligibility", "can_contact"),
    ("suppression_hashes", "gdpr.suppression_list", None),
)


def hygiene_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts only (no personal data): rows per list, and the three most common tag gaps."""
    counts: dict[str, Any] = {}
    for label, table, condition in COUNTED:
        if not table_exists(con, table):
            continue
        where = f" where {condition}" if condition else ""
        counts[label] = int(con.execute(f"select count(*) from {table}{where}").fetchall()[0][0])
    if table_exists(con, "hygiene.tagging_gaps"):
        rows = con.execute(
            "select tag, completeness_pct from hygiene.tagging_gaps where is_top_gap "
            "order by gap_rank"
        ).fetchall()
        counts["top_tagging_gaps"] = [f"{tag} ({pct}% complete)" for tag, pct in rows]
    return counts


def format_summary(summary: dict[str, Any]) -> list[str]:
    lines = []
    for label, value in summary.items():
        if isinstance(value, list):
            lines.append(f"  {label:<28} {', '.join(value) or 'none'}")
        else:
            lines.append(f"  {label:<28} {value:>9,}")
    return lines
