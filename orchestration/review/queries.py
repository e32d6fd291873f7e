"""What the review page reads: marts of the published read copy, opened read-only per request.

The read copy is swapped atomically by every publish (orchestration/publish.py), so opening
it per request shows the newest publish and never holds a lock anything waits for. A copy
published before a mart existed (an older pipeline) has no such table: the page shows what
there is instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from orchestration import database

SCORE_COMPONENTS = (
    "role_family_fit",
    "skill_overlap",
    "seniority_fit",
    "location_fit",
    "silver_medalist",
    "replied_to_outreach",
    "engagement",
    "recency",
)
PERSON_FIELDS = (
    "record_key",
    "source",
    "entity",
    "source_record_id",
    "first_name",
    "last_name",
    "full_name",
    "company",
    "title",
    "location",
    "emails",
    "phones",
    "profile_urls",
    "source_person_key",
    "country_hint",
    "record_updated_at",
    "is_buyer_profile_copy",
)


class ReadCopyMissing(RuntimeError):
    """No published read copy yet (names the path, says how to make one)."""


@contextmanager
def read_copy(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if not path.exists():
        raise ReadCopyMissing(
            f"no read copy at {path} yet: every pipeline run publishes it "
            "(e.g. `talent-crm materialize`)"
        )
    with database.opened(path, read_only=True) as con:
        yield con


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = current_database() and table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def published_at(con: duckdb.DuckDBPyConnection) -> Any:
    if not has_table(con, "main", "meta"):
        return None
    row = con.execute("select published_at from main.meta").fetchone()
    return row[0] if row else None


def open_reqs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Open reqs with how many matches they have and how many of those were decided."""
    if not has_table(con, "matching", "req_profiles"):
        return []
    has_matches = has_table(con, "matching", "req_matches")
    has_decisions = has_table(con, "matching", "match_decisions")
    matches = (
        "(select req_id, count(*) as matches from matching.req_matches group by req_id)"
        if has_matches
        else "(select null::varchar as req_id, 0 as matches where false)"
    )
    decided = (
        "(select d.req_id, count(*) as decided from matching.match_decisions d "
        + (
            "inner join matching.req_matches m using (req_id, contact_id) "
            if has_matches
            else "where false "
        )
        + "group by d.req_id)"
        if has_decisions
        else "(select null::varchar as req_id, 0 as decided where false)"
    )
    return _dicts(
        con.execute(
            f"""
            select p.req_id, p.source, p.title, p.department_name, p.location, p.is_remote,
                   p.opened_at, coalesce(m.matches, 0) as matches,
                   coalesce(d.decided, 0) as decided
            from matching.req_profiles p
            left join {matches} m on m.req_id = p.req_id
            left join {decided} d on d.req_id = p.req_id
            where p.status = 'open'
            order by coalesce(m.matches, 0) = 0, p.opened_at desc nulls last, p.req_id
            """
        )
    )


def req_profile(con: duckdb.DuckDBPyConnection, req_id: str) -> dict[str, Any] | None:
    if not has_table(con, "matching", "req_profiles"):
        return None
    rows = _dicts(
        con.execute(
            "select req_id, source, title, status, department_name, role_family, seniority, "
            "required_skills, preferred_skills, location, is_remote, opened_at "
            "from matching.req_profiles where req_id = ?",
            [req_id],
        )
    )
    return rows[0] if rows else None


def req_matches(con: duckdb.DuckDBPyConnection, req_id: str) -> list[dict[str, Any]]:
    """The req's ranked matches with the contact's name and address (from crm.contacts)."""
    if not has_table(con, "matching", "req_matches"):
        return []
    components = ", ".join(f"m.{c}" for c in SCORE_COMPONENTS)
    return _dicts(
        con.execute(
            f"""
            select m.rank, m.contact_id, m.score, {components}, m.matched_skills, m.segment,
                   m.reason, m.matched_at, c.full_name, c.first_name, c.primary_email
            from matching.req_matches m
            left join crm.contacts c on c.contact_id = m.contact_id
            where m.req_id = ?
            order by m.rank
            """,
            [req_id],
        )
    )


