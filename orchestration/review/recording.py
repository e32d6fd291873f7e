"""The one code path from a recruiter's answer to a spooled decision file (review page and
CSV import alike). Nothing here opens DuckDB: the asset `raw/review_decisions` lands the files."""

from __future__ import annotations

from typing import Any

from ingest import review_decisions as rd
from orchestration.matching.scoring import without_draft_marker


def record_match_decision(
    spool: rd.DecisionSpool,
    *,
    req_id: str,
    contact_id: str,
    decision: str,
    reviewer: str,
    score: float,
    export: str | None = None,
    reason: str | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """Validate and spool one match decision; returns it. Raises `rd.DecisionError` naming the
    field that breaks the contract. An approval keeps the message as approved, without the
    draft marker (approving is the review the marker asks for)."""
    record = rd.match_decision(
        req_id=req_id,
        contact_id=contact_id,
        decision=decision,
        reviewer=reviewer,
        score=score,
        export=export,
        reason=reason,
        message=without_draft_marker(message) if decision == "approved" else None,
    )
    spool.write(record)
    return record


def record_pair_decision(
    spool: rd.DecisionSpool,
    *,
    record_key_a: str,
    record_key_b: str,
    decision: str,
    reviewer: str,
    fingerprint_a: str,
    fingerprint_b: str,
) -> dict[str, Any]:
    record = rd.pair_decision(
        record_key_a=record_key_a,
        record_key_b=record_key_b,
        decision=decision,
        reviewer=reviewer,
        fingerprint_a=fingerprint_a,
        fingerprint_b=fingerprint_b,
    )
    spool.write(record)
    return record