def match_row(con: duckdb.DuckDBPyConnection, req_id: str, contact_id: str) -> dict | None:
    if not has_table(con, "matching", "req_matches"):
        return None
    rows = _dicts(
        con.execute(
            "select req_id, contact_id, score, partition_key from matching.req_matches "
            "where req_id = ? and contact_id = ?",
            [req_id, contact_id],
        )
    )
    return rows[0] if rows else None


def recorded_match_decisions(
    con: duckdb.DuckDBPyConnection, req_id: str
) -> dict[str, dict[str, Any]]:
    """contact_id → the latest decision in the published `matching.match_decisions`."""
    if not has_table(con, "matching", "match_decisions"):
        return {}
    rows = _dicts(
        con.execute(
            "select contact_id, decision, reason, message, reviewer, decided_at, decision_id "
            "from matching.match_decisions where req_id = ?",
            [req_id],
        )
    )
    return {row["contact_id"]: row for row in rows}


@dataclass(frozen=True)
class DuplicatePair:
    pair: dict[str, Any]
    record_a: dict[str, Any] | None
    record_b: dict[str, Any] | None


def duplicate_pairs(con: duckdb.DuckDBPyConnection) -> list[DuplicatePair]:
    """hygiene.duplicate_review pairs (best score first) with both records' identity inputs."""
    if not has_table(con, "hygiene", "duplicate_review"):
        return []
    pairs = _dicts(
        con.execute(
            "select contact_id_a, contact_id_b, record_key_a, record_key_b, source_a, source_b, "
            "name_a, name_b, company_a, company_b, rule, score, evidence, held_because "
            "from hygiene.duplicate_review order by score desc, record_key_a, record_key_b"
        )
    )
    records: dict[str, dict[str, Any]] = {}
    if has_table(con, "hygiene", "duplicate_review_records"):
        fields = ", ".join(PERSON_FIELDS)
        for row in _dicts(con.execute(f"select {fields} from hygiene.duplicate_review_records")):
            records[row["record_key"]] = row
    return [
        DuplicatePair(p, records.get(p["record_key_a"]), records.get(p["record_key_b"]))
        for p in pairs
    ]


def duplicate_pair(
    con: duckdb.DuckDBPyConnection, record_key_a: str, record_key_b: str
) -> DuplicatePair | None:
    for pair in duplicate_pairs(con):
        keys = {pair.pair["record_key_a"], pair.pair["record_key_b"]}
        if keys == {record_key_a, record_key_b}:
            return pair
    return None


@dataclass(frozen=True)
class ExportDrafts:
    """The drafts of a req's latest recruiter export (the file the matches were sent out in)."""

    file_name: str | None
    drafts: dict[str, str]


def latest_export_drafts(exports_root: Path, partition_key: str) -> ExportDrafts:
    """contact_id → draft message from the newest `outreach_<ts>.parquet` of the req.

    req_matches keeps the scores, not the drafts: the draft was written into the export by the
    same run, and it is the text the recruiter would otherwise have edited in a spreadsheet."""
    import polars as pl

    folder = exports_root / "reqs" / partition_key
    files = sorted(folder.glob("outreach_*.parquet")) if folder.is_dir() else []
    if not files:
        return ExportDrafts(None, {})
    latest = files[-1]  # names carry a sortable UTC timestamp
    frame = pl.read_parquet(latest, columns=["contact_id", "draft_message"])
    drafts = {
        row["contact_id"]: row["draft_message"]
        for row in frame.iter_rows(named=True)
        if row["contact_id"] and row["draft_message"]
    }
    return ExportDrafts(latest.with_suffix(".csv").name, drafts)
